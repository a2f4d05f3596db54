import request from 'supertest';
import { createApp } from '../../core/api/app';
import { API_BASE, apiDepsFor, createApi } from '../../core/api';
import type { Engine } from '../../core/runtime/engine';
import { flowServiceFor } from '../../core/runtime/flow-service';
import type { Hub } from '../../core/runtime/hub';
import type { LoseOrderCreate } from '../../connectors/odoo/sandbox/faults';
import { runToEnd } from '../../core/sandbox/demo';
import { useAdSandboxes } from './ad-sandboxes';

/**
 * Issue #16: "an order whose creation cannot be confirmed goes to manual review, not to an automatic re-run". The
 * `odoo-orders-to-hubspot-deals` template's HubSpot closed-won deals → Odoo orders flow, against the sandboxes, with
 * Odoo applying the order's create and losing its answer, then refusing the look-up by the order's marker: the run
 * ends with the record in manual review (API and CLI show it, with the reason), nothing in the dead-letter ledger,
 * exactly one order in Odoo; no run sends it again while it waits; resolving it as done with the order's id links
 * it, and a rerun sends nothing. When the create was lost before Odoo got it, the same review, resolved as retry,
 * makes exactly one order. All of it over JSON-2 (Odoo 19) and JSON-RPC execute_kw (Odoo 17), with the answer lost
 * as a proxy gives it (502, the look-up 503) or as a dropped connection does (no answer at all).
 */

type Run = Awaited<ReturnType<typeof runToEnd>>;
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;
const FLOW = 'hubspot-won-deals-to-odoo-orders';

/** The hub's HTTP API over the test's hub and engine, with an engineer's token. */
async function apiOf(hub: Hub, engine: Engine) {
  const api = createApi(apiDepsFor(hub, engine, '0.0.0-test'), { validateResponses: true });
  const app = createApp({
    logger: hub.logger,
    version: '0.0.0-test',
    readiness: [],
    routes: [{ path: API_BASE, router: api.router }],
  });
  const { token } = await hub.repos.apiTokens.create({ name: 'engineer', role: 'engineer' });
  return {
    get: (url: string) => request(app).get(`${API_BASE}${url}`).set('authorization', `Bearer ${token}`),
    post: (url: string, body: object = {}) =>
      request(app).post(`${API_BASE}${url}`).set('authorization', `Bearer ${token}`).send(body),
  };
}

// On both transports: the sandbox's lost reply and failed look-up are the same on JSON-2 and JSON-RPC (faults.ts).
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('HubSpot won deals → Odoo orders over %s (Odoo %i): an order whose creation cannot be confirmed', (_t, version) => {
  const s = useAdSandboxes({ odoo: { version } });

  /** A closed-won deal with one line item for a customer Odoo knows; returns the order's hub key. */
  async function wonDeal(): Promise<string> {
    s.odoo.store.insert('res.partner', { name: 'Anna Schmidt', email: 'anna.schmidt@example.com' });
    const contact = s.crm.contacts.create({ email: 'anna.schmidt@example.com', firstname: 'Anna' }).id;
    const deal = s.crm.deals.create({ dealname: 'Licence for Anna', dealstage: 'closedwon', amount: '990' }).id;
    s.crm.associateContact(deal, contact);
    const created = await fetch(`${s.crm.url}/crm/v3/objects/line_items/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.crm.settings.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [
          {
            properties: { name: 'Licence (year)', quantity: '1', price: '990', hs_sku: '2' },
            associations: [
              { to: { id: deal }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 20 }] },
            ],
          },
        ],
      }),
    });
    expect(created.status).toBe(201);
    return `hubspot-deal-${deal}`;
  }

  /** sale.order create calls Odoo received, on either transport. */
  const orderCreates = () => s.odoo.calls('sale.order', 'create');

  const enable = (hub: Hub) =>
    flowServiceFor(hub).enableTemplate('odoo-orders-to-hubspot-deals', {
      connections: { odoo: 'erp', hubspot: 'crm' },
    });

  it.each<[string, LoseOrderCreate]>([
    ['502 from a proxy, the look-up 503', {}],
    ['the connection dropped, the look-up too', { answer: 'dropped', lookupsAnswer: 'dropped' }],
  ])(
    'answer lost (%s): goes to manual review (not the ledger), is held from later runs, and once resolved as done is linked and never sent again',
    async (_how, fault) => {
      const key = await wonDeal();
      s.odoo.loseNextOrderCreate(fault);

      await s.withEngine(async (hub, engine) => {
        const api = await apiOf(hub, engine);
        await enable(hub);
        const flow = await hub.repos.flows.require(FLOW);
        const run = await runToEnd(hub, engine, FLOW);

        // Odoo applied the create once and lost its answer; the look-up by the marker was refused
        expect(s.odoo.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
        expect(s.odoo.ordersFor(key)).toBe(1);
        expect(orderCreates()).toBe(1);
        // neither written nor failed, nothing dead-lettered: the run succeeded with one record for a person
        expect(run.status).toBe('succeeded');
        expect(run.counts).toMatchObject({ read: 1, created: 0, updated: 0, failed: 0, deadLettered: 0 });
        expect(await hub.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);

        // the run summary and the run's record list show it, with the reason
        const shown = await api.get(`/runs/${run.id}`).expect(200);
        expect(shown.body.counts).toMatchObject({ review: 1, failed: 0 });
        const records = await api.get(`/runs/${run.id}/records?outcome=review`).expect(200);
        expect(records.body.totals).toMatchObject({ review: 1, failed: 0, created: 0 });
        expect(records.body.items).toEqual([
          expect.objectContaining({
            outcome: 'review',
            reason: expect.stringContaining(`Source Document "hub:${key}"`),
          }),
        ]);

        // the review list (API) names the record, the action and what to look for
        const listed = await api.get(`/review-items?flowId=${FLOW}`).expect(200);
        expect(listed.body.items).toHaveLength(1);
        const item = listed.body.items[0] as { id: string; reason: string; action: string; linkable: boolean };
        expect(item).toMatchObject({ action: 'createOrders', status: 'open', runId: run.id, linkable: true });
        expect(item.reason).toContain('could not be confirmed');

        // while it waits, a run that reads the deal again does not send it
        await flowServiceFor(hub).reset(FLOW);
        const held = await runToEnd(hub, engine, FLOW);
        expect(held.counts).toMatchObject({ read: 1, failed: 0 });
        expect(writes(held)).toBe(0);
        expect(orderCreates()).toBe(1);
        expect(await hub.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);

        // a person finds the order in Odoo and resolves the item as done with its id: the record is linked to it
        const order = [...s.odoo.store.table('sale.order').values()].find((o) => o.origin === `hub:${key}`)!;
        const done = await api.post(`/review-items/${item.id}/done`, { targetId: String(order.id) }).expect(200);
        expect(done.body.item).toMatchObject({ status: 'done', targetId: String(order.id) });
        const erp = await hub.repos.connections.get('erp');
        const linkGroup = (flow.definition as { sync?: { linkGroup: string } }).sync?.linkGroup ?? flow.id;
        const linked = await hub.repos.recordLinks.findMany(linkGroup, erp!.id, [String(order.id)]);
        expect(linked.get(String(order.id))?.lastWrittenHash).toEqual(expect.any(String));
        expect((await api.get(`/review-items?flowId=${FLOW}`).expect(200)).body.items).toEqual([]);

        // a rerun (reading the deal again) sends nothing: the record is linked as written
        await flowServiceFor(hub).reset(FLOW);
        const rerun = await runToEnd(hub, engine, FLOW);
        expect(rerun.counts).toMatchObject({ read: 1, unchanged: 1, failed: 0 });
        expect(writes(rerun)).toBe(0);
        expect(orderCreates()).toBe(1);
        expect(s.odoo.ordersFor(key)).toBe(1);
        expect(s.odoo.store.table('sale.order').size).toBe(1);
      });
    },
    120_000,
  );

  it('lost before Odoo got it: manual review, a person finds no order and resolves it as retry: exactly one order', async () => {
    const key = await wonDeal();
    s.odoo.loseNextOrderCreate({ applied: false });
    await s.withEngine(async (hub, engine) => {
      const api = await apiOf(hub, engine);
      await enable(hub);
      const flow = await hub.repos.flows.require(FLOW);
      const run = await runToEnd(hub, engine, FLOW);
      // the hub cannot tell this 502 from one after Odoo applied the create: the same review, but no order
      expect(s.odoo.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
      expect(s.odoo.ordersFor(key)).toBe(0);
      expect(run.counts).toMatchObject({ read: 1, created: 0, failed: 0, deadLettered: 0 });
      expect(await hub.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);
      const listed = await api.get(`/review-items?flowId=${FLOW}`).expect(200);
      expect(listed.body.items).toHaveLength(1);
      const item = listed.body.items[0] as { id: string };

      const retried = await api.post(`/review-items/${item.id}/retry`).expect(200);
      expect(retried.body.item).toMatchObject({ status: 'retry' });
      expect(orderCreates()).toBe(2);
      expect(s.odoo.ordersFor(key)).toBe(1);
      // the retry is replayed through the ledger, as the review's own entry: nothing is left failed there
      expect(await hub.repos.deadLetters.list({ flowId: flow.id })).toEqual([
        expect.objectContaining({ failureKind: 'review', status: 'replayed' }),
      ]);
      expect((await api.get(`/review-items?flowId=${FLOW}`).expect(200)).body.items).toEqual([]);

      // a rerun sends nothing: the retried create is linked
      await flowServiceFor(hub).reset(FLOW);
      const rerun = await runToEnd(hub, engine, FLOW);
      expect(rerun.counts).toMatchObject({ read: 1, failed: 0 });
      expect(writes(rerun)).toBe(0);
      expect(orderCreates()).toBe(2);
      expect(s.odoo.ordersFor(key)).toBe(1);
      expect(s.odoo.store.table('sale.order').size).toBe(1);
    });
  }, 120_000);

  it('the CLI lists it and resolves it as done with the target id', async () => {
    const key = await wonDeal();
    s.odoo.loseNextOrderCreate();
    await s.withEngine(async (hub, engine) => {
      await enable(hub);
      await runToEnd(hub, engine, FLOW);
    });
    expect(s.odoo.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
    expect(s.odoo.ordersFor(key)).toBe(1);
    const list = await s.bed.hub('runs', 'review', 'list', '--flow', FLOW, '--json');
    expect(list.code).toBe(0);
    const [item] = JSON.parse(list.stdout) as { id: string; recordKey: string; reason: string; linkable: boolean }[];
    expect(item).toMatchObject({ status: 'open', action: 'createOrders', linkable: true });
    expect(item).not.toHaveProperty('link');
    expect(item!.reason).toContain(`hub:${key}`);
    const order = [...s.odoo.store.table('sale.order').values()].find((o) => o.origin === `hub:${key}`)!;
    const done = await s.bed.hub('runs', 'review', 'done', item!.id, '--target-id', String(order.id));
    expect(done.stderr).toBe('');
    expect(done.stdout).toContain(`linked to target record ${String(order.id)}`);
    const show = await s.bed.hub('runs', 'list', '--flow', FLOW, '--json');
    const [run] = JSON.parse(show.stdout) as { id: string }[];
    expect((await s.bed.hub('runs', 'show', run!.id)).stdout).toContain('manual review: 1');
  }, 120_000);

  it('when the look-up by the marker answers after the lost reply, the order is linked: no review, no second order', async () => {
    const key = await wonDeal();
    s.odoo.loseNextOrderCreate({ lookups: 0 });
    await s.withEngine(async (hub, engine) => {
      await enable(hub);
      const flow = await hub.repos.flows.require(FLOW);
      const run = await runToEnd(hub, engine, FLOW);
      expect(s.odoo.faults).toEqual({ lostCreates: 1, failedLookups: 0 });
      expect(run.status).toBe('succeeded');
      expect(run.counts).toMatchObject({ read: 1, created: 1, failed: 0, deadLettered: 0 });
      expect(await hub.repos.reviewItems.list({ flowId: flow.id })).toEqual([]);
      expect(await hub.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);
      const order = [...s.odoo.store.table('sale.order').values()].find((o) => o.origin === `hub:${key}`)!;
      const links = [...s.odoo.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');
      expect(links).toEqual([expect.objectContaining({ res_id: order.id })]);

      await flowServiceFor(hub).reset(FLOW);
      const rerun = await runToEnd(hub, engine, FLOW);
      expect(rerun.counts).toMatchObject({ read: 1, failed: 0 });
      expect(writes(rerun)).toBe(0);
      expect(orderCreates()).toBe(1);
      expect(s.odoo.ordersFor(key)).toBe(1);
      expect(s.odoo.store.table('sale.order').size).toBe(1);
    });
  }, 120_000);
});
