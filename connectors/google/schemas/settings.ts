import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Secret } from '../../../core/sdk';

const digits = (description: string) => Type.String({ pattern: '^[0-9]{1,20}$', description });

/**
 * Connection settings of the Google connector: one OAuth2 client for both APIs (scopes `datamanager` and
 * `adwords`), the Google Ads account, and the destinations. The settings type is derived from this schema.
 */
export const GoogleSettings = Type.Object(
  {
    clientId: Type.String({ minLength: 1, description: 'OAuth2 client id of your Google Cloud project' }),
    clientSecret: Secret(Type.String({ minLength: 1, description: 'OAuth2 client secret' })),
    refreshToken: Secret(
      Type.String({
        minLength: 1,
        description: 'OAuth2 refresh token granted for the datamanager and adwords scopes (rotated by the hub)',
      }),
    ),
    accessToken: Type.Optional(Secret(Type.String({ description: 'Current access token; kept fresh by the hub' }))),
    expiresAt: Type.Optional(Type.Number({ description: 'Expiry of the access token, epoch milliseconds' })),
    tokenUrl: Type.Optional(
      Endpoint(
        Type.String({
          minLength: 1,
          description: 'OAuth2 token endpoint (default https://oauth2.googleapis.com/token; a sandbox in tests)',
        }),
      ),
    ),
    operatingAccountId: Type.String({
      pattern: '^[0-9]{10}$',
      description: 'Google Ads customer id the data goes to and is read from: 10 digits, without dashes',
    }),
    loginAccountId: Type.Optional(
      Type.String({
        pattern: '^[0-9]{10}$',
        description: 'Manager (MCC) customer id you sign in through, when not the operating account: 10 digits',
      }),
    ),
    developerToken: Type.Optional(
      Secret(
        Type.String({
          minLength: 1,
          description: 'Google Ads API developer token: needed only for the read streams (campaignMetrics, leads)',
        }),
      ),
    ),
    conversionActionId: Type.Optional(digits('Google Ads conversion action id (sendConversions, retractConversions)')),
    userListId: Type.Optional(digits('Customer Match user list id (addAudienceMembers, removeAudienceMembers)')),
    customerMatchTermsAccepted: Type.Optional(
      Type.Boolean({
        description:
          'You accepted the Customer Match terms (support.google.com/adspolicy/answer/6299717); required to add members',
      }),
    ),
    validateOnly: Type.Optional(
      Type.Boolean({ description: 'Data Manager validates the requests but stores nothing (a dry run)' }),
    ),
    defaultRegion: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z]{2}$',
        description: 'Country (ISO-3166-1 alpha-2) of phone numbers written without +',
      }),
    ),
    dataManagerUrl: Type.Optional(
      Endpoint(Type.String({ minLength: 1, description: 'Data Manager API base URL (default the Google one)' })),
    ),
    adsApiUrl: Type.Optional(
      Endpoint(Type.String({ minLength: 1, description: 'Google Ads API base URL (default the Google one)' })),
    ),
    startDate: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'First day campaignMetrics reads on a first run (default 30 days ago)',
      }),
    ),
    lookBackDays: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 90,
        description: 'Days campaignMetrics reads again on each run, as Google restates recent costs (default 3)',
      }),
    ),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_000, description: 'Records per page of the streams (default 500)' }),
    ),
    diagnosticsPolls: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 10,
        description: 'How often to read requestStatus while Google is still processing a request (default 3)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type GoogleSettings = Static<typeof GoogleSettings>;

export const DEFAULT_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const DEFAULT_DATA_MANAGER_URL = 'https://datamanager.googleapis.com';
export const DEFAULT_ADS_API_URL = 'https://googleads.googleapis.com';
