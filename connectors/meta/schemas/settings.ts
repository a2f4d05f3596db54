import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Secret } from '../../../core/sdk';
import { GRAPH_BASE_URL, GRAPH_VERSION } from '../version';

/** Connection settings of the Meta connector; the settings type is derived from this schema. */
export const MetaSettings = Type.Object(
  {
    accessToken: Secret(
      Type.String({
        minLength: 1,
        description:
          'System-user access token (Business Settings → System users → Generate token) with ads_management, leads_retrieval and pages_read_engagement',
      }),
    ),
    pixelId: Type.String({
      pattern: '^\\d{1,20}$',
      description: 'Pixel / dataset id the Conversions API events go to (Events Manager → Data sources)',
    }),
    adAccountId: Type.String({
      pattern: '^(act_)?\\d{1,20}$',
      description: 'Ad account id, with or without the act_ prefix (insights are read from it)',
    }),
    appSecret: Type.Optional(
      Secret(
        Type.String({
          minLength: 1,
          description:
            'App secret: verifies X-Hub-Signature-256 on lead webhooks and signs every call with appsecret_proof',
        }),
      ),
    ),
    testEventCode: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Routes sendEvents to the Test Events tool (Events Manager → Test events) instead of live data',
      }),
    ),
    audienceId: Type.Optional(
      Type.String({
        pattern: '^\\d{1,20}$',
        description: 'Custom audience the audience actions write to when a record names none (record audienceId wins)',
      }),
    ),
    pageId: Type.Optional(
      Type.String({ pattern: '^\\d{1,20}$', description: 'Facebook page whose lead forms the leads stream reads' }),
    ),
    leadFormIds: Type.Optional(
      Type.Array(Type.String({ pattern: '^\\d{1,20}$' }), {
        description: 'Lead forms the leads stream reads (default: every form of pageId)',
      }),
    ),
    verifyToken: Type.Optional(
      Secret(
        Type.String({
          minLength: 8,
          description: 'The Verify Token typed into the app dashboard when subscribing the leadgen webhook',
        }),
      ),
    ),
    insightsSince: Type.Optional(
      Type.String({
        format: 'date',
        description: 'First day the insights stream reads on a first run (default: 28 days ago)',
      }),
    ),
    graphVersion: Type.Optional(
      Type.String({ pattern: '^v\\d{1,3}\\.\\d$', default: GRAPH_VERSION, description: 'Graph API version' }),
    ),
    baseUrl: Type.Optional(
      Endpoint(
        Type.String({
          minLength: 1,
          default: GRAPH_BASE_URL,
          description: 'Graph API address; change only to point at a sandbox',
        }),
      ),
    ),
  },
  { additionalProperties: false },
);
export type MetaSettings = Static<typeof MetaSettings>;

/** `act_<digits>` whichever way the setting was written. */
export function adAccountOf(settings: Pick<MetaSettings, 'adAccountId'>): string {
  return settings.adAccountId.startsWith('act_') ? settings.adAccountId : `act_${settings.adAccountId}`;
}
