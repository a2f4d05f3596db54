import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, RetrySettings, Secret } from '../../../core/sdk';

/**
 * Connection settings of the Mailchimp connector; the settings type is derived from this schema.
 * Either `apiKey` (its `-us7` suffix names the data centre) or `accessToken` + `server` authenticates.
 */
export const MailchimpSettings = Type.Object(
  {
    apiKey: Type.Optional(
      Secret(
        Type.String({
          minLength: 1,
          description: 'Marketing API key (Account → Extras → API keys); its suffix (e.g. -us7) is the data centre',
        }),
      ),
    ),
    accessToken: Type.Optional(
      Secret(Type.String({ minLength: 1, description: 'OAuth2 access token (instead of apiKey); needs server' })),
    ),
    server: Type.Optional(
      Endpoint(
        Type.String({
          pattern: '^[a-z]+[0-9]+$',
          description: 'Data centre, e.g. us7; required with accessToken, read from the API key otherwise',
        }),
      ),
    ),
    listId: Type.String({ minLength: 1, description: 'Audience (list) id, from Audience → Settings' }),
    webhookToken: Type.Optional(
      Secret(
        Type.String({
          minLength: 16,
          description: 'Secret token Mailchimp sends in the webhook URL query (?token=…); at least 16 characters',
        }),
      ),
    ),
    baseUrl: Type.Optional(
      Endpoint(
        Type.String({
          minLength: 1,
          description: 'API base URL; default https://<dc>.api.mailchimp.com/3.0 (set to a sandbox URL for tests)',
        }),
      ),
    ),
    maxConnections: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10,
        default: 8,
        description: 'Simultaneous connections per API key (Mailchimp allows 10 per account)',
      }),
    ),
    retry: Type.Optional(RetrySettings),
  },
  { additionalProperties: false },
);
export type MailchimpSettings = Static<typeof MailchimpSettings>;
