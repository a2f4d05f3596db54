import type { Json } from '../../../core/sdk';
import { odooTime, type OdooClient } from '../client';
import { ALL_RECORDS, LOOK_BACK_SECONDS, odooTimeOf, storedTime } from './incremental';

/**
 * Refunds that did not touch their order. Posting a credit note rewrites the order (and so moves its write_date)
 * only when it changes a stored field of the order, such as its invoice status; a second credit note on an order
 * already "to invoice" may change nothing there. So after the keyset read, the orders stream also reads the credit
 * notes changed since its last read (the `refunds` cursor in its checkpoint, less the look-back) and emits their
 * orders again, found through `invoice_ids` (Odoo searches that computed field). Orders already emitted by this
 * read are not read twice; an order emitted again unchanged costs nothing (the runner compares hashes).
 */

/** The refund cursor of a database without credit notes: the next read looks at all of them. */
export const NO_REFUNDS_YET = '1970-01-01 00:00:00';
/** Credit notes per search_read page of the refund pass. */
const REFUND_PAGE = 500;

/**
 * The `refunds` cursor of an orders checkpoint, in Odoo's format: the write_date of the newest credit note seen.
 * Stored as ISO with its zone (see storedTime); Odoo's zone-less format is still read from older checkpoints.
 */
export function refundsCursorOf(checkpoint: Json | null | undefined): string | undefined {
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) return undefined;
  return odooTimeOf(checkpoint.refunds);
}

/** The checkpoint with its refunds cursor (a null checkpoint stays null: nothing was read yet). */
export function withRefundsCursor(checkpoint: Json | null, cursor: string | undefined): Json | null {
  if (cursor === undefined || typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint))
    return checkpoint;
  return { ...checkpoint, refunds: storedTime(cursor) };
}

/** write_date of the newest customer credit note, before the read starts (the next read's refund cursor). */
export async function newestRefund(client: OdooClient): Promise<string | undefined> {
  const rows = await client.call<Record<string, unknown>[]>('account.move', 'search_read', {
    args: { domain: [['move_type', '=', 'out_refund']], fields: ['write_date'], order: 'write_date desc', limit: 1 },
  });
  const value = rows[0]?.write_date;
  return typeof value === 'string' ? value.slice(0, 19) : undefined;
}

/** ids of the sale orders whose credit notes changed since `cursor` (less the look-back). */
async function ordersWithRefundsSince(client: OdooClient, cursor: string): Promise<number[]> {
  const since = odooTime(Date.parse(`${cursor.replace(' ', 'T')}Z`) - LOOK_BACK_SECONDS * 1000);
  const moves = new Set<number>();
  for (let offset = 0; ; offset += REFUND_PAGE) {
    const rows = await client.call<Record<string, unknown>[]>('account.move', 'search_read', {
      args: {
        domain: [
          ['move_type', '=', 'out_refund'],
          ['write_date', '>=', since],
        ],
        fields: ['reversed_entry_id'],
        order: 'id asc',
        limit: REFUND_PAGE,
        offset,
      },
    });
    for (const row of rows) {
      moves.add(Number(row.id));
      const reversed = row.reversed_entry_id;
      if (Array.isArray(reversed) && typeof reversed[0] === 'number') moves.add(reversed[0]);
    }
    if (rows.length < REFUND_PAGE) break;
  }
  if (moves.size === 0) return [];
  const orders = await client.call<Record<string, unknown>[]>('sale.order', 'search_read', {
    args: { domain: [['invoice_ids', 'in', [...moves]]], fields: ['id'], order: 'id asc' },
    context: ALL_RECORDS,
  });
  return orders.map((o) => Number(o.id));
}

/** The last page of an orders read: the orders whose refunds changed and that this read did not emit yet. */
export async function refundPass<R>(
  client: OdooClient,
  cursor: string,
  emitted: Set<number>,
  read: (ids: number[]) => Promise<R[]>,
  pageSize: number,
): Promise<R[][]> {
  const ids = (await ordersWithRefundsSince(client, cursor)).filter((id) => !emitted.has(id));
  const pages: R[][] = [];
  for (let i = 0; i < ids.length; i += pageSize) pages.push(await read(ids.slice(i, i + pageSize)));
  return pages;
}
