import { googleHash, googleNormalize, metaHash, normalizeEmail, skip, splitFullName } from '../../core/mapping/stdlib';
import {
  callSite,
  DEFAULT_COUNTRY,
  jsonataString,
  normalizeCity,
  numberAt,
  objectOf,
  own,
  pick,
  put,
  raise,
  round,
  text,
  truthy,
  type Body,
  type MakeBody,
  type Row,
} from './common';

/**
 * Orders: HubSpot deals to Odoo orders and back, and confirmed Odoo orders to Google offline conversions and Meta
 * Purchase events (consent and state decide first; identifiers are hashed only for an order that is sent).
 */

// ---------------------------------------------------------------------------------------------------------------
// HubSpot deal → Odoo order

const DIGITS = /^[0-9]+$/;

interface DealLine {
  productId: number | undefined;
  quantity: number;
  priceUnit: number | undefined;
  description: string | undefined;
}

const dealToOdooOrder: MakeBody = (expression) => {
  const [quantitySite, productSite, priceSite] = [0, 1, 2].map((nth) => callSite(expression, 'number', nth));
  const [customerSite, productsSite] = [0, 1].map((nth) => callSite(expression, 'error', nth));
  return (record) => {
    const p = objectOf(record.properties);
    const stage = text(p.dealstage).toLowerCase();
    const fromOdoo = text(p.external_deal_id);
    const email = normalizeEmail(p.customer_email);
    // the lines first: a quantity or price that is not a number fails the record whatever its stage
    const items = record.lineItems as Row[];
    const lines: DealLine[] = [];
    for (let i = 0; i < items.length; i++) {
      const ip = objectOf(items[i].properties);
      const sku = text(ip.hs_sku);
      const quantity = text(ip.quantity);
      const price = text(ip.price);
      const name = text(ip.name);
      lines.push({
        quantity: numberAt(quantitySite, quantity !== '' ? quantity : '0'),
        productId: DIGITS.test(sku) ? numberAt(productSite, sku) : undefined,
        priceUnit: price !== '' ? numberAt(priceSite, price) : undefined,
        description: name !== '' ? name : undefined,
      });
    }
    if (fromOdoo !== '') return skip(`deal came from Odoo order ${fromOdoo}: the order already exists`);
    if (stage !== 'closedwon') return skip(`deal is not closed won (stage "${stage}")`);
    if (email === undefined) {
      raise(
        customerSite,
        "customer_email: the deal has no usable customer e-mail; set the deal's customer_email to the customer's address in Odoo, then replay",
      );
    }
    let unknown: string[] | undefined;
    for (const line of lines) {
      if (line.productId === undefined) (unknown ??= []).push(line.description ?? '(unnamed)');
    }
    if (unknown !== undefined) {
      raise(
        productsSite,
        `lineItems: no Odoo product id in the SKU of ${unknown.join(', ')}; put the Odoo product id in each line item's SKU (hs_sku), then replay`,
      );
    }
    const out: Row = { externalId: `hubspot-deal-${jsonataString(record.id)}`, customer: { email } };
    const ref = text(p.dealname);
    if (ref !== '') out.client_order_ref = ref;
    const sold: Row[] = [];
    for (const line of lines) {
      if (!(line.quantity > 0)) continue;
      const item: Row = { product_id: line.productId, quantity: line.quantity };
      put(item, 'price_unit', line.priceUnit);
      put(item, 'description', line.description);
      sold.push(item);
    }
    out.lines = sold;
    return out;
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Odoo order → HubSpot deal

const STAGES: Record<string, string> = {
  draft: 'contractsent',
  sent: 'contractsent',
  sale: 'closedwon',
  done: 'closedwon',
  cancel: 'closedlost',
};
const FROM_HUBSPOT = /^hub:hubspot-deal-\d+$/;
const FROM_HUBSPOT_PREFIX = 'hub:hubspot-deal-';

const odooOrderToHubspotDeal: Body = (record) => {
  const origin = text(record.origin);
  if (FROM_HUBSPOT.test(origin)) {
    const deal = origin.slice(origin.indexOf(FROM_HUBSPOT_PREFIX) + FROM_HUBSPOT_PREFIX.length);
    return skip(`created from HubSpot deal ${deal}: that deal is this order's record`);
  }
  const state = text(record.state);
  const stage = own(STAGES, state.toLowerCase());
  if (stage === undefined) return skip(`order state "${state}" has no deal stage`);
  const ref = text(record.name);
  const customer = text(objectOf(record.customer).name);
  const properties: Row = { dealname: customer !== '' ? `${ref} — ${customer}` : ref };
  put(properties, 'amount', record.amount_total);
  properties.dealstage = stage;
  properties.pipeline = 'default';
  if (truthy(record.date_order)) properties.closedate = record.date_order;
  const currency = text(record.currency);
  if (currency !== '') properties.deal_currency_code = currency.toUpperCase();
  const lineItems: Row[] = [];
  for (const line of record.lines as Row[]) {
    if (!((line.quantity as number) > 0)) continue;
    const product = line.product as Row | null | undefined;
    const description = text(line.description);
    const item: Row = { name: description !== '' ? description : text(product?.name) };
    put(item, 'quantity', line.quantity);
    put(item, 'price', line.price_unit);
    if (truthy(product) && product?.id !== undefined) item.hs_sku = jsonataString(product.id);
    lineItems.push({ properties: item });
  }
  return { externalId: ref, properties, lineItems };
};

// ---------------------------------------------------------------------------------------------------------------
// Odoo order → Google offline conversion and Meta Purchase event

const YES = new Set(['true', 'yes', '1', 'да']);
const CONSENT_GRANTED = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

/** The skip for an order that is not for an ad platform (no consent, not confirmed), or undefined to go on. */
function notForAds(record: Row, platform: string, event: string): ReturnType<typeof skip> | undefined {
  if (!YES.has(text(record.marketing_consent).toLowerCase())) {
    return skip(`no marketing consent for this customer: nothing is sent to ${platform}`);
  }
  const state = text(record.state).toLowerCase();
  if (state === 'cancel') return skip(`order cancelled: not a ${event}`);
  if (state !== 'sale' && state !== 'done') return skip(`not a confirmed order yet (state "${state}")`);
  return undefined;
}

const eventTime = (record: Row): unknown => (truthy(record.date_order) ? record.date_order : record.write_date);

function currencyOf(record: Row): string | undefined {
  const currency = text(record.currency);
  return currency !== '' ? currency.toUpperCase() : undefined;
}

const googleHashed = (key: string, value: unknown, country?: string) =>
  googleHash(key, value, country, DEFAULT_COUNTRY);

const odooOrderToGoogleConversion: Body = (record) => {
  const skipped = notForAds(record, 'Google', 'conversion');
  if (skipped) return skipped;
  const gclid = pick(record.gclid, record.x_gclid);
  const gbraid = gclid === undefined ? pick(record.gbraid, record.x_gbraid) : undefined;
  const wbraid = gclid === undefined && gbraid === undefined ? pick(record.wbraid, record.x_wbraid) : undefined;
  if (gclid === undefined && gbraid === undefined && wbraid === undefined) {
    return skip('no Google click id (gclid, gbraid or wbraid) on the order: Google cannot attribute it');
  }
  const total = record.amount_total as number;
  // a refund restates the conversion (same transactionId) to what is left: 0 for a full refund
  const refunded = typeof record.refunded_amount === 'number' ? record.refunded_amount : 0;
  const out: Row = { transactionId: text(record.name) };
  put(out, 'eventTimestamp', eventTime(record));
  out.conversionValue = refunded > 0 ? Math.max(0, round(total - refunded, 2)) : total;
  put(out, 'currency', currencyOf(record));
  if (gclid !== undefined) out.gclid = gclid;
  else if (gbraid !== undefined) out.gbraid = gbraid;
  else out.wbraid = wbraid;
  const country = googleNormalize('regionCode', record.customer_country_code, undefined, DEFAULT_COUNTRY);
  put(out, 'email', googleHashed('email', record.customer_email));
  put(out, 'phone', googleHashed('phone', record.customer_phone, country));
  // the address goes only whole: names, region and postal code
  const name = splitFullName(objectOf(record.customer).name);
  const givenName = googleHashed('givenName', name?.given);
  const familyName = givenName === undefined ? undefined : googleHashed('familyName', name?.family);
  const postalCode =
    familyName === undefined || country === undefined
      ? undefined
      : googleNormalize('postalCode', record.customer_zip, undefined, DEFAULT_COUNTRY);
  if (postalCode !== undefined) {
    out.givenName = givenName;
    out.familyName = familyName;
    out.regionCode = country;
    out.postalCode = postalCode;
  }
  out.consent = { ...CONSENT_GRANTED };
  return out;
};

const metaHashed = (key: string, value: unknown, country?: unknown) => metaHash(key, value, country, DEFAULT_COUNTRY);

const odooOrderToMetaPurchase: Body = (record) => {
  const skipped = notForAds(record, 'Meta', 'purchase');
  if (skipped) return skipped;
  const customer = objectOf(record.customer);
  if (customer.id === undefined) return skip('the order has no customer: Meta needs someone to match the purchase to');
  const country = record.customer_country_code;
  const name = splitFullName(customer.name);
  const userData: Row = {};
  const email = metaHashed('em', record.customer_email);
  if (email !== undefined) userData.em = [email];
  const phone = metaHashed('ph', record.customer_phone, country);
  if (phone !== undefined) userData.ph = [phone];
  put(userData, 'fn', metaHashed('fn', name?.given));
  put(userData, 'ln', metaHashed('ln', name?.family));
  put(userData, 'ct', metaHashed('ct', normalizeCity(record.customer_city)));
  put(userData, 'zp', metaHashed('zp', record.customer_zip));
  put(userData, 'country', metaHashed('country', country));
  const externalId = metaHashed('external_id', `odoo-partner-${jsonataString(customer.id)}`);
  userData.external_id = externalId === undefined ? [] : [externalId];
  put(userData, 'fbc', pick(record.fbc, record.x_fbc));
  put(userData, 'fbp', pick(record.fbp, record.x_fbp));
  const contentIds: string[] = [];
  let items: number | undefined;
  for (const line of record.lines as Row[]) {
    const quantity = line.quantity as number;
    if (!(quantity > 0)) continue;
    items = (items ?? 0) + quantity;
    const product = line.product as Row | null | undefined;
    if (product && product.id !== undefined) contentIds.push(jsonataString(product.id));
  }
  const customData: Row = { value: record.amount_total };
  put(customData, 'currency', currencyOf(record));
  customData.order_id = text(record.name);
  customData.content_ids = contentIds;
  customData.content_type = 'product';
  put(customData, 'num_items', items === undefined ? undefined : round(items));
  const out: Row = { event_name: 'Purchase' };
  put(out, 'event_time', eventTime(record));
  out.event_id = text(record.name);
  out.action_source = 'other';
  out.user_data = userData;
  out.custom_data = customData;
  return out;
};

export const ORDERS: Record<string, MakeBody> = {
  'hubspot-deal-to-odoo-order': dealToOdooOrder,
  'odoo-order-to-hubspot-deal': () => odooOrderToHubspotDeal,
  'odoo-order-to-google-conversion': () => odooOrderToGoogleConversion,
  'odoo-order-to-meta-purchase': () => odooOrderToMetaPurchase,
};
