import { Type, type Static } from '@sinclair/typebox';

/** One value or several (Meta takes arrays for every customer-information parameter). */
const OneOrMany = Type.Union([Type.String(), Type.Array(Type.String(), { minItems: 1 })]);

export const ACTION_SOURCES = [
  'website',
  'app',
  'physical_store',
  'chat',
  'email',
  'phone_call',
  'system_generated',
  'business_messaging',
  'other',
] as const;

/** `user_data` as a mapping writes it: plain values (hashed by the action) or 64-hex SHA-256 values (sent as they are). */
export const UserDataInput = Type.Object(
  {
    em: Type.Optional(OneOrMany),
    ph: Type.Optional(OneOrMany),
    fn: Type.Optional(OneOrMany),
    ln: Type.Optional(OneOrMany),
    ct: Type.Optional(OneOrMany),
    st: Type.Optional(OneOrMany),
    zp: Type.Optional(OneOrMany),
    country: Type.Optional(OneOrMany),
    external_id: Type.Optional(OneOrMany),
    db: Type.Optional(OneOrMany),
    ge: Type.Optional(OneOrMany),
    client_ip_address: Type.Optional(Type.String({ description: 'Never hashed' })),
    client_user_agent: Type.Optional(Type.String({ description: 'Never hashed; required for website events' })),
    fbc: Type.Optional(Type.String({ description: 'Click id cookie _fbc, never hashed' })),
    fbp: Type.Optional(Type.String({ description: 'Browser id cookie _fbp, never hashed' })),
    lead_id: Type.Optional(Type.String({ description: 'Lead Ads lead id, never hashed' })),
  },
  { additionalProperties: false },
);
export type UserDataInput = Static<typeof UserDataInput>;

/** Input of `sendEvents`: one Conversions API server event. */
export const EventInput = Type.Object(
  {
    event_name: Type.String({ minLength: 1, maxLength: 100, description: 'Purchase, Lead, or a custom event name' }),
    event_time: Type.Union([Type.Integer({ minimum: 0 }), Type.String({ minLength: 1 })], {
      description: 'Unix seconds or ISO 8601; at most 7 days ago (Meta refuses the whole request otherwise)',
    }),
    event_id: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'De-duplication key with the pixel (event_name + event_id, 48 h): the order reference',
    }),
    action_source: Type.Union(
      ACTION_SOURCES.map((s) => Type.Literal(s)),
      { description: 'Where the conversion happened' },
    ),
    event_source_url: Type.Optional(Type.String({ description: 'Required for website events' })),
    user_data: UserDataInput,
    custom_data: Type.Optional(
      Type.Object(
        {
          value: Type.Optional(Type.Number({ minimum: 0 })),
          currency: Type.Optional(Type.String({ description: 'ISO 4217, e.g. EUR; required with value' })),
          order_id: Type.Optional(Type.String()),
          content_ids: Type.Optional(Type.Array(Type.String())),
          content_type: Type.Optional(Type.String()),
          num_items: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: true, description: 'Standard and custom properties of the event' },
      ),
    ),
    opt_out: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

/** Input of the audience actions: one person, by any of Meta's multi-key identifiers. */
export const AudienceMemberInput = Type.Object(
  {
    audienceId: Type.Optional(
      Type.String({ pattern: '^\\d{1,20}$', description: 'Custom audience id; default: the audienceId setting' }),
    ),
    email: Type.Optional(Type.String()),
    phone: Type.Optional(Type.String({ description: 'With the country code' })),
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    zip: Type.Optional(Type.String()),
    country: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2' })),
    externalId: Type.Optional(Type.String({ description: 'Sent as EXTERN_ID, not hashed' })),
    madid: Type.Optional(Type.String({ description: 'Mobile advertiser id, not hashed' })),
  },
  { additionalProperties: false },
);
export type AudienceMemberInput = Static<typeof AudienceMemberInput>;

/** A Lead Ads lead as the `leads` stream (and the leadgen webhook) emits it. */
export const Lead = Type.Object({
  id: Type.String({ description: 'Lead id (leadgen_id in webhooks): one record per lead whichever way it came' }),
  form_id: Type.Union([Type.String(), Type.Null()]),
  created_time: Type.String({ description: 'ISO 8601 UTC' }),
  ad_id: Type.Union([Type.String(), Type.Null()]),
  campaign_id: Type.Union([Type.String(), Type.Null()]),
  is_organic: Type.Boolean(),
  platform: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Record(Type.String(), Type.String(), { description: 'field_data, one value per question' }),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  full_name: Type.Union([Type.String(), Type.Null()]),
});
export type Lead = Static<typeof Lead>;

/** Spend of one campaign on one day, as the `insights` stream emits it. */
export const CampaignDay = Type.Object({
  id: Type.String({ description: '<campaign_id>:<YYYY-MM-DD>' }),
  campaign_id: Type.String(),
  campaign_name: Type.Union([Type.String(), Type.Null()]),
  date: Type.String({ description: 'YYYY-MM-DD in the ad account time zone' }),
  spend: Type.Number(),
  currency: Type.Union([Type.String(), Type.Null()]),
  impressions: Type.Integer(),
  clicks: Type.Integer(),
  purchases: Type.Union([Type.Number(), Type.Null()], {
    description: 'Purchases Meta attributes (actions: omni_purchase, else purchase); null when Meta sent no actions',
  }),
  purchase_value: Type.Union([Type.Number(), Type.Null()], {
    description: 'Their value in the account currency (action_values); null when Meta sent no action values',
  }),
});
export type CampaignDay = Static<typeof CampaignDay>;
