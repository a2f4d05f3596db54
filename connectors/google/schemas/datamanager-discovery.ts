/**
 * An excerpt of the Data Manager API v1 discovery document, as JSON Schema: the request bodies this connector sends.
 * Source: googleapis/google-api-nodejs-client `discovery/datamanager-v1.json` (revision 20260225), schemas
 * IngestEventsRequest, IngestAudienceMembersRequest, RemoveAudienceMembersRequest, Destination, ProductAccount,
 * Event, AdIdentifiers, UserData, UserIdentifier, AddressInfo, Consent, AudienceMember, TermsOfService — the
 * properties and enums as published; `required` from the fields the descriptions call "Required.". One deliberate
 * difference: `additionalProperties: false` everywhere, so a misspelt field fails the tests instead of being
 * ignored by Google. Used by the tests to validate every request body the connector builds.
 */

const consentStatus = { type: 'string', enum: ['CONSENT_STATUS_UNSPECIFIED', 'CONSENT_GRANTED', 'CONSENT_DENIED'] };
const encoding = { type: 'string', enum: ['ENCODING_UNSPECIFIED', 'HEX', 'BASE64'] };

const defs = {
  ProductAccount: {
    type: 'object',
    additionalProperties: false,
    required: ['accountId', 'accountType'],
    properties: {
      accountId: { type: 'string' },
      accountType: {
        type: 'string',
        enum: [
          'ACCOUNT_TYPE_UNSPECIFIED',
          'GOOGLE_ADS',
          'DISPLAY_VIDEO_PARTNER',
          'DISPLAY_VIDEO_ADVERTISER',
          'DATA_PARTNER',
          'GOOGLE_ANALYTICS_PROPERTY',
        ],
      },
    },
  },
  Destination: {
    type: 'object',
    additionalProperties: false,
    required: ['operatingAccount', 'productDestinationId'],
    properties: {
      linkedAccount: { $ref: '#/definitions/ProductAccount' },
      loginAccount: { $ref: '#/definitions/ProductAccount' },
      operatingAccount: { $ref: '#/definitions/ProductAccount' },
      productDestinationId: { type: 'string' },
      reference: { type: 'string' },
    },
  },
  Consent: {
    type: 'object',
    additionalProperties: false,
    properties: { adPersonalization: consentStatus, adUserData: consentStatus },
  },
  AddressInfo: {
    type: 'object',
    additionalProperties: false,
    required: ['familyName', 'givenName', 'postalCode', 'regionCode'],
    properties: {
      familyName: { type: 'string' },
      givenName: { type: 'string' },
      postalCode: { type: 'string' },
      regionCode: { type: 'string' },
    },
  },
  UserIdentifier: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    properties: {
      address: { $ref: '#/definitions/AddressInfo' },
      emailAddress: { type: 'string' },
      phoneNumber: { type: 'string' },
    },
  },
  UserData: {
    type: 'object',
    additionalProperties: false,
    required: ['userIdentifiers'],
    properties: {
      userIdentifiers: { type: 'array', minItems: 1, maxItems: 10, items: { $ref: '#/definitions/UserIdentifier' } },
    },
  },
  AdIdentifiers: {
    type: 'object',
    additionalProperties: false,
    properties: {
      gbraid: { type: 'string' },
      gclid: { type: 'string' },
      wbraid: { type: 'string' },
      sessionAttributes: { type: 'string' },
    },
  },
  Event: {
    type: 'object',
    additionalProperties: false,
    required: ['eventTimestamp'],
    properties: {
      adIdentifiers: { $ref: '#/definitions/AdIdentifiers' },
      consent: { $ref: '#/definitions/Consent' },
      conversionValue: { type: 'number' },
      currency: { type: 'string' },
      destinationReferences: { type: 'array', items: { type: 'string' } },
      eventName: { type: 'string' },
      eventSource: { type: 'string', enum: ['EVENT_SOURCE_UNSPECIFIED', 'WEB', 'APP', 'IN_STORE', 'PHONE', 'OTHER'] },
      eventTimestamp: { type: 'string', format: 'date-time' },
      lastUpdatedTimestamp: { type: 'string', format: 'date-time' },
      transactionId: { type: 'string' },
      userData: { $ref: '#/definitions/UserData' },
      userId: { type: 'string' },
    },
  },
  AudienceMember: {
    type: 'object',
    additionalProperties: false,
    properties: {
      consent: { $ref: '#/definitions/Consent' },
      destinationReferences: { type: 'array', items: { type: 'string' } },
      userData: { $ref: '#/definitions/UserData' },
    },
  },
  TermsOfService: {
    type: 'object',
    additionalProperties: false,
    properties: {
      customerMatchTermsOfServiceStatus: {
        type: 'string',
        enum: ['TERMS_OF_SERVICE_STATUS_UNSPECIFIED', 'ACCEPTED', 'REJECTED'],
      },
    },
  },
};

const destinations = { type: 'array', minItems: 1, maxItems: 10, items: { $ref: '#/definitions/Destination' } };

/** `POST /v1/events:ingest` body: at most 2,000 events. */
export const IngestEventsRequestSchema = {
  definitions: defs,
  type: 'object',
  additionalProperties: false,
  required: ['destinations', 'events'],
  properties: {
    consent: { $ref: '#/definitions/Consent' },
    destinations,
    encoding,
    events: { type: 'array', minItems: 1, maxItems: 2000, items: { $ref: '#/definitions/Event' } },
    validateOnly: { type: 'boolean' },
  },
};

/** `POST /v1/audienceMembers:ingest` body: at most 10,000 members. */
export const IngestAudienceMembersRequestSchema = {
  definitions: defs,
  type: 'object',
  additionalProperties: false,
  required: ['destinations', 'audienceMembers'],
  properties: {
    audienceMembers: { type: 'array', minItems: 1, maxItems: 10000, items: { $ref: '#/definitions/AudienceMember' } },
    consent: { $ref: '#/definitions/Consent' },
    destinations,
    encoding,
    termsOfService: { $ref: '#/definitions/TermsOfService' },
    validateOnly: { type: 'boolean' },
  },
};

/** `POST /v1/audienceMembers:remove` body: at most 10,000 members. */
export const RemoveAudienceMembersRequestSchema = {
  definitions: defs,
  type: 'object',
  additionalProperties: false,
  required: ['destinations', 'audienceMembers'],
  properties: {
    audienceMembers: { type: 'array', minItems: 1, maxItems: 10000, items: { $ref: '#/definitions/AudienceMember' } },
    destinations,
    encoding,
    validateOnly: { type: 'boolean' },
  },
};
