import { many2one, type OdooClient } from '../client';

/**
 * What was refunded on each order: the posted customer credit notes (account.move `out_refund`) of the order's
 * invoices. Odoo's sale module lists an order's invoices and credit notes in `sale.order.invoice_ids` (through the
 * invoice lines' sale_line_ids); a credit note made with "Reverse" from an invoice also points at that invoice in
 * `reversed_entry_id`, so both links count. Draft and cancelled credit notes are not refunds yet.
 */

const idsOf = (value: unknown): number[] =>
  Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number') : [];

export async function refundedAmounts(
  client: OdooClient,
  orders: Record<string, unknown>[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const invoicesByOrder = new Map(orders.map((o) => [Number(o.id), idsOf(o.invoice_ids)]));
  const moveIds = [...new Set([...invoicesByOrder.values()].flat())];
  if (moveIds.length === 0) return out;
  const refunds = await client.call<Record<string, unknown>[]>('account.move', 'search_read', {
    args: {
      domain: [
        ['move_type', '=', 'out_refund'],
        ['state', '=', 'posted'],
        '|',
        ['id', 'in', moveIds],
        ['reversed_entry_id', 'in', moveIds],
      ],
      fields: ['amount_total', 'reversed_entry_id'],
      order: 'id asc',
    },
  });
  for (const [orderId, invoices] of invoicesByOrder) {
    const mine = new Set(invoices);
    const total = refunds
      .filter((r) => mine.has(Number(r.id)) || mine.has(many2one(r.reversed_entry_id)?.id ?? -1))
      .reduce((sum, r) => sum + (typeof r.amount_total === 'number' ? r.amount_total : 0), 0);
    if (total > 0) out.set(orderId, Math.round(total * 100) / 100);
  }
  return out;
}
