import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Secret } from '../../../core/sdk';

/** Connection settings of the Odoo connector; the settings type is derived from this schema. */
export const OdooSettings = Type.Object(
  {
    url: Endpoint(
      Type.String({
        minLength: 1,
        description: 'Address of the Odoo server, e.g. https://mycompany.odoo.com (no path)',
      }),
    ),
    database: Type.String({
      minLength: 1,
      description: 'Database name (sent as X-Odoo-Database on JSON-2; the first argument of execute_kw on JSON-RPC)',
    }),
    login: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'User login the API key belongs to; needed on Odoo 18 and older (JSON-RPC authenticate)',
      }),
    ),
    apiKey: Secret(
      Type.String({
        minLength: 1,
        description: 'API key (Preferences → Account Security → New API Key); keys last at most 3 months',
      }),
    ),
    transport: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('json2'), Type.Literal('jsonrpc')], {
        default: 'auto',
        description: 'auto: JSON-2 on Odoo 19+, JSON-RPC execute_kw on older servers, chosen from /web/version',
      }),
    ),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'Records per search_read page' }),
    ),
  },
  { additionalProperties: false },
);
export type OdooSettings = Static<typeof OdooSettings>;
