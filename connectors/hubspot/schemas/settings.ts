import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, RetrySettings, Secret } from '../../../core/sdk';

/** Connection settings of the HubSpot connector; the settings type is derived from this schema. */
export const HubSpotSettings = Type.Object(
  {
    accessToken: Secret(
      Type.String({
        minLength: 1,
        description: 'Private app access token, or an OAuth access token (sent as Authorization: Bearer)',
      }),
    ),
    tier: Type.Optional(
      Type.Union(
        [
          Type.Literal('free'),
          Type.Literal('starter'),
          Type.Literal('professional'),
          Type.Literal('enterprise'),
          Type.Literal('api-add-on'),
        ],
        {
          default: 'professional',
          description:
            'HubSpot subscription tier; sets the burst budget per 10 s (free/starter 100, professional/enterprise 190, API add-on 250)',
        },
      ),
    ),
    appType: Type.Optional(
      Type.Union([Type.Literal('private'), Type.Literal('public-oauth')], {
        default: 'private',
        description: 'Private (single-account) app, or a public OAuth app (110 requests per 10 s per account)',
      }),
    ),
    clientSecret: Type.Optional(
      Secret(Type.String({ minLength: 1, description: 'App client secret: the key of webhook signatures (v3)' })),
    ),
    dealIdProperty: Type.Optional(
      Type.String({
        minLength: 1,
        default: 'external_deal_id',
        description: 'Unique deal property that holds the external id upsertDeals matches on',
      }),
    ),
    contactProperties: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Extra contact properties the contacts stream reads, besides the standard ones',
      }),
    ),
    lookbackMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 300_000,
        description: 'Overlap re-read at the start of each incremental read, because the search index lags writes',
      }),
    ),
    searchRateLimit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 5,
        description: 'CRM search requests per second (HubSpot allows 5; raise only for a sandbox)',
      }),
    ),
    baseUrl: Type.Optional(
      Endpoint(
        Type.String({
          format: 'uri',
          default: 'https://api.hubapi.com',
          description: 'API base URL; the sandbox URL for sandbox connections',
        }),
      ),
    ),
    retry: Type.Optional(RetrySettings),
  },
  { additionalProperties: false },
);
export type HubSpotSettings = Static<typeof HubSpotSettings>;

export type HubSpotTier = NonNullable<HubSpotSettings['tier']>;

/** Requests per rolling 10 s window, per app, by tier (usage guidelines). */
export const BURST_PER_10S: Record<HubSpotTier, number> = {
  free: 100,
  starter: 100,
  professional: 190,
  enterprise: 190,
  'api-add-on': 250,
};

/** Public OAuth apps get 110 per 10 s per installing account, whatever the tier. */
export const PUBLIC_APP_BURST_PER_10S = 110;

export function burstLimit(settings: Pick<HubSpotSettings, 'tier' | 'appType'>): number {
  if (settings.appType === 'public-oauth') return PUBLIC_APP_BURST_PER_10S;
  return BURST_PER_10S[settings.tier ?? 'professional'];
}
