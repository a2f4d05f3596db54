import { defineStream, type Json, type Page, type ReadArgs } from '../../../core/sdk';
import { clientFor, isoOf, many2one, type OdooClient } from '../client';
import { Order, type OrderLine } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { ALL_RECORDS, checkpointProblem, readModel } from './incremental';
import { NO_CUSTOMER, customersOf, partnerIdOf, type OrderCustomer } from './order-customers';
import { CLICK_IDS, planOrderFields, type OrderFieldPlan } from './order-fields';
import { NO_REFUNDS_YET, newestRefunds, refundPass, refundsCursorOf, withRefundsCursor } from './order-refund-pass';
import { refundedAmounts } from './order-refunds';
import { DEFAULT_PAGE_SIZE } from '../policy';

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

export interface OrderExtras {
  customer: OrderCustomer;
  /** Click id values by name (gclid, …), as read from the configured fields. */
  clickIds: Partial<Record<(typeof CLICK_IDS)[number], unknown>>;
  refunded: number;
}

const NO_EXTRAS: OrderExtras = { customer: NO_CUSTOMER, clickIds: {}, refunded: 0 };

export function toOrder(row: Record<string, unknown>, lines: OrderLine[], extras: OrderExtras = NO_EXTRAS): Order {
  const click = (name: (typeof CLICK_IDS)[number]) => {
    const value = extras.clickIds[name];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
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
    ...extras.customer,
    gclid: click('gclid'),
    gbraid: click('gbraid'),
    wbraid: click('wbraid'),
    fbc: click('fbc'),
    fbp: click('fbp'),
    refunded_amount: extras.refunded,
  };
}

const ORDER_FIELDS = [
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
];

/** A page of sale.order rows as records: lines, customers and refunds in one call each for the whole page. */
async function toRecords(rows: Record<string, unknown>[], client: OdooClient, plan: OrderFieldPlan): Promise<Order[]> {
  const [lines, customers, refunds] = await Promise.all([
    linesOf(
      client,
      rows.map((r) => Number(r.id)),
    ),
    customersOf(
      client,
      rows.map(partnerIdOf).filter((id): id is number => id !== undefined),
      plan,
    ),
    plan.invoices ? refundedAmounts(client, rows) : Promise.resolve(new Map<number, number>()),
  ]);
  return rows.map((row) => {
    const partner = partnerIdOf(row);
    const clickIds = Object.fromEntries(
      Object.entries(plan.clickIds).map(([name, field]) => [name, row[field]]),
    ) as OrderExtras['clickIds'];
    return toOrder(row, lines.get(Number(row.id)) ?? [], {
      customer: (partner === undefined ? undefined : customers.get(partner)) ?? NO_CUSTOMER,
      clickIds,
      refunded: refunds.get(Number(row.id)) ?? 0,
    });
  });
}

async function* readOrders(args: ReadArgs<OdooSettings>): AsyncIterable<Page<Order>> {
  const client = clientFor(args.connection);
  const plan = await planOrderFields(client, args.connection.settings);
  const fields = [...ORDER_FIELDS, ...Object.values(plan.clickIds), ...(plan.invoices ? ['invoice_ids'] : [])];
  // the refund cursor moves only once the refund pass below is done: a read cut short repeats it
  const stored = refundsCursorOf(args.checkpoint);
  // no credit note yet: from the beginning, so the first one is seen even if it does not touch its order
  const newest = plan.invoices ? await newestRefunds(client) : undefined;
  // the credit notes this read covers: through the refund pass after a checkpoint, through reading every order on a
  // first read; a first read from a time (`since`) may leave their orders out, so the next read looks at them again
  const covered = stored !== undefined || args.since === undefined;
  const next = plan.invoices
    ? ((newest && (covered ? newest : { time: newest.time, seen: [] })) ?? stored ?? NO_REFUNDS_YET)
    : undefined;
  const emitted = new Set<number>();
  let last: Json | null = args.checkpoint;
  for await (const page of readModel(
    { model: 'sale.order', fields, toRecords: (rows, c) => toRecords(rows, c, plan) },
    args,
  )) {
    for (const record of page.records) emitted.add(record.id);
    last = page.checkpoint;
    yield { records: page.records, checkpoint: withRefundsCursor(page.checkpoint, stored ?? next) };
  }
  if (stored === undefined || next === undefined || last === null) return;
  const readIds = async (ids: number[]) => {
    const rows = await client.call<Record<string, unknown>[]>('sale.order', 'search_read', {
      args: { domain: [['id', 'in', ids]], fields: [...new Set(['id', 'write_date', ...fields])], order: 'id asc' },
      context: ALL_RECORDS,
    });
    return toRecords(rows, client, plan);
  };
  const pageSize = args.connection.settings.pageSize ?? DEFAULT_PAGE_SIZE;
  for (const records of await refundPass(client, stored, emitted, readIds, pageSize))
    yield { records, checkpoint: withRefundsCursor(last, stored) };
  yield { records: [], checkpoint: withRefundsCursor(last, next) };
}

/**
 * sale.order with lines, customer, totals, currency and state; incremental on (write_date, id). For the ad
 * platforms each order also carries its customer's e-mail, phone, city, zip, country and marketing consent, the
 * click ids from the configured custom fields, and the amount refunded by posted credit notes.
 */
export const orders = defineStream<OdooSettings, Order>({
  name: 'orders',
  title: 'Sales orders',
  description:
    "Quotations and sales orders (sale.order) with their lines, the customer's contact details and marketing consent, ad click ids and the refunded amount; incremental on write_date",
  recordSchema: Order,
  identity: ['id'],
  modifiedField: 'write_date',
  checkpointProblem,
  read: readOrders,
});
