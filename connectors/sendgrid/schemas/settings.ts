import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, RetrySettings, Secret } from '../../../core/sdk';

/** Connection settings of the SendGrid connector; the settings type is derived from this schema. */
export const SendGridSettings = Type.Object(
  {
    apiKey: Secret(
      Type.String({
        minLength: 1,
        description: 'SendGrid API key (Settings > API Keys) with Marketing and Suppressions access',
      }),
    ),
    region: Type.Optional(
      Endpoint(
        Type.Union([Type.Literal('global'), Type.Literal('eu')], {
          default: 'global',
          description: 'Data residency of the account: global (api.sendgrid.com) or eu (api.eu.sendgrid.com)',
        }),
      ),
    ),
    listIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Marketing list ids every upserted contact joins',
      }),
    ),
    webhookPublicKey: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Event Webhook verification key (base64 DER, Settings > Mail Settings > Signed Event Webhook); not a secret',
      }),
    ),
    baseUrl: Type.Optional(
      Endpoint(
        Type.String({
          minLength: 1,
          description: 'API base URL; defaults to the region’s SendGrid URL (set to a sandbox URL for tests and demos)',
        }),
      ),
    ),
    importPollMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 60_000,
        default: 2000,
        description: 'How often an import, export or delete job is polled, in milliseconds',
      }),
    ),
    retry: Type.Optional(RetrySettings),
  },
  { additionalProperties: false },
);
export type SendGridSettings = Static<typeof SendGridSettings>;
