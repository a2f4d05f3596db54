import { many2one, type OdooClient } from '../client';
import type { OrderFieldPlan } from './order-fields';
import { ALL_RECORDS } from './incremental';

/** The customer's contact details and marketing consent, as the ad-platform templates need them on an order. */
export interface OrderCustomer {
  customer_email: string | null;
  customer_phone: string | null;
  customer_city: string | null;
  customer_zip: string | null;
  customer_country_code: string | null;
  marketing_consent: boolean | null;
}

export const NO_CUSTOMER: OrderCustomer = {
  customer_email: null,
  customer_phone: null,
  customer_city: null,
  customer_zip: null,
  customer_country_code: null,
  marketing_consent: null,
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Values a char or selection consent field may hold for "yes" (a boolean field is simply true). */
const YES = new Set(['true', 'yes', '1', 'opt_in', 'opt-in', 'optin', 'granted', 'consent', 'subscribed']);

/**
 * Consent is explicit: the partner's consent field must say yes. A partner Odoo has on its mailing blacklist
 * (`is_blacklisted`: the address opted out of mailings) never counts as consenting, whatever the field says.
 * No consent field in the database: null (the templates treat that as "no consent").
 */
export function consentOf(row: Record<string, unknown>, plan: OrderFieldPlan): boolean | null {
  if (plan.blacklist && row.is_blacklisted === true) return false;
  if (plan.consent === undefined) return null;
  const value = row[plan.consent];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return YES.has(value.trim().toLowerCase());
  return false;
}

/** One read of res.partner for the customers of a page of orders (archived partners too). */
export async function customersOf(
  client: OdooClient,
  partnerIds: number[],
  plan: OrderFieldPlan,
): Promise<Map<number, OrderCustomer>> {
  const out = new Map<number, OrderCustomer>();
  const ids = [...new Set(partnerIds)];
  if (ids.length === 0) return out;
  const fields = ['email', 'phone', 'city', 'zip', 'country_code'];
  if (plan.consent !== undefined) fields.push(plan.consent);
  if (plan.blacklist) fields.push('is_blacklisted');
  const rows = await client.call<Record<string, unknown>[]>('res.partner', 'read', {
    ids,
    args: { fields },
    context: ALL_RECORDS,
  });
  for (const row of rows) {
    out.set(Number(row.id), {
      customer_email: text(row.email),
      customer_phone: text(row.phone),
      customer_city: text(row.city),
      customer_zip: text(row.zip),
      // country_code: a related field of country_id (Odoo 14+), the ISO code
      customer_country_code: text(row.country_code),
      marketing_consent: consentOf(row, plan),
    });
  }
  return out;
}

export const partnerIdOf = (row: Record<string, unknown>): number | undefined => many2one(row.partner_id)?.id;
