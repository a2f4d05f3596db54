import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MappingDefinition } from '../core/mapping';

/**
 * Source records for the mapping bench and the compiled-mapping equivalence test: one generator per source schema
 * (deterministic: the same seed for every run; HubSpot contacts for the ad-audience mappings also carry the list
 * membership and a postal code), and for a mapping whose source schema has no generator, the inputs of its own
 * fixtures, cycled. Each generator mixes what its mappings decide on: skips of every kind, records that fail
 * (source validation, $error), and outputs.
 */

const GIVEN_RU = ['Иван', 'Анна', 'Сергей', 'Мария', 'Дмитрий', 'Ольга', 'Алексей', 'Елена'];
const FAMILY_RU = ['Иванов', 'Петрова', 'Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев', 'Новикова'];
const PATRONYMIC = ['Иванович', 'Сергеевна', 'Петрович', 'Андреевна', 'Ильич', 'Олеговна'];
const WESTERN = ['John Smith', 'Mary Ann Jones', 'Ludwig van Beethoven', 'Anna Müller', 'Smith, John', 'Madonna'];
const CITIES = ['СПб', 'Москва', 'мск', 'С.-Петербург', 'Екб', 'Казань', 'New York', 'Berlin', ' Питер ', 'Тверь'];
const COUNTRIES = ['Россия', 'RU', 'ru', 'USA', 'Германия', '', 'Kazakhstan'];
const CONSENT = ['да', 'yes', 'no', '', '1', 'false'];

let seed = 42;
function pick<T>(items: readonly T[]): T {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return items[seed % items.length];
}

export function fileRow(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const name = russian
    ? i % 2 === 0
      ? `${pick(FAMILY_RU)} ${pick(GIVEN_RU)} ${pick(PATRONYMIC)}`
      : `${pick(GIVEN_RU)} ${pick(FAMILY_RU)}`
    : pick(WESTERN);
  const digits = String(1000000 + ((i * 7919) % 8999999)).padStart(7, '0');
  return {
    Email: i % 17 === 0 ? 'broken@' : `  User.${i}@Example${i % 5}.RU `,
    Phone: russian
      ? `8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
      : `+1 212 555 ${digits.slice(3)}`,
    'Full name': name,
    City: pick(CITIES),
    Country: russian ? pick(COUNTRIES) : 'US',
    Consent: pick(CONSENT),
  };
}

function canonicalContact(i: number): Record<string, unknown> {
  const contact: Record<string, unknown> = {
    email: `user.${i}@example${i % 5}.ru`,
    phone: `+7916${String(1000000 + ((i * 7919) % 8999999))}`,
    givenName: pick(GIVEN_RU),
    familyName: pick(FAMILY_RU),
    city: pick(['Санкт-Петербург', 'Москва', 'Казань', 'New York']),
    country: 'RU',
    consent: { email: i % 2 === 0 },
  };
  if (i % 4 === 0) contact.middleName = pick(PATRONYMIC);
  if (i % 23 === 0) delete contact.email;
  return contact;
}

function hubspotContact(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const properties: Record<string, unknown> = {
    email: i % 19 === 0 ? 'not-an-address' : ` User.${i}@Example${i % 5}.COM `,
    firstname: russian ? pick(GIVEN_RU) : 'John',
    lastname: i % 7 === 0 ? null : russian ? pick(FAMILY_RU) : 'Smith',
    phone: i % 4 === 0 ? '' : `8 (912) ${String(1000000 + ((i * 7919) % 8999999)).slice(0, 3)}-45-67`,
    mobilephone: '+7 921 1234567',
    city: pick(CITIES),
    country: russian ? pick(COUNTRIES) : 'USA',
    lifecyclestage: pick(['lead', 'customer', 'subscriber', 'opportunity', '']),
    marketing_consent: pick(['true', 'TRUE', 'false', 'yes', '']),
  };
  return { id: String(100 + i), properties, updatedAt: '2026-01-01T00:00:00.000Z', archived: false };
}

function mailchimpMember(i: number): Record<string, unknown> {
  return {
    id: `m${i}`,
    email_address: i % 13 === 0 ? 'broken@' : ` User.${i}@Example.com`,
    status: pick(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'archived']),
    language: pick(['RU', 'en', '']),
    merge_fields: {
      FNAME: pick(GIVEN_RU),
      LNAME: pick(FAMILY_RU),
      PHONE: i % 3 === 0 ? '' : '+7 (916) 123-45-67',
      ADDRESS:
        i % 2 === 0 ? { addr1: ' Nevsky pr. 1 ', city: pick(CITIES), state: '', zip: '191186', country: 'RU' } : '',
    },
    tags: [],
    last_changed: '2026-03-01T10:00:00+00:00',
  };
}

function sendgridSuppression(i: number): Record<string, unknown> {
  const type = pick(['unsubscribe', 'bounce', 'spamreport']);
  const email = i % 11 === 0 ? 'broken@' : ` User.${i}@Example.com`;
  return { id: `${type}:${email}`, email, type, reason: '550 5.1.1 unknown user', created_at: '2026-02-01T00:00:00Z' };
}

/**
 * One of `items` for record i, spread evenly and independently per `salt` (pick's generator repeats short cycles
 * in its low bits, which skews choices made several per record).
 */
function vary<T>(items: readonly T[], i: number, salt: number): T {
  let h = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca77);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return items[((h ^ (h >>> 13)) >>> 0) % items.length];
}

/** A HubSpot contact as the ad-audience mappings read it: on, off or never on the list, with a postal code. */
function hubspotAudienceContact(i: number): Record<string, unknown> {
  const contact = hubspotContact(i);
  const properties = contact.properties as Record<string, unknown>;
  properties.ad_audience = vary(['true', 'true', 'Yes', 'false', 'removed', '', null], i, 1);
  properties.zip = vary(['190000', ' 101000 ', '10115', '', null], i, 2);
  if (i % 11 === 0) properties.email = null;
  if (i % 13 === 0) contact.archived = true;
  return contact;
}

const PRODUCTS = ['Office chair', 'Desk', 'Monitor arm', 'Lamp', 'Whiteboard', 'Cable tray'];

function customerName(russian: boolean, i: number): string {
  return russian ? `  ${vary(FAMILY_RU, i, 3).toUpperCase()} ${vary(GIVEN_RU, i, 4)} ` : vary(WESTERN, i, 5);
}

/** A Google Ads lead form submission: answers top-level or in fields, consent questions, now and then no e-mail. */
function googleLead(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const fields: Record<string, string> = {};
  const lead: Record<string, unknown> = {
    id: `customers/123/leadFormSubmissionData/${i}`,
    submittedAt: '2026-12-01T10:00:00Z',
    campaignId: '111',
    adGroupId: i % 2 === 0 ? '222' : null,
    assetId: null,
    gclid: i % 4 === 0 ? null : `Cj0-lead-${i}`,
    email: null,
    phone: null,
    fullName: null,
    firstName: null,
    lastName: null,
    fields,
  };
  const email = i % 19 === 0 ? 'ivan at gmail' : `  Lead.${i}@Example${i % 5}.com `;
  if (i % 23 !== 0) {
    if (i % 4 === 0) lead.email = email;
    else fields[i % 5 === 0 ? 'WORK_EMAIL' : 'EMAIL'] = email;
  }
  if (i % 3 === 1) lead.fullName = customerName(russian, i);
  else if (i % 3 === 2) fields.FULL_NAME = customerName(russian, i);
  else {
    lead.firstName = 'pat';
    lead.lastName = 'LEE';
  }
  const digits = String(1000000 + ((i * 7919) % 8999999));
  const phone = russian
    ? `8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
    : `+1 212 555 ${digits.slice(3)}`;
  if (i % 6 === 0) lead.phone = phone;
  else if (i % 7 !== 0) fields.PHONE_NUMBER = phone;
  fields.CITY = vary(CITIES, i, 6);
  // ISO codes only (the records are fixed so that figures stay comparable; "UK" is read as GB since 2026-12-07)
  fields.COUNTRY = russian ? vary(['RU', 'ru', ' ru ', ''], i, 7) : 'US';
  if (i % 2 === 0) fields.POSTAL_CODE = vary(['190000', ' 101000 ', '10001'], i, 8);
  if (i % 5 === 0) fields.COMPANY_NAME = ' Lee & Co ';
  fields[vary(['I agree to receive marketing e-mails', 'Marketing opt-in', 'Newsletter'], i, 9)] = vary(
    ['Yes', 'no', '', 'да'],
    i,
    10,
  );
  return lead;
}

/** A Meta lead: the answers in fields by question key, sometimes also top-level. */
function metaLead(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const fields: Record<string, string> = {};
  const lead: Record<string, unknown> = {
    id: `L${i}`,
    form_id: 'F1',
    created_time: '2026-12-01T10:00:00Z',
    ad_id: 'A1',
    campaign_id: 'C1',
    is_organic: i % 9 === 0,
    platform: vary(['fb', 'ig'], i, 11),
    fields,
    email: null,
    phone: null,
    full_name: null,
  };
  const email = i % 19 === 0 ? 'ivan at gmail' : ` Lead.${i}@Example${i % 5}.COM `;
  if (i % 23 !== 0) {
    if (i % 4 === 0) lead.email = email;
    else fields[i % 5 === 0 ? 'work_email' : 'email'] = email;
  }
  if (i % 3 === 0) {
    fields.first_name = 'JOHN';
    fields.last_name = 'smith';
  } else if (i % 4 === 1) lead.full_name = customerName(russian, i);
  else fields.full_name = customerName(russian, i);
  const digits = String(1000000 + ((i * 7919) % 8999999));
  const phone = russian
    ? `8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
    : `+1 (212) 555-${digits.slice(3)}`;
  if (i % 6 === 0) lead.phone = phone;
  else if (i % 7 !== 0) fields[i % 2 === 0 ? 'phone_number' : 'phone'] = phone;
  fields.city = vary(CITIES, i, 12);
  fields.country = russian ? vary(['ru', 'RU', ''], i, 13) : 'us';
  if (i % 2 === 1) fields[vary(['zip_code', 'post_code', 'zip'], i, 14)] = vary(['190000', '10001 ', ''], i, 15);
  if (i % 5 === 0) fields.company_name = 'Acme';
  fields[vary(['marketing_consent_checkbox', 'opt_in_newsletter', 'how_did_you_hear'], i, 16)] = vary(
    ['Yes', 'false', 'on', ''],
    i,
    17,
  );
  return lead;
}

/** An Odoo order: quotations to cancelled, click ids (or their x_ fields), refunds, customers with and without data. */
function odooOrder(i: number): Record<string, unknown> {
  const russian = i % 3 !== 0;
  const lines = Array.from({ length: 1 + (i % 4) }, (_, j) => {
    const quantity = j === 2 ? 0 : 1 + ((i + j) % 5);
    const price = [40.5, 10, 99.9, 1250, 0.35][(i + j) % 5];
    return {
      id: i * 10 + j,
      product: j === 3 ? null : { id: 10 + ((i + j) % 40), name: vary(PRODUCTS, i * 4 + j, 18) },
      description: j % 2 === 0 ? ` ${vary(PRODUCTS, i * 4 + j, 19)} ` : null,
      quantity,
      price_unit: price,
      price_subtotal: quantity * price,
      price_total: quantity * price * 1.2,
    };
  });
  const untaxed = lines.reduce((sum, line) => sum + line.price_subtotal, 0);
  const digits = String(1000000 + ((i * 7919) % 8999999));
  const order: Record<string, unknown> = {
    id: 1000 + i,
    name: `S${String(i).padStart(5, '0')}`,
    client_order_ref: null,
    origin: i % 11 === 0 ? `hub:hubspot-deal-${9000 + i}` : null,
    customer: i % 29 === 0 ? null : { id: 500 + (i % 300), name: customerName(russian, i) },
    state: vary(['sale', 'sale', 'done', 'draft', 'sent', 'cancel'], i, 20),
    date_order: i % 13 === 0 ? null : `2026-0${1 + (i % 9)}-1${i % 10}T09:30:00Z`,
    currency: vary(['RUB', 'rub ', 'EUR', 'USD', null], i, 21),
    amount_untaxed: untaxed,
    amount_tax: untaxed * 0.2,
    amount_total: untaxed * 1.2,
    lines,
    write_date: '2026-12-01T09:31:00Z',
    customer_email:
      i % 17 === 0
        ? 'broken@'
        : i % 23 === 0
          ? null
          : ` Buyer.${i}+orders@${vary(['GMAIL.com', 'Example.RU'], i, 22)} `,
    customer_phone:
      i % 8 === 0
        ? null
        : russian
          ? `8 (916) ${digits.slice(0, 3)}-${digits.slice(3, 5)}-${digits.slice(5)}`
          : `+1 212 555 ${digits.slice(3)}`,
    customer_city: vary(CITIES, i, 23),
    customer_zip: vary(['190000', ' 101000 ', '10115', null, ''], i, 24),
    customer_country_code: russian ? vary(['RU', 'ru', null], i, 25) : 'US',
    marketing_consent: vary([true, true, 'Yes', false, null, 'true'], i, 26),
    refunded_amount: i % 7 === 0 ? Math.round(untaxed * 0.37 * 100) / 100 : i % 19 === 0 ? untaxed * 1.2 : null,
  };
  if (i % 3 === 0) order.gclid = `  Cj0KCQiA-${i} `;
  else if (i % 5 === 0) order.x_gbraid = `0AAAA${i}`;
  else if (i % 7 === 1) order.wbraid = `wb-${i}`;
  if (i % 2 === 0) order[i % 4 === 0 ? 'fbc' : 'x_fbc'] = `fb.1.1733040000000.IwAR${i}`;
  if (i % 3 !== 2) order.fbp = `fb.1.1733040000000.${1000 + i}`;
  if (i % 37 === 0) delete order.name; // an invalid record: the order reference is required
  return order;
}

/** A HubSpot deal with line items: won, open or from Odoo; SKUs that are product ids and some that are not. */
function hubspotDeal(i: number): Record<string, unknown> {
  const lineItems = Array.from({ length: i % 23 === 0 ? 0 : 1 + (i % 3) }, (_, j) => ({
    id: `${i}-${j}`,
    properties: {
      name: j === 1 && i % 5 === 0 ? null : ` ${vary(PRODUCTS, i * 4 + j, 27)} `,
      // a quantity HubSpot let through as text now and then: the mapping fails the record
      quantity: j === 2 ? '0' : i % 41 === 0 && j === 0 ? 'two' : ` ${1 + ((i + j) % 4)}`,
      price: j === 1 ? null : vary(['40.50', '10', ' 99.9 ', ''], i * 4 + j, 28),
      hs_sku: i % 9 === 0 && j === 0 ? 'TABLE-XL' : ` ${10 + ((i + j) % 40)} `,
    },
  }));
  return {
    id: String(9000 + i),
    properties: {
      dealname: vary([' Office chairs for Romashka ', '', null, `Deal ${i}`], i, 29),
      amount: String(100 + i),
      dealstage: vary(['closedwon', 'closedwon', 'ClosedWon ', 'contractsent', 'closedlost', ''], i, 30),
      pipeline: 'default',
      closedate: '2026-12-01T09:30:00Z',
      external_deal_id: i % 10 === 0 ? `S${String(i).padStart(5, '0')}` : null,
      customer_email: i % 13 === 0 ? 'not an address' : ` Buyer.${i}@Romashka.RU `,
    },
    lineItems,
    createdAt: '2026-11-01T09:30:00Z',
    updatedAt: '2026-12-01T09:30:00Z',
    archived: false,
  };
}

/** Same seed for every run, so the engine and the hand-written version see identical records. */
export function generate(count: number, generator: (i: number) => unknown): unknown[] {
  seed = 42;
  return Array.from({ length: count }, (_, i) => generator(i));
}

export function generatorFor(mapping: MappingDefinition): (i: number) => unknown {
  const sourceFile = mapping.origin?.sourceSchemaFile ?? '';
  if (sourceFile.endsWith('file-contact-row.schema.json')) return fileRow;
  if (sourceFile.endsWith('canonical-contact.schema.json')) return canonicalContact;
  if (sourceFile.endsWith('hubspot-contact-record.schema.json')) {
    return mapping.id.includes('-audience-') ? hubspotAudienceContact : hubspotContact;
  }
  if (sourceFile.endsWith('mailchimp-member-record.schema.json')) return mailchimpMember;
  if (sourceFile.endsWith('sendgrid-suppression-record.schema.json')) return sendgridSuppression;
  if (sourceFile.endsWith('google-lead-record.schema.json')) return googleLead;
  if (sourceFile.endsWith('meta-lead-record.schema.json')) return metaLead;
  if (sourceFile.endsWith('odoo-order-record.schema.json')) return odooOrder;
  if (sourceFile.endsWith('hubspot-deal-record.schema.json')) return hubspotDeal;
  return fixtureInputs(mapping);
}

/** The mapping's fixture inputs, cycled: for source schemas without a generator. */
function fixtureInputs(mapping: MappingDefinition): (i: number) => unknown {
  const dir = mapping.origin?.dir;
  const inputs = dir
    ? readdirSync(join(dir, 'fixtures'))
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => (JSON.parse(readFileSync(join(dir, 'fixtures', name), 'utf8')) as { input?: unknown }).input)
        .filter((input) => input !== undefined)
    : [];
  if (inputs.length === 0) throw new Error(`no record generator and no fixtures for ${mapping.id}`);
  return (i) => structuredClone(inputs[i % inputs.length]);
}
