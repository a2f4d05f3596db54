import { defineAction, isHubError, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type OdooClient } from '../client';
import { OrderInput } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { ALL_RECORDS } from '../streams/incremental';
import { anyOf, createdId, failedOutcome, findExternalIds, linkExternalId } from './external-ids';

const MODEL = 'sale.order';

/**
 * The marker written into the order's `origin` (Source Document) in the same call — the same transaction — that
 * creates it. `client_order_ref` is not unique in Odoo, so it cannot be the key; the hub's external id is, and the
 * marker makes it survive a crash between creating the order and recording its ir.model.data row.
 */
export function originMarker(externalId: string): string {
  return `hub:${externalId}`;
}

async function ordersByMarker(client: OdooClient, keys: string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (keys.length === 0) return found;
  const rows = await client.call<{ id: number; origin: string | false }[]>(MODEL, 'search_read', {
    args: { domain: [['origin', 'in', keys.map(originMarker)]], fields: ['origin'], order: 'id asc' },
    context: ALL_RECORDS,
  });
  for (const row of rows)
    if (typeof row.origin === 'string' && !found.has(row.origin.slice(4))) found.set(row.origin.slice(4), row.id);
  return found;
}

/** The customer's res.partner id: given, by the hub's external id, or by e-mail. */
async function customerOf(client: OdooClient, customer: OrderInput['customer']): Promise<number | undefined> {
  if (customer.id !== undefined) return customer.id;
  if (customer.externalId !== undefined) {
    const id = (await findExternalIds(client, 'res.partner', [customer.externalId])).get(customer.externalId);
    if (id !== undefined) return id;
  }
  if (customer.email === undefined || customer.email.trim() === '') return undefined;
  const rows = await client.call<{ id: number }[]>('res.partner', 'search_read', {
    args: { domain: anyOf([['email', '=ilike', customer.email.trim()]]), fields: ['id'], order: 'id asc', limit: 1 },
  });
  return rows[0]?.id;
}

async function createOne(client: OdooClient, record: OrderInput): Promise<WriteOutcome> {
  let partner: number | undefined;
  try {
    partner = await customerOf(client, record.customer);
  } catch (error) {
    return failedOutcome(error);
  }
  if (partner === undefined)
    return {
      status: 'failed',
      failure: 'permanent',
      reason: 'the customer is not in Odoo: upsert the partner first (by externalId or email), or give customer.id',
      field: 'customer',
    };
  const vals = {
    partner_id: partner,
    origin: originMarker(record.externalId),
    ...(record.client_order_ref === undefined ? {} : { client_order_ref: record.client_order_ref }),
    order_line: record.lines.map((l) => [
      0,
      0,
      {
        product_id: l.product_id,
        product_uom_qty: l.quantity,
        ...(l.price_unit === undefined ? {} : { price_unit: l.price_unit }),
        ...(l.description === undefined ? {} : { name: l.description }),
      },
    ]),
  };
  let id: number;
  try {
    id = createdId(await client.call(MODEL, 'create', { args: { vals_list: [vals] } }));
  } catch (error) {
    // refused before anything was done (a rate limit) or refused outright (a validation error): safe as it is
    if (!isHubError(error) || error.kind !== 'retryable') return failedOutcome(error);
    // no answer: the order may exist. Look for the marker once; if that cannot tell, a person decides
    try {
      const found = (await ordersByMarker(client, [record.externalId])).get(record.externalId);
      if (found === undefined) return failedOutcome(error);
      id = found;
    } catch (lookup) {
      // neither answer came: the order may exist. Manual review (`hub runs review`), never an automatic re-run
      const why = lookup instanceof Error ? lookup.message : String(lookup);
      return {
        status: 'unconfirmed',
        reason: `the order's creation could not be confirmed (create: ${error.message}; look-up: ${why}); look in Odoo for a sales order with Source Document "${originMarker(record.externalId)}": resolve as done with its id if there is one, as retry if there is none`,
      };
    }
  }
  try {
    await linkExternalId(client, MODEL, record.externalId, id);
  } catch {
    // the order carries its marker: the next write of this key finds it and links it then
  }
  return { status: 'ok', targetId: String(id), operation: 'created' };
}

/**
 * Creates one sale.order per hub-owned external id (e.g. a CRM deal marked won). Idempotent by that key: an order
 * already linked (ir.model.data) or carrying the key's origin marker is not created again — so a retry after a
 * crash never makes a second order — and an order whose creation cannot be confirmed (no answer to the create, and
 * the look-up by its marker failed too) is reported `unconfirmed`: the runner sends it to manual review for a person
 * to check, never to the dead-letter ledger or an automatic re-run.
 */
export const createOrders = defineAction<OdooSettings, OrderInput>({
  name: 'createOrders',
  title: 'Create sales orders',
  description: 'Creates sales orders (sale.order with lines) once per external id; never duplicates on retry',
  recordSchema: OrderInput,
  mode: 'upsert',
  maxBatchSize: 20,
  identity: ['externalId'],
  // idempotent through the vendor-side key (the ir.model.data external id and the origin marker), see above
  idempotent: true,
  async write({ connection, records }) {
    const client = clientFor(connection);
    const keys = records.map((r) => r.externalId);
    const linked = await findExternalIds(client, MODEL, keys);
    const marked = await ordersByMarker(
      client,
      keys.filter((k) => !linked.has(k)),
    );
    const outcomes: WriteOutcome[] = [];
    for (const record of records) {
      const done = linked.get(record.externalId);
      if (done !== undefined) {
        outcomes.push({ status: 'ok', targetId: String(done) });
        continue;
      }
      const orphan = marked.get(record.externalId);
      if (orphan !== undefined) {
        // created by an earlier attempt that crashed before linking it: link it now, create nothing
        try {
          await linkExternalId(client, MODEL, record.externalId, orphan);
        } catch {
          // still found by its marker next time
        }
        linked.set(record.externalId, orphan);
        outcomes.push({ status: 'ok', targetId: String(orphan) });
        continue;
      }
      const outcome = await createOne(client, record);
      if (outcome.status === 'ok') linked.set(record.externalId, Number(outcome.targetId));
      outcomes.push(outcome);
    }
    return outcomes;
  },
});
