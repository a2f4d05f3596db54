import { Type, type Static } from '@sinclair/typebox';
import { Endpoint, Secret } from '../../../core/sdk';

/** An Odoo field name (custom fields start with x_). */
const FieldName = (options: { default: string; description: string }) =>
  Type.String({ pattern: '^[a-z_][a-z0-9_]*$', maxLength: 63, ...options });

/** Default custom fields of sale.order holding the ad click ids (Odoo Studio names custom fields x_…). */
export const DEFAULT_CLICK_ID_FIELDS = {
  gclid: 'x_gclid',
  gbraid: 'x_gbraid',
  wbraid: 'x_wbraid',
  fbc: 'x_fbc',
  fbp: 'x_fbp',
} as const;
export type ClickIdName = keyof typeof DEFAULT_CLICK_ID_FIELDS;
export const DEFAULT_CONSENT_FIELD = 'x_marketing_consent';

const clickField = (name: ClickIdName, what: string) =>
  Type.Optional(
    FieldName({
      default: DEFAULT_CLICK_ID_FIELDS[name],
      description: `Field of sale.order holding ${what}; missing in the database: read as null`,
    }),
  );

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
    gclidField: clickField('gclid', 'the Google click id (gclid)'),
    gbraidField: clickField('gbraid', 'the Google app click id (gbraid)'),
    wbraidField: clickField('wbraid', 'the Google web-to-app click id (wbraid)'),
    fbcField: clickField('fbc', 'the Meta click cookie (_fbc: fb.1.<time>.<fbclid>)'),
    fbpField: clickField('fbp', 'the Meta browser cookie (_fbp)'),
    consentField: Type.Optional(
      FieldName({
        default: DEFAULT_CONSENT_FIELD,
        description:
          'Field of res.partner that holds the customer\'s marketing consent (boolean, or text such as "yes"); a ' +
          "partner on Odoo's mailing blacklist never counts as consenting. Missing in the database: no consent",
      }),
    ),
    orderConfirmWaitMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60_000,
        default: 10_000,
        description:
          'createOrders: when a create may have reached Odoo but its answer was lost (timeout, 502/504) and no order ' +
          'carries its marker yet, how long to wait before looking once more (Odoo commits when the call ends); ' +
          'still none: manual review, never an automatic retry',
      }),
    ),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, default: 200, description: 'Records per search_read page' }),
    ),
  },
  { additionalProperties: false },
);
export type OdooSettings = Static<typeof OdooSettings>;
