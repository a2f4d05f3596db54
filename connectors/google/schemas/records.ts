import { Type, type Static } from '@sinclair/typebox';

/** Record shapes of the Google connector's actions and streams (the types are derived from these schemas). */

const ConsentStatus = Type.Union(
  [Type.Literal('CONSENT_GRANTED'), Type.Literal('CONSENT_DENIED'), Type.Literal('CONSENT_STATUS_UNSPECIFIED')],
  { description: 'Google consent status' },
);

export const Consent = Type.Object(
  {
    adUserData: Type.Optional(ConsentStatus),
    adPersonalization: Type.Optional(ConsentStatus),
  },
  { additionalProperties: false, description: 'DMA consent of the person (Data Manager `Consent`)' },
);
export type Consent = Static<typeof Consent>;

const Identifiers = {
  email: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 10 })], {
      description: 'E-mail address(es), raw (formatted and hashed here) or already SHA-256 hex',
    }),
  ),
  phone: Type.Optional(
    Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 10 })], {
      description: 'Phone number(s), E.164 with + (or with regionCode / defaultRegion), or already SHA-256 hex',
    }),
  ),
  givenName: Type.Optional(Type.String({ description: 'First name (hashed), part of an address identifier' })),
  familyName: Type.Optional(Type.String({ description: 'Last name (hashed), part of an address identifier' })),
  regionCode: Type.Optional(Type.String({ description: 'Country, ISO-3166-1 alpha-2 (not hashed)' })),
  postalCode: Type.Optional(Type.String({ description: 'Postal code (not hashed)' })),
};

const ClickIds = {
  gclid: Type.Optional(Type.String({ minLength: 1, description: 'Google click id' })),
  gbraid: Type.Optional(Type.String({ minLength: 1, description: 'iOS app click id' })),
  wbraid: Type.Optional(Type.String({ minLength: 1, description: 'iOS web click id' })),
};

export const ConversionRecord = Type.Object(
  {
    transactionId: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'Order reference: Google de-duplicates by it, and later adjustments find the conversion by it',
    }),
    eventTimestamp: Type.String({ minLength: 1, description: 'When the conversion happened (ISO 8601 with zone)' }),
    ...ClickIds,
    conversionValue: Type.Optional(Type.Number({ minimum: 0 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' })),
    ...Identifiers,
    consent: Type.Optional(Consent),
    eventSource: Type.Optional(
      Type.Union([
        Type.Literal('WEB'),
        Type.Literal('APP'),
        Type.Literal('IN_STORE'),
        Type.Literal('PHONE'),
        Type.Literal('OTHER'),
      ]),
    ),
  },
  { additionalProperties: false },
);
export type ConversionRecord = Static<typeof ConversionRecord>;

export const RetractionRecord = Type.Object(
  {
    transactionId: Type.String({
      minLength: 1,
      maxLength: 256,
      description: 'transactionId of the original conversion',
    }),
    eventTimestamp: Type.String({ minLength: 1, description: 'eventTimestamp of the original conversion' }),
    ...ClickIds,
    conversionValue: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'The value after the refund (default 0: a full refund); replaces the recorded value',
      }),
    ),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' })),
    ...Identifiers,
    consent: Type.Optional(Consent),
  },
  { additionalProperties: false },
);
export type RetractionRecord = Static<typeof RetractionRecord>;

export const AudienceMemberRecord = Type.Object(
  { ...Identifiers, consent: Type.Optional(Consent) },
  { additionalProperties: false },
);
export type AudienceMemberRecord = Static<typeof AudienceMemberRecord>;

export const CampaignMetricsRecord = Type.Object({
  key: Type.String({ description: 'campaignId:date' }),
  campaignId: Type.String(),
  campaignName: Type.String(),
  date: Type.String({ description: 'Day, YYYY-MM-DD in the account time zone' }),
  costMicros: Type.Integer({ description: 'Spend in micros of the account currency (1,000,000 = 1 unit)' }),
  cost: Type.Number({ description: 'costMicros / 1,000,000' }),
  clicks: Type.Integer(),
  impressions: Type.Integer(),
  conversions: Type.Number(),
  conversionsValue: Type.Number(),
});
export type CampaignMetricsRecord = Static<typeof CampaignMetricsRecord>;

export const LeadFormSubmissionRecord = Type.Object({
  id: Type.String(),
  submittedAt: Type.String({ description: 'ISO 8601' }),
  campaignId: Type.Union([Type.String(), Type.Null()]),
  adGroupId: Type.Union([Type.String(), Type.Null()]),
  assetId: Type.Union([Type.String(), Type.Null()]),
  gclid: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  fullName: Type.Union([Type.String(), Type.Null()]),
  firstName: Type.Union([Type.String(), Type.Null()]),
  lastName: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Record(Type.String(), Type.String(), {
    description: 'Every answer by field type (EMAIL, PHONE_NUMBER, …) or custom question text',
  }),
});
export type LeadFormSubmissionRecord = Static<typeof LeadFormSubmissionRecord>;
