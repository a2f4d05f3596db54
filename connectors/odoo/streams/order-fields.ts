import type { OdooClient } from '../client';
import {
  DEFAULT_CLICK_ID_FIELDS,
  DEFAULT_CONSENT_FIELD,
  type ClickIdName,
  type OdooSettings,
} from '../schemas/settings';

/**
 * Which of the optional fields the orders stream reads exist in this database. Click ids and consent are custom
 * fields (x_… by default, named in the settings) and `is_blacklisted` comes with the mail module; asking
 * search_read for a field a database lacks fails the whole call ("Invalid field"), so the stream asks
 * `fields_get` once per read and leaves the missing ones out: their values are null in the records.
 */

export const CLICK_IDS: readonly ClickIdName[] = ['gclid', 'gbraid', 'wbraid', 'fbc', 'fbp'];

export interface OrderFieldPlan {
  /** Click id → the sale.order field to read it from, for the fields this database has. */
  clickIds: Partial<Record<ClickIdName, string>>;
  /** The res.partner consent field, when the database has it. */
  consent?: string;
  /** res.partner.is_blacklisted exists (the mail module's blacklist mixin). */
  blacklist: boolean;
  /** sale.order.invoice_ids exists (the sale module links invoices and credit notes there). */
  invoices: boolean;
}

export function configuredClickFields(settings: OdooSettings): Record<ClickIdName, string> {
  return {
    gclid: settings.gclidField ?? DEFAULT_CLICK_ID_FIELDS.gclid,
    gbraid: settings.gbraidField ?? DEFAULT_CLICK_ID_FIELDS.gbraid,
    wbraid: settings.wbraidField ?? DEFAULT_CLICK_ID_FIELDS.wbraid,
    fbc: settings.fbcField ?? DEFAULT_CLICK_ID_FIELDS.fbc,
    fbp: settings.fbpField ?? DEFAULT_CLICK_ID_FIELDS.fbp,
  };
}

async function fieldNames(client: OdooClient, model: string): Promise<Set<string>> {
  const fields = await client.call<Record<string, unknown>>(model, 'fields_get', { args: { attributes: ['type'] } });
  return new Set(Object.keys(fields ?? {}));
}

export async function planOrderFields(client: OdooClient, settings: OdooSettings): Promise<OrderFieldPlan> {
  const [order, partner] = await Promise.all([fieldNames(client, 'sale.order'), fieldNames(client, 'res.partner')]);
  const clickIds: Partial<Record<ClickIdName, string>> = {};
  const configured = configuredClickFields(settings);
  for (const name of CLICK_IDS) if (order.has(configured[name])) clickIds[name] = configured[name];
  const consent = settings.consentField ?? DEFAULT_CONSENT_FIELD;
  return {
    clickIds,
    ...(partner.has(consent) ? { consent } : {}),
    blacklist: partner.has('is_blacklisted'),
    invoices: order.has('invoice_ids'),
  };
}
