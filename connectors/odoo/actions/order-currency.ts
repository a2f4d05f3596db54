import type { WriteOutcome } from '../../../core/sdk';
import type { OdooClient } from '../client';

/**
 * The currency of an order to create. Odoo has no currency to write on a sale.order: it is the pricelist's
 * currency, else the company's (sale.order `_compute_currency_id`). So an order in a given currency gets the first
 * active pricelist in that currency (by sequence), or — when there is none and it is a company's own currency — no
 * pricelist at all. A currency Odoo does not have active, or one with neither, fails the record with the fix
 * instead of making an order in another currency.
 */
export type CurrencyVals = { pricelist_id: number | false };

export async function currencyVals(client: OdooClient, code: string): Promise<CurrencyVals | WriteOutcome> {
  const iso = code.trim().toUpperCase();
  const currencies = await client.call<{ id: number }[]>('res.currency', 'search_read', {
    args: { domain: [['name', '=', iso]], fields: ['id'], limit: 1 },
  });
  const currency = currencies[0]?.id;
  if (currency === undefined)
    return {
      status: 'failed',
      failure: 'permanent',
      reason: `the currency ${iso} is not active in Odoo: activate it (Accounting or Invoicing → Configuration → Currencies), then replay`,
      field: 'currency',
    };
  const pricelists = await client.call<{ id: number }[]>('product.pricelist', 'search_read', {
    args: { domain: [['currency_id', '=', currency]], fields: ['id'], order: 'sequence asc, id asc', limit: 1 },
  });
  if (pricelists[0] !== undefined) return { pricelist_id: pricelists[0].id };
  const companies = await client.call<{ id: number }[]>('res.company', 'search_read', {
    args: { domain: [['currency_id', '=', currency]], fields: ['id'], limit: 1 },
  });
  if (companies[0] !== undefined) return { pricelist_id: false };
  return {
    status: 'failed',
    failure: 'permanent',
    reason: `no pricelist in ${iso} in Odoo, and it is not the company's currency, so the order would be in another currency: create a pricelist in ${iso} (Sales → Products → Pricelists), then replay`,
    field: 'currency',
  };
}

export const isOutcome = (value: CurrencyVals | WriteOutcome): value is WriteOutcome => 'status' in value;
