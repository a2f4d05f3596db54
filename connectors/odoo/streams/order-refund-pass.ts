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
export const NO_REFUNDS_YET: RefundsCursor = { time: '1970-01-01 00:00:00', seen: [] };
/** Credit notes per search_read page of the refund pass. */
const REFUND_PAGE = 500;

/**
 * Where the refund pass starts: the write_date of the newest credit note at the previous read's start (Odoo's
 * format), and the credit notes that read already covered within the look-back before it (`seen`). A rerun reads the
 * credit notes from `time` less the look-back again (a long transaction can commit an older stamp late) but skips
 * the seen ones not written since, so an unchanged rerun emits no order (an order emitted again for a credit note
 * the last read already handled would be one outside the look-back window: its own write_date can be old).
 */
export interface RefundsCursor {
  time: string;
  seen: number[];
}

/** The credit notes within the look-back before the newest that `seen` keeps, at most. */
const SEEN_MAX = 100;
/** How long after the start of a second the server's Date header must be for that second to be over. */
const SECOND_CLOSED_AFTER_MS = 2_000;

/**
 * The refunds cursor of an orders checkpoint: `refunds` (ISO with its zone, see storedTime; Odoo's zone-less format
 * is still read from older checkpoints) and `refundsSeen`.
 */
export function refundsCursorOf(checkpoint: Json | null | undefined): RefundsCursor | undefined {
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) return undefined;
  const time = odooTimeOf(checkpoint.refunds);
  if (time === undefined) return undefined;
  const seen = Array.isArray(checkpoint.refundsSeen)
    ? checkpoint.refundsSeen.filter((id): id is number => typeof id === 'number' && Number.isInteger(id))
    : [];
  return { time, seen };
}

/** The checkpoint with its refunds cursor (a null checkpoint stays null: nothing was read yet). */
export function withRefundsCursor(checkpoint: Json | null, cursor: RefundsCursor | undefined): Json | null {
  if (cursor === undefined || typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint))
    return checkpoint;
  const { refundsSeen: _old, ...rest } = checkpoint;
  return {
    ...rest,
    refunds: storedTime(cursor.time),
    ...(cursor.seen.length > 0 ? { refundsSeen: cursor.seen } : {}),
  };
}

const secondsBefore = (odoo: string, seconds: number): string =>
  odooTime(Date.parse(`${odoo.replace(' ', 'T')}Z`) - seconds * 1000);

/**
 * The next read's refund cursor, asked before the read starts: the newest customer credit note's write_date, and the
 * credit notes within the look-back before it (this read's refund pass or its keyset read covers them).
 */
export async function newestRefunds(client: OdooClient): Promise<RefundsCursor | undefined> {
  const rows = await client.call<Record<string, unknown>[]>('account.move', 'search_read', {
    args: {
      domain: [['move_type', '=', 'out_refund']],
      fields: ['write_date'],
      order: 'write_date desc, id desc',
      limit: SEEN_MAX,
    },
  });
  const newest = rows[0]?.write_date;
  if (typeof newest !== 'string') return undefined;
  const time = newest.slice(0, 19);
  const from = secondsBefore(time, LOOK_BACK_SECONDS);
  // Odoo shows write_date to the second: a credit note written again later in the newest second would look unchanged,
  // so that second's credit notes count as covered only once the server's clock (its Date header) has left it,
  // with a second's margin for the proxy's clock against the database's
  const now = client.serverTime;
  const closed = now !== undefined && now >= Date.parse(`${time.replace(' ', 'T')}Z`) + SECOND_CLOSED_AFTER_MS;
  const seen = rows
    .map((r) => ({ id: Number(r.id), second: typeof r.write_date === 'string' ? r.write_date.slice(0, 19) : '' }))
    .filter((r) => r.second >= from && (closed || r.second < time))
    .map((r) => r.id);
  return { time, seen: seen.sort((a, b) => a - b) };
}

/** ids of the sale orders whose credit notes changed since the cursor (less the look-back), but the seen ones. */
async function ordersWithRefundsSince(client: OdooClient, cursor: RefundsCursor): Promise<number[]> {
  const since = secondsBefore(cursor.time, LOOK_BACK_SECONDS);
  const seen = new Set(cursor.seen);
  const moves = new Set<number>();
  for (let offset = 0; ; offset += REFUND_PAGE) {
    const rows = await client.call<Record<string, unknown>[]>('account.move', 'search_read', {
      args: {
        domain: [
          ['move_type', '=', 'out_refund'],
          ['write_date', '>=', since],
        ],
        fields: ['reversed_entry_id', 'write_date'],
        order: 'id asc',
        limit: REFUND_PAGE,
        offset,
      },
    });
    for (const row of rows) {
      // covered by the last read and not written since
      if (seen.has(Number(row.id)) && String(row.write_date).slice(0, 19) <= cursor.time) continue;
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
  cursor: RefundsCursor,
  emitted: Set<number>,
  read: (ids: number[]) => Promise<R[]>,
  pageSize: number,
): Promise<R[][]> {
  const ids = (await ordersWithRefundsSince(client, cursor)).filter((id) => !emitted.has(id));
  const pages: R[][] = [];
  for (let i = 0; i < ids.length; i += pageSize) pages.push(await read(ids.slice(i, i + pageSize)));
  return pages;
}
