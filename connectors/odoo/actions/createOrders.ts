import { setTimeout as sleep } from 'node:timers/promises';
import { defineAction, isHubError, type ConnectorLogger, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type OdooClient } from '../client';
import { NotAppliedError } from '../errors';
import { OrderInput } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { ALL_RECORDS } from '../streams/incremental';
import { createdId, failedOutcome, findExternalIds, linkExternalId } from './external-ids';
import { currencyVals, isOutcome, type CurrencyVals } from './order-currency';
import { findPartners, normalizedEmail, pickPartner } from './partner-match';

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

/**
 * How long to wait, by default, before looking a second time for an order whose create may still be running. Odoo
 * commits a call's transaction when the call ends, and a proxy's 504 (or the hub's own timeout) means it gave up
 * before that: a create that was nearly done lands within moments. 10 s catches those without holding a batch of
 * 20 for long; a create still running after that (Odoo lets a request run for limit_time_real, 120 s by default)
 * goes to a person. A judgement, not a measurement; `orderConfirmWaitMs` in the connection settings changes it.
 */
export const CONFIRM_WAIT_MS = 10_000;

/**
 * After a create whose answer was lost once Odoo may have received it: the order's id if its marker finds it now or
 * after `waitMs`, else an `unconfirmed` outcome for manual review — never a retryable failure, since the create may
 * still commit after the look-ups and a retry would then make a second order.
 */
async function confirmCreate(
  client: OdooClient,
  key: string,
  lost: string,
  waitMs: number,
): Promise<number | WriteOutcome> {
  const marker = originMarker(key);
  try {
    const now = (await ordersByMarker(client, [key])).get(key);
    if (now !== undefined) return now;
    await pause(waitMs, client.signal);
    const later = (await ordersByMarker(client, [key])).get(key);
    if (later !== undefined) return later;
  } catch (lookup) {
    // neither answer came: the order may exist. Manual review (`hub runs review`), never an automatic re-run
    const why = lookup instanceof Error ? lookup.message : String(lookup);
    return {
      status: 'unconfirmed',
      reason: `the order's creation could not be confirmed (create: ${lost}; look-up: ${why}); look in Odoo for a sales order with Source Document "${marker}": resolve as done with its id if there is one, as retry if there is none`,
    };
  }
  return {
    status: 'unconfirmed',
    reason: `the order's creation could not be confirmed: the create may still complete in Odoo (create: ${lost}; no sales order with Source Document "${marker}" right after nor ${waitMs / 1000} s later). Search sale orders with origin ${marker} (Sales → Orders, filter on Source Document) once Odoo has ended the call (limit_time_real, 120 s by default): resolve as done with its id if there is one, as retry if there is none`,
  };
}

/** Waits `ms`, or less when the run is stopped (the look-up that follows then fails and the record goes to review). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return;
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
  } catch {
    // aborted: go on to the look-up
  }
}

/**
 * The customer's res.partner id: given, by the hub's external id, or by e-mail as upsertPartners matches it (the
 * normalised address, archived partners too; of two with one address, the one pickPartner chooses, logged).
 */
async function customerOf(
  client: OdooClient,
  customer: OrderInput['customer'],
  log: ConnectorLogger,
): Promise<number | undefined> {
  if (customer.id !== undefined) return customer.id;
  if (customer.externalId !== undefined) {
    const id = (await findExternalIds(client, 'res.partner', [customer.externalId])).get(customer.externalId);
    if (id !== undefined) return id;
  }
  const email = normalizedEmail(customer.email);
  if (email === undefined) return undefined;
  const chosen = pickPartner((await findPartners(client, [email])).byEmail.get(email), `the e-mail ${email}`);
  if (chosen?.note !== undefined) log.warn({ email }, `createOrders: ${chosen.note}`);
  return chosen?.id;
}

async function createOne(
  client: OdooClient,
  record: OrderInput,
  waitMs: number,
  log: ConnectorLogger,
): Promise<WriteOutcome> {
  let partner: number | undefined;
  try {
    partner = await customerOf(client, record.customer, log);
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
  let currency: CurrencyVals | undefined;
  if (record.currency !== undefined) {
    try {
      const found = await currencyVals(client, record.currency);
      if (isOutcome(found)) return found;
      currency = found;
    } catch (error) {
      return failedOutcome(error);
    }
  }
  const vals = {
    partner_id: partner,
    ...currency,
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
    // refused before anything was done (a rate limit, nothing sent), answered by Odoo with a fault (rolled back) or
    // refused outright (a validation error): safe to retry or to fail as it is
    if (!isHubError(error) || error.kind !== 'retryable' || error instanceof NotAppliedError)
      return failedOutcome(error);
    // no answer after Odoo may have received the call (a timeout, 502/504, a reset): the order may exist
    const found = await confirmCreate(client, record.externalId, error.message, waitMs);
    if (typeof found !== 'number') return found;
    id = found;
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
 * crash never makes a second order — and an order whose creation cannot be confirmed is reported `unconfirmed`: the
 * runner sends it to manual review for a person to check, never to the dead-letter ledger or an automatic re-run.
 * Unconfirmed means the create may have reached Odoo but its answer was lost (a timeout, a 502/504, a reset) and
 * either the look-up by its marker failed, or it found nothing twice, `orderConfirmWaitMs` apart (the create may still
 * be running and commit later). A create that certainly did not reach Odoo or that Odoo refused (connection refused,
 * name or TLS failure, 429/503, an Odoo fault: see NotAppliedError) is retried as any retryable failure.
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
    const waitMs = connection.settings.orderConfirmWaitMs ?? CONFIRM_WAIT_MS;
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
      const outcome = await createOne(client, record, waitMs, connection.log);
      if (outcome.status === 'ok') linked.set(record.externalId, Number(outcome.targetId));
      outcomes.push(outcome);
    }
    return outcomes;
  },
});
