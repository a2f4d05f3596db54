/**
 * Messy records as the connectors' streams yield them, shared by the template-promise tests: padded and mixed-case
 * e-mails, full names in one field, national phone numbers, "СПб", consent typed every way or never asked, and the
 * same person twice.
 */

let nextOrder = 100;

export interface OrderOptions {
  state?: string;
  consent?: unknown;
  gclid?: string;
  x_gbraid?: string;
  refunded?: number;
  origin?: string | null;
  email?: string;
  phone?: string;
  total?: number;
  customerName?: string;
}

/** An Odoo order (orders stream shape) with the ad-platform fields the mappings read. */
export function odooOrder(options: OrderOptions = {}): Record<string, unknown> {
  const id = nextOrder++;
  const total = options.total ?? 120;
  return {
    id,
    name: `S${String(id).padStart(5, '0')}`,
    client_order_ref: null,
    origin: options.origin ?? null,
    customer: { id: id + 1000, name: options.customerName ?? '  иван   петров ' },
    state: options.state ?? 'sale',
    date_order: '2026-12-01T09:30:00Z',
    currency: ' eur',
    amount_untaxed: total / 1.2,
    amount_tax: total - total / 1.2,
    amount_total: total,
    lines: [
      {
        id: id * 10,
        product: { id: 11, name: 'Chair' },
        description: null,
        quantity: 2,
        price_unit: total / 2,
        price_subtotal: total,
        price_total: total,
      },
    ],
    write_date: '2026-12-01T09:31:00Z',
    customer_email: options.email ?? ' Ivan.Petrov+shop@GMAIL.com ',
    customer_phone: options.phone ?? '8 (916) 123-45-67',
    customer_city: 'СПб',
    customer_zip: ' 190000 ',
    customer_country_code: 'ru',
    ...(options.consent === undefined ? {} : { marketing_consent: options.consent }),
    ...(options.gclid === undefined ? {} : { gclid: options.gclid }),
    ...(options.x_gbraid === undefined ? {} : { x_gbraid: options.x_gbraid }),
    ...(options.refunded === undefined ? {} : { refunded_amount: options.refunded }),
  };
}

/** A HubSpot contact (contacts stream shape). */
export function hubspotContact(id: string, properties: Record<string, string | null>, archived = false) {
  return {
    id,
    properties,
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    ...(archived ? { archived: true } : {}),
  };
}

/** Contacts for the audience templates: who is on the list, with or without consent, typed every way. */
export const audienceContacts = {
  consented: hubspotContact('1', {
    email: '  Ivan.Petrov@Example.COM ',
    firstname: '  иван   петров ',
    phone: '8 (912) 345-67-89',
    country: 'Россия',
    city: 'СПб',
    marketing_consent: 'true',
    ad_audience: 'true',
  }),
  consentedGmail: hubspotContact('2', {
    email: 'John.Smith+ads@GMAIL.com',
    firstname: 'JOHN',
    lastname: 'smith',
    mobilephone: '(212) 555-0123',
    country: 'USA',
    marketing_consent: 'Yes',
    ad_audience: 'TRUE',
  }),
  saidNo: hubspotContact('3', { email: 'said.no@example.com', marketing_consent: 'false', ad_audience: 'true' }),
  neverAsked: hubspotContact('4', { email: 'never.asked@example.com', firstname: 'Never Asked', ad_audience: 'true' }),
  notListedNoConsent: hubspotContact('5', { email: 'stranger@example.com', marketing_consent: 'false' }),
  notListed: hubspotContact('6', { email: 'elsewhere@example.com', marketing_consent: 'true' }),
};
