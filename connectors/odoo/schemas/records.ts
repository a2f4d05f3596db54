import { Type, type Static } from '@sinclair/typebox';

const Ref = Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()], {
  description: 'A many2one: { id, display name }, or null',
});
const Text = Type.Union([Type.String(), Type.Null()]);
const Time = Type.String({ description: 'ISO 8601 UTC (Odoo write_date)' });

/** res.partner as the `partners` stream emits it. */
export const Partner = Type.Object({
  id: Type.Integer(),
  name: Text,
  email: Text,
  phone: Text,
  ref: Text,
  is_company: Type.Boolean(),
  parent: Ref,
  country_code: Text,
  active: Type.Boolean({ description: 'false: archived in Odoo' }),
  write_date: Time,
});
export type Partner = Static<typeof Partner>;

export const OrderLine = Type.Object({
  id: Type.Integer(),
  product: Ref,
  description: Text,
  quantity: Type.Number(),
  price_unit: Type.Number(),
  price_subtotal: Type.Number(),
  price_total: Type.Number(),
});
export type OrderLine = Static<typeof OrderLine>;

/** sale.order with its lines, as the `orders` stream emits it. */
export const Order = Type.Object({
  id: Type.Integer(),
  name: Type.String({ description: 'Odoo order reference, e.g. S00042' }),
  client_order_ref: Text,
  origin: Text,
  customer: Ref,
  state: Type.String({ description: 'draft, sent, sale, cancel (done on older versions)' }),
  date_order: Text,
  currency: Text,
  amount_untaxed: Type.Number(),
  amount_tax: Type.Number(),
  amount_total: Type.Number(),
  lines: Type.Array(OrderLine),
  write_date: Time,
  customer_email: Type.Union([Type.String(), Type.Null()], { description: "The customer's e-mail (res.partner)" }),
  customer_phone: Text,
  customer_city: Text,
  customer_zip: Text,
  customer_country_code: Type.Union([Type.String(), Type.Null()], {
    description: 'ISO 3166-1 alpha-2, as Odoo keeps it',
  }),
  marketing_consent: Type.Union([Type.Boolean(), Type.Null()], {
    description:
      "The customer's marketing consent: the partner's consent field (setting consentField), false when the " +
      "partner's e-mail is on Odoo's mailing blacklist; null when the database has no such field or no customer",
  }),
  gclid: Type.Union([Type.String(), Type.Null()], { description: 'Google click id (setting gclidField)' }),
  gbraid: Type.Union([Type.String(), Type.Null()], { description: 'Google app click id (setting gbraidField)' }),
  wbraid: Type.Union([Type.String(), Type.Null()], { description: 'Google web-to-app click id (setting wbraidField)' }),
  fbc: Type.Union([Type.String(), Type.Null()], { description: 'Meta click cookie _fbc (setting fbcField)' }),
  fbp: Type.Union([Type.String(), Type.Null()], { description: 'Meta browser cookie _fbp (setting fbpField)' }),
  refunded_amount: Type.Number({
    minimum: 0,
    description: "Total of the posted customer credit notes (out_refund) of the order's invoices; 0 when none",
  }),
});
export type Order = Static<typeof Order>;

/** account.move of type out_invoice / out_refund, as the `invoices` stream emits it. */
export const Invoice = Type.Object({
  id: Type.Integer(),
  name: Text,
  move_type: Type.Union([Type.Literal('out_invoice'), Type.Literal('out_refund')]),
  state: Type.String({ description: 'draft, posted, cancel' }),
  payment_state: Text,
  customer: Ref,
  currency: Text,
  invoice_date: Text,
  invoice_origin: Text,
  amount_total: Type.Number(),
  amount_residual: Type.Number(),
  reversed_entry: Ref,
  write_date: Time,
});
export type Invoice = Static<typeof Invoice>;

/** Input of `upsertPartners`: matched by externalId (ir.model.data), else email, else ref. */
export const PartnerInput = Type.Object(
  {
    externalId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The hub-owned external id (kept in ir.model.data)' }),
    ),
    email: Type.Optional(Type.String({ maxLength: 240 })),
    ref: Type.Optional(Type.String({ maxLength: 200, description: 'Odoo internal reference' })),
    name: Type.Optional(
      Type.String({ description: 'Required when the partner is new (Odoo: contacts require a name)' }),
    ),
    phone: Type.Optional(Type.String()),
    is_company: Type.Optional(Type.Boolean()),
    street: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    zip: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type PartnerInput = Static<typeof PartnerInput>;

/** Input of `createOrders`: one sale.order per hub-owned external id (e.g. the CRM deal id marked won). */
export const OrderInput = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 200, description: 'Hub-owned key; one order per key, ever' }),
    customer: Type.Object(
      {
        externalId: Type.Optional(Type.String({ minLength: 1 })),
        email: Type.Optional(Type.String()),
        id: Type.Optional(Type.Integer({ minimum: 1, description: 'res.partner id' })),
      },
      { additionalProperties: false },
    ),
    client_order_ref: Type.Optional(Type.String({ description: 'Customer reference (not unique in Odoo)' })),
    currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3, description: 'ISO 4217 code' })),
    lines: Type.Array(
      Type.Object(
        {
          product_id: Type.Integer({ minimum: 1 }),
          quantity: Type.Number({ exclusiveMinimum: 0 }),
          price_unit: Type.Optional(Type.Number()),
          description: Type.Optional(Type.String()),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type OrderInput = Static<typeof OrderInput>;
