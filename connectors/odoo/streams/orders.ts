import { defineStream } from '../../../core/sdk';
import { isoOf, many2one, type OdooClient } from '../client';
import { Order, type OrderLine } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { ALL_RECORDS, checkpointProblem, readModel } from './incremental';

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const LINE_FIELDS = [
  'id',
  'order_id',
  'product_id',
  'name',
  'product_uom_qty',
  'price_unit',
  'price_subtotal',
  'price_total',
];

/** The lines of a page of orders, in one search_read on sale.order.line (`order_id` is the link). */
async function linesOf(client: OdooClient, orderIds: number[]): Promise<Map<number, OrderLine[]>> {
  const byOrder = new Map<number, OrderLine[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await client.call<Record<string, unknown>[]>('sale.order.line', 'search_read', {
    args: { domain: [['order_id', 'in', orderIds]], fields: LINE_FIELDS, order: 'order_id asc, sequence asc, id asc' },
    context: ALL_RECORDS,
  });
  for (const row of rows) {
    const order = many2one(row.order_id)?.id;
    if (order === undefined) continue;
    const line: OrderLine = {
      id: Number(row.id),
      product: many2one(row.product_id),
      description: text(row.name),
      quantity: num(row.product_uom_qty),
      price_unit: num(row.price_unit),
      price_subtotal: num(row.price_subtotal),
      price_total: num(row.price_total),
    };
    byOrder.set(order, [...(byOrder.get(order) ?? []), line]);
  }
  return byOrder;
}

export function toOrder(row: Record<string, unknown>, lines: OrderLine[]): Order {
  return {
    id: Number(row.id),
    name: String(row.name ?? ''),
    client_order_ref: text(row.client_order_ref),
    origin: text(row.origin),
    customer: many2one(row.partner_id),
    state: String(row.state ?? ''),
    date_order: isoOf(row.date_order),
    currency: many2one(row.currency_id)?.name ?? null,
    amount_untaxed: num(row.amount_untaxed),
    amount_tax: num(row.amount_tax),
    amount_total: num(row.amount_total),
    lines,
    write_date: isoOf(row.write_date) ?? '',
  };
}

/** sale.order with lines, customer, totals, currency and state; incremental on (write_date, id). */
export const orders = defineStream<OdooSettings, Order>({
  name: 'orders',
  title: 'Sales orders',
  description: 'Quotations and sales orders (sale.order) with their lines, incremental on write_date',
  recordSchema: Order,
  identity: ['id'],
  modifiedField: 'write_date',
  checkpointProblem,
  read: (args) =>
    readModel(
      {
        model: 'sale.order',
        fields: [
          'name',
          'client_order_ref',
          'origin',
          'partner_id',
          'state',
          'date_order',
          'currency_id',
          'amount_untaxed',
          'amount_tax',
          'amount_total',
        ],
        toRecords: async (rows, client) => {
          const lines = await linesOf(
            client,
            rows.map((r) => Number(r.id)),
          );
          return rows.map((row) => toOrder(row, lines.get(Number(row.id)) ?? []));
        },
      },
      args,
    ),
});
