import connector from '../../../connectors/odoo';
import { createOrders } from '../../../connectors/odoo/actions/createOrders';
import { upsertPartners } from '../../../connectors/odoo/actions/upsertPartners';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { SANDBOX_API_KEY, SANDBOX_DATABASE, startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import type { FailedLookup, LostAnswer } from '../../../connectors/odoo/sandbox/faults';
import type { Partner } from '../../../connectors/odoo/schemas/records';
import { invoices } from '../../../connectors/odoo/streams/invoices';
import { LOOK_BACK_SECONDS } from '../../../connectors/odoo/streams/incremental';
import { orders } from '../../../connectors/odoo/streams/orders';
import { partners } from '../../../connectors/odoo/streams/partners';
import { AuthError, RetryableError, outboundHttp, type OutboundHttp } from '../../../core/sdk';
import { connection, failure, readAll } from './helpers';

// Through the connector against its sandbox, on both transports: Odoo 19 (JSON-2) and Odoo 17 (JSON-RPC).
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('odoo over %s (sandbox Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 40, seedOrders: 10, seed: 5 });
  });
  afterEach(() => sandbox.close());

  it('check() names the server, the transport and the key expiry', async () => {
    const result = await connector.check(connection(sandbox.settings));
    expect(result.ok).toBe(true);
    expect(result.message).toContain(`Odoo ${version}.0`);
    expect(result.message).toContain(version >= 19 ? 'JSON-2' : 'JSON-RPC');
    expect(result.message).toMatch(/the API key expires on \d{4}-\d{2}-\d{2}/);
  });

  it('an expired key: check() says what to do, a read stops with an AuthError, and the key is never shown', async () => {
    sandbox.expireKey();
    const result = await connector.check(connection(sandbox.settings));
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/New API Key/);
    expect(result.message).not.toContain(sandbox.settings.apiKey);
    clearOdooSessions();
    const error = await failure(() => readAll(partners, connection(sandbox.settings)));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(sandbox.settings.apiKey);
  });

  it('partners: every record once under write_date ties (3 a second, ms apart), archived ones included', async () => {
    const { records, pages } = await readAll(partners, connection({ ...sandbox.settings, pageSize: 2 }));
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort((a, b) => a - b)).toEqual([...sandbox.store.table('res.partner').keys()]);
    expect(records.some((r) => !r.active)).toBe(true);
    expect(pages.length).toBeGreaterThan(10);
  });

  it('a rerun with no changes reads at most the look-back window; a change moves the checkpoint', async () => {
    const conn = connection({ ...sandbox.settings, pageSize: 7 });
    const first = await readAll(partners, conn);
    const rerun = await readAll(partners, conn, first.checkpoint);
    const lastMs = Math.max(...first.records.map((r) => Date.parse(r.write_date)));
    const inWindow = first.records.filter((r) => Date.parse(r.write_date) >= lastMs - LOOK_BACK_SECONDS * 1000);
    expect(rerun.records.length).toBeLessThanOrEqual(inWindow.length);
    expect(rerun.records.length).toBeLessThan(first.records.length);
    expect(rerun.checkpoint).toEqual(first.checkpoint);

    const [outcome] = await upsertPartners.write({
      connection: conn,
      records: [{ email: first.records[0]!.email!, name: 'Renamed Person' }],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'updated', targetId: String(first.records[0]!.id) });
    const after = await readAll(partners, conn, rerun.checkpoint);
    expect(after.records.map((r: Partner) => r.name)).toContain('Renamed Person');
    expect(after.checkpoint).not.toEqual(first.checkpoint);
  });

  it('orders carry lines, customer, totals, currency, state and client_order_ref', async () => {
    const { records } = await readAll(orders, connection({ ...sandbox.settings, pageSize: 4 }));
    expect(records).toHaveLength(10);
    const order = records.find((o) => o.client_order_ref !== null)!;
    expect(order).toMatchObject({ state: 'sale', currency: 'EUR', client_order_ref: expect.stringMatching(/^PO-/) });
    expect(order.customer).toEqual({ id: expect.any(Number), name: expect.any(String) });
    expect(order.lines.length).toBe(1);
    expect(order.amount_total).toBeCloseTo(order.lines[0]!.price_total, 2);
  });

  it('invoices: customer invoices and refunds only, a refund pointing at its invoice', async () => {
    const { records } = await readAll(invoices, connection(sandbox.settings));
    expect(new Set(records.map((r) => r.move_type))).toEqual(new Set(['out_invoice', 'out_refund']));
    expect(records.filter((r) => r.move_type === 'out_invoice')).toHaveLength(10);
    const refund = records.find((r) => r.move_type === 'out_refund')!;
    expect(refund.reversed_entry?.name).toMatch(/^INV\//);
  });

  it('upsertPartners matches by external id, e-mail (any case) and ref; a nameless new partner is refused', async () => {
    const conn = connection(sandbox.settings);
    const created = await upsertPartners.write({
      connection: conn,
      records: [
        { externalId: 'crm-77', email: 'New.Person@Example.com', name: 'New Person' },
        { ref: 'C-1', name: 'Ref Company', is_company: true },
        { email: 'nameless@example.com' },
      ],
    });
    expect(created.map((o) => o.status)).toEqual(['ok', 'ok', 'failed']);
    expect(created[2]).toMatchObject({
      failure: 'permanent',
      reason: expect.stringContaining('Contacts require a name'),
    });
    const again = await upsertPartners.write({
      connection: conn,
      records: [
        { externalId: 'crm-77', email: 'other@example.com', phone: '+49 1' }, // by external id, e-mail changes
        { email: 'other@EXAMPLE.com', name: 'By Email' },
        { ref: 'C-1', city: 'Berlin' },
      ],
    });
    expect(again).toEqual([
      { status: 'ok', targetId: created[0]!.status === 'ok' ? created[0]!.targetId : '', operation: 'updated' },
      { status: 'ok', targetId: created[0]!.status === 'ok' ? created[0]!.targetId : '', operation: 'updated' },
      { status: 'ok', targetId: created[1]!.status === 'ok' ? created[1]!.targetId : '', operation: 'updated' },
    ]);
    expect(sandbox.store.created.get('res.partner')).toBe(2);
  });

  it('createOrders: one order per external id, never a second on a retry', async () => {
    const conn = connection(sandbox.settings);
    const record = {
      externalId: 'hubspot-deal-9',
      customer: { id: 2 },
      client_order_ref: 'PO-9',
      lines: [{ product_id: 1, quantity: 3 }],
    };
    const [first] = await createOrders.write({ connection: conn, records: [record] });
    const [second] = await createOrders.write({ connection: conn, records: [record] });
    expect(first).toMatchObject({ status: 'ok', operation: 'created' });
    expect(second).toEqual({ status: 'ok', targetId: first!.status === 'ok' ? first!.targetId : '' });
    expect(sandbox.ordersFor('hubspot-deal-9')).toBe(1);
    const order = sandbox.store.table('sale.order').get(Number(first!.status === 'ok' && first!.targetId))!;
    expect(order).toMatchObject({ client_order_ref: 'PO-9', amount_untaxed: 360 });
  });
});

/** `model/method` a request to Odoo calls, on either transport (JSON-2 path or JSON-RPC execute_kw). */
function targetOf(href: string, body: unknown): string | undefined {
  const json2 = /\/json\/2\/([^/]+)\/([^/?]+)$/.exec(href);
  if (json2 !== null) return `${decodeURIComponent(json2[1]!)}/${decodeURIComponent(json2[2]!)}`;
  if (!href.endsWith('/jsonrpc') || typeof body !== 'string') return undefined;
  const args = (JSON.parse(body) as { params?: { method?: string; args?: unknown[] } }).params;
  return args?.method === 'execute_kw' ? `${String(args.args?.[3])}/${String(args.args?.[4])}` : undefined;
}

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('createOrders after a crash or a lost answer (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 5 });
  });
  afterEach(() => sandbox.close());
  const record = { externalId: 'deal-crash', customer: { id: 1 }, lines: [{ product_id: 2, quantity: 1 }] };

  /** The outbound door, except that the answer to `sale.order` `create` is lost after Odoo acted on it. */
  function losingCreateAnswer(also?: (target: string | undefined) => boolean): OutboundHttp {
    const real = outboundHttp({ connector: 'odoo' });
    return {
      ...real,
      async fetch(url, init) {
        const target = targetOf(String(url), init?.body);
        if (also?.(target)) throw new RetryableError('socket hang up');
        const response = await real.fetch(url, init);
        if (target === 'sale.order/create') throw new RetryableError('socket hang up');
        return response;
      },
    };
  }

  it('a crash between creating the order and recording its external id: the retry links it, creates nothing', async () => {
    // the first attempt got as far as Odoo creating the order (with its marker), then the worker died
    sandbox.store.create('sale.order', [
      { partner_id: 1, origin: 'hub:deal-crash', order_line: [[0, 0, { product_id: 2, product_uom_qty: 1 }]] },
    ]);
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(outcome).toMatchObject({ status: 'ok' });
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
    expect(sandbox.calls('sale.order', 'create')).toBe(0);
    const links = [...sandbox.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');
    expect(links).toHaveLength(1);
  });

  it('a lost answer to create: the marker confirms the order, which is not created again', async () => {
    const [outcome] = await createOrders.write({
      connection: connection(sandbox.settings, losingCreateAnswer()),
      records: [record],
    });
    expect(outcome).toMatchObject({ status: 'ok' });
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
    const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(again).toMatchObject({ status: 'ok' });
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
  });

  it('a creation that cannot be confirmed is reported unconfirmed (manual review), not failed for the ledger', async () => {
    let creates = 0;
    const http = losingCreateAnswer((target) => {
      if (target === 'sale.order/create') creates++;
      // after the lost create, Odoo cannot be asked whether the order exists
      return creates > 0 && target === 'sale.order/search_read';
    });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings, http), records: [record] });
    expect(outcome).toEqual({
      status: 'unconfirmed',
      reason: expect.stringContaining('Source Document "hub:deal-crash"'),
    });
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
  });

  // the lost answer as a proxy or the connection gives it (the default: 502, then 503), whichever transport carries it
  it.each<[LostAnswer | undefined, FailedLookup | undefined, RegExp]>([
    [undefined, undefined, /create: .*\(502\).*look-up: .*\(503\)/],
    [504, 504, /create: .*\(504\).*look-up: .*\(504\)/],
    ['dropped', 'dropped', /create: .*could not be reached.*look-up: .*could not be reached/],
  ])(
    "the sandbox's own fault: create applied with its answer lost (%s), the look-up failing (%s): unconfirmed, one order",
    async (answer, lookupsAnswer, said) => {
      sandbox.loseNextOrderCreate({ ...(answer && { answer }), ...(lookupsAnswer && { lookupsAnswer }) });
      const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
      expect(outcome).toEqual({ status: 'unconfirmed', reason: expect.stringContaining('hub:deal-crash') });
      expect(outcome).toMatchObject({ reason: expect.stringMatching(said) });
      expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
      expect(sandbox.ordersFor('deal-crash')).toBe(1);
      expect(sandbox.calls('sale.order', 'create')).toBe(1);
      // the fault is spent: the next write finds the order by its marker and links it, creating nothing
      const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
      expect(again).toMatchObject({ status: 'ok' });
      expect(sandbox.ordersFor('deal-crash')).toBe(1);
      expect(sandbox.calls('sale.order', 'create')).toBe(1);
      const links = [...sandbox.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');
      expect(links).toHaveLength(1);
    },
  );

  it("the sandbox's own fault spares a create Odoo refused: the record fails permanently, the next create is lost", async () => {
    sandbox.loseNextOrderCreate();
    const refused = { ...record, externalId: 'deal-refused', lines: [{ product_id: 999, quantity: 1 }] };
    const [failed] = await createOrders.write({ connection: connection(sandbox.settings), records: [refused] });
    expect(failed).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect(sandbox.faults).toEqual({ lostCreates: 0, failedLookups: 0 });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(outcome).toMatchObject({ status: 'unconfirmed' });
    expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
    expect(sandbox.calls('sale.order', 'create')).toBe(2);
    expect(sandbox.ordersFor('deal-refused')).toBe(0);
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
  });

  it("the sandbox's own fault before Odoo got the create: unconfirmed, no order; sent again, exactly one", async () => {
    sandbox.loseNextOrderCreate({ applied: false });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(outcome).toMatchObject({ status: 'unconfirmed', reason: expect.stringMatching(/\(502\).*\(503\)/) });
    expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
    expect(sandbox.ordersFor('deal-crash')).toBe(0);
    // what `hub runs review retry` does once a person found no order: the write again, which creates it once
    const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(again).toMatchObject({ status: 'ok', operation: 'created' });
    expect(sandbox.calls('sale.order', 'create')).toBe(2);
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
  });

  it("the sandbox's own fault with the look-up answering: the marker finds the order, linked, no review, no second order", async () => {
    sandbox.loseNextOrderCreate({ lookups: 0 });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 0 });
    const order = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:deal-crash')!;
    expect(outcome).toEqual({ status: 'ok', targetId: String(order.id), operation: 'created' });
    const links = [...sandbox.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');
    expect(links).toEqual([expect.objectContaining({ res_id: order.id })]);
    const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(again).toEqual({ status: 'ok', targetId: String(order.id) });
    expect(sandbox.ordersFor('deal-crash')).toBe(1);
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
  });
});

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('the lost order create on the wire (sandbox over %s, Odoo %i)', (transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ version, seedContacts: 2 });
  });
  afterEach(() => sandbox.close());

  /** One model-method call as the transport sends it: Odoo's result, or what came instead of Odoo's answer. */
  async function call(method: string, kw: Record<string, unknown>): Promise<{ status: number; result: unknown }> {
    const rpc = transport === 'JSON-RPC';
    let response: Response;
    try {
      response = await fetch(rpc ? `${sandbox.url}/jsonrpc` : `${sandbox.url}/json/2/sale.order/${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(rpc ? {} : { authorization: `bearer ${SANDBOX_API_KEY}`, 'x-odoo-database': SANDBOX_DATABASE }),
        },
        body: JSON.stringify(
          rpc
            ? {
                jsonrpc: '2.0',
                method: 'call',
                id: 1,
                params: {
                  service: 'object',
                  method: 'execute_kw',
                  args: [SANDBOX_DATABASE, 2, SANDBOX_API_KEY, 'sale.order', method, [], kw],
                },
              }
            : kw,
        ),
      });
    } catch {
      return { status: 0, result: 'connection closed unanswered' };
    }
    const text = await response.text();
    if (response.status !== 200) return { status: response.status, result: text };
    const body = JSON.parse(text) as unknown;
    return { status: 200, result: rpc ? body : { jsonrpc: '2.0', id: 1, result: body } };
  }
  const vals = { partner_id: 1, origin: 'hub:wire', order_line: [[0, 0, { product_id: 2, product_uom_qty: 1 }]] };
  const lookup = { domain: [['origin', '=', 'hub:wire']], fields: ['origin'] };

  // a JSON-RPC fault is HTTP 200 with an error envelope only when Odoo answers; a lost answer is no answer from Odoo
  it.each<[LostAnswer, FailedLookup, { status: number; result: string }, { status: number; result: string }]>([
    [502, 503, { status: 502, result: 'Bad Gateway' }, { status: 503, result: 'Service Unavailable' }],
    [504, 502, { status: 504, result: 'Gateway Time-out' }, { status: 502, result: 'Bad Gateway' }],
    [
      'dropped',
      'dropped',
      { status: 0, result: 'connection closed unanswered' },
      { status: 0, result: 'connection closed unanswered' },
    ],
  ])(
    'create applied and answered %s, the look-up %s, then Odoo answers again',
    async (answer, lookupsAnswer, lost, failed) => {
      sandbox.loseNextOrderCreate({ answer, lookupsAnswer });
      expect(await call('create', { vals_list: [vals] })).toEqual(lost);
      expect(sandbox.ordersFor('wire')).toBe(1);
      expect(await call('search_read', lookup)).toEqual(failed);
      const order = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:wire')!;
      expect(await call('search_read', lookup)).toEqual({
        status: 200,
        result: { jsonrpc: '2.0', id: 1, result: [{ id: order.id, origin: 'hub:wire' }] },
      });
      expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 1 });
      expect(sandbox.calls('sale.order', 'create')).toBe(1);
      expect(sandbox.calls('sale.order', 'search_read')).toBe(2);
    },
  );

  it('applied: false loses the create before Odoo got it: the same 502, no order; the next create is answered', async () => {
    sandbox.loseNextOrderCreate({ applied: false, lookups: 0 });
    expect(await call('create', { vals_list: [vals] })).toEqual({ status: 502, result: 'Bad Gateway' });
    expect(sandbox.ordersFor('wire')).toBe(0);
    const created = await call('create', { vals_list: [vals] });
    const order = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:wire')!;
    expect(created).toEqual({ status: 200, result: { jsonrpc: '2.0', id: 1, result: [order.id] } });
    expect(sandbox.ordersFor('wire')).toBe(1);
    expect(sandbox.faults).toEqual({ lostCreates: 1, failedLookups: 0 });
  });
});
