import './helpers/env';
import odoo from '../../connectors/odoo';
import { originMarker } from '../../connectors/odoo/actions/createOrders';
import { externalName } from '../../connectors/odoo/actions/external-ids';
import { startSandbox, type OdooSandbox } from '../../connectors/odoo/sandbox';
import type { Driver } from './helpers/bed';
import { startHoldProxy, type HoldProxy, type ProxiedRequest, type RequestMatch } from './helpers/hold-proxy';
import { createVendorBed, type VendorBed } from './helpers/vendor-bed';
import { rerunWritesNothing, runWithCrash, type KillPoint } from './helpers/vendor-crash';

/**
 * Issue #16 acceptance for Odoo `createOrders` (a create is not idempotent in Odoo, and `client_order_ref` is not
 * unique): a worker SIGKILLed between sending an order's create and recording it creates no second order, and a
 * rerun sends nothing new. The connector owns the idempotency: the hub's external id goes into the order's origin
 * marker in the same call (one transaction) that creates it, and into ir.model.data after. The worker is killed
 * right after Odoo created an order and before the connector linked it (or the runner recorded the batch), and, on
 * the embedded queue, the worker that took over is killed too, right after a whole batch was created and linked in
 * Odoo and before the runner recorded it. Each time the next worker sends the batch again, and the connector finds
 * the orders by their marker or their link instead of creating them again: each creation is confirmed by its key,
 * and nothing needs a person (no review item: the action is declared idempotent because of that key). An order
 * whose creation cannot be confirmed at all (its answer lost, and Odoo not answering the marker lookup) goes to
 * manual review (WriteOutcome `unconfirmed`), naming what a person should look for, never to the ledger; it is not
 * created again. All of it on both transports: Odoo 19 (JSON-2) and Odoo 17 (JSON-RPC execute_kw).
 */

const ORDERS = 30;
const TO_ORDER = `{
  "externalId": "deal:" & id,
  "customer": { "email": email },
  "client_order_ref": ref,
  "lines": [{ "product_id": product, "quantity": qty }]
}`;
/** `model/method` of a model-method call on either transport: JSON-2's path, or JSON-RPC's `execute_kw` arguments. */
function callOf(r: ProxiedRequest): string | undefined {
  if (r.method !== 'POST') return undefined;
  const json2 = /^\/json\/2\/([^/]+)\/([^/?]+)$/.exec(r.path);
  if (json2 !== null) return `${decodeURIComponent(json2[1]!)}/${decodeURIComponent(json2[2]!)}`;
  if (r.path !== '/jsonrpc') return undefined;
  const params = (JSON.parse(r.body) as { params?: { service?: string; method?: string; args?: unknown[] } }).params;
  if (params?.service !== 'object' || params.method !== 'execute_kw') return undefined;
  return `${String(params.args?.[3])}/${String(params.args?.[4])}`;
}
const ORDER_CREATE: RequestMatch = (r) => callOf(r) === 'sale.order/create';
const ORDER_LOOKUP: RequestMatch = (r) => callOf(r) === 'sale.order/search_read';
const LINK_CREATE: RequestMatch = (r) => callOf(r) === 'ir.model.data/create';
const WRITES: RequestMatch = (r) => /\/(create|write|unlink)$/.test(callOf(r) ?? '');

const deals = Array.from({ length: ORDERS }, (_, i) => ({
  id: `D${String(i + 1).padStart(3, '0')}`,
  email: `buyer${i + 1}@example.com`,
  // client_order_ref repeats (it is not unique in Odoo): it cannot be the key
  ref: `PO-${(i % 7) + 1}`,
  product: 1 + (i % 3),
  qty: 1 + (i % 4),
}));

// on both transports: Odoo 19 speaks JSON-2, Odoo 17 JSON-RPC execute_kw (the matchers above read either)
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('over %s (Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  let proxy: HoldProxy;
  let bed: VendorBed | undefined;

  beforeEach(async () => {
    sandbox = await startSandbox({ version });
    for (const deal of deals) sandbox.store.insert('res.partner', { name: deal.email, email: deal.email });
    proxy = await startHoldProxy(sandbox.url);
  });
  afterEach(async () => {
    await bed?.cleanup();
    bed = undefined;
    await proxy.close();
    await sandbox.close();
  });

  const openBed = (driver: Driver) =>
    createVendorBed({
      driver,
      records: deals,
      target: {
        connectorId: 'odoo',
        settings: { ...sandbox.settings, url: proxy.url },
        settingsSchema: odoo.settingsSchema,
      },
      action: 'createOrders',
      mapping: TO_ORDER,
      pageSize: 10,
      batchSize: 10,
    });

  // Odoo created D015's order (the 5th of the second batch); the worker dies before it hears so, before the connector
  // links it and before the runner records the batch
  const ORPHAN: KillPoint = { write: (r) => ORDER_CREATE(r) && r.body.includes(originMarker('deal:D015')), nth: 1 };
  // the worker that took over dies once the last order of the third batch is created and linked: all of the batch is
  // applied in Odoo, none of it recorded by the hub
  const LINKED: KillPoint = {
    write: (r) => LINK_CREATE(r) && r.body.includes(externalName('deal:D030', 'sale.order')),
    nth: 1,
  };

  // both kill points on the embedded queue; the first (the harder one) on BullMQ, for time
  describe.each<[Driver, KillPoint[]]>([
    ['embedded', [ORPHAN, LINKED]],
    ['bullmq', [ORPHAN]],
  ])('Odoo createOrders, worker SIGKILLed between send and record (%s queue)', (driver, kills) => {
    it('creates every order exactly once, needs no person, and a rerun sends nothing new', async () => {
      bed = await openBed(driver);
      const { runId, run, held } = await runWithCrash(bed, proxy, ...kills);
      expect(held).toHaveLength(kills.length);
      expect(run.status).toBe('succeeded');
      expect(run.counts).toMatchObject({ failed: 0, deadLettered: 0 });
      expect(bed.starts(runId)).toBe(kills.length + 1);
      // exactly one order per deal, each created by one call: the interrupted ones were found, not created again
      expect(sandbox.store.table('sale.order').size).toBe(ORDERS);
      for (const deal of deals) expect(sandbox.ordersFor(`deal:${deal.id}`)).toBe(1);
      expect(proxy.count(ORDER_CREATE)).toBe(ORDERS);
      // and each order is linked once under the hub's external id
      const links = [...sandbox.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');
      expect(links).toHaveLength(ORDERS);
      expect(new Set(links.map((r) => r.res_id)).size).toBe(ORDERS);
      // confirmed by its key, so nothing waits for a person and nothing is in the ledger
      expect(await bed.hub.repos.reviewItems.list({ flowId: bed.flowId })).toEqual([]);
      expect(await bed.hub.repos.deadLetters.list({ flowId: bed.flowId })).toEqual([]);

      await rerunWritesNothing(bed, proxy, WRITES, ORDERS);
      expect(sandbox.store.table('sale.order').size).toBe(ORDERS);
    }, 90_000);
  });

  describe('Odoo createOrders, a creation that cannot be confirmed', () => {
    it('goes to manual review, naming the marker to look for, not to the ledger, and is never created twice', async () => {
      bed = await openBed('embedded');
      const lost = originMarker('deal:D005');
      let creates = 0;
      proxy.intercept((r) => {
        if (!ORDER_CREATE(r)) {
          // after the lost answer Odoo cannot be asked whether that order exists
          return creates > 0 && ORDER_LOOKUP(r) && r.body.includes(lost) ? { status: 503 } : undefined;
        }
        if (!r.body.includes(lost)) return undefined;
        creates += 1;
        return { lose: true };
      });
      await bed.workers.start(0);
      const runId = await bed.startRun();
      const run = await bed.waitForRun(runId);
      proxy.intercept(undefined);

      expect(run.status).toBe('succeeded');
      expect(run.counts).toMatchObject({ read: ORDERS, created: ORDERS - 1, failed: 0, deadLettered: 0 });
      expect(await bed.hub.repos.deadLetters.list({ flowId: bed.flowId })).toEqual([]);
      const items = await bed.hub.repos.reviewItems.list({ flowId: bed.flowId });
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ recordKey: 'D005', action: 'createOrders', status: 'open' });
      expect(items[0]!.reason).toContain(`Source Document "${lost}"`);
      // Odoo did create it (once); the hub sent that create once and did not send it again by itself
      expect(creates).toBe(1);
      expect(sandbox.ordersFor('deal:D005')).toBe(1);
      expect(sandbox.store.table('sale.order').size).toBe(ORDERS);
      expect(proxy.count(ORDER_CREATE)).toBe(ORDERS);

      // the next run (from where the last one stopped reading) sends nothing at all
      const before = proxy.count(WRITES);
      const next = await bed.waitForRun(await bed.startRun());
      expect(next.status).toBe('succeeded');
      expect(next.counts.read).toBe(0);
      expect(proxy.count(WRITES)).toBe(before);
      expect(sandbox.store.table('sale.order').size).toBe(ORDERS);

      // a run that reads the deal again (its checkpoint cleared) does not send it while it waits for a person
      await bed.clearCheckpoint();
      const full = await bed.waitForRun(await bed.startRun());
      expect(full.status).toBe('succeeded');
      expect(full.counts).toMatchObject({ read: ORDERS, unchanged: ORDERS - 1, failed: 0 });
      expect(proxy.count(WRITES)).toBe(before);
      expect(sandbox.ordersFor('deal:D005')).toBe(1);
      expect(sandbox.store.table('sale.order').size).toBe(ORDERS);
      expect(await bed.hub.repos.deadLetters.list({ flowId: bed.flowId })).toEqual([]);
    }, 60_000);
  });
});
