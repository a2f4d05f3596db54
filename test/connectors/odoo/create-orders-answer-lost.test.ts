import { createServer } from 'node:net';
import { createOrders } from '../../../connectors/odoo/actions/createOrders';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { outboundHttp, type OutboundHttp } from '../../../core/sdk';
import { configureOutbound, resetOutbound } from '../../../core/security/outbound-policy';
import { connection } from './helpers';

/**
 * Issue #16, "a retry after a crash never creates a second order": a create whose answer was lost after Odoo may
 * have received it (the sandbox answers 504 before committing, as a proxy that gave up on a call Odoo is still
 * running) and whose order is not found by its marker right away. Odoo commits at the end of the call, so the
 * connector looks again after `orderConfirmWaitMs`; still nothing → unconfirmed (manual review), never retryable. A
 * create that certainly never left (connection refused) stays retryable. Through the connector against its sandbox,
 * on both transports.
 */

function targetOf(href: string, body: unknown): string | undefined {
  const json2 = /\/json\/2\/([^/]+)\/([^/?]+)$/.exec(href);
  if (json2 !== null) return `${decodeURIComponent(json2[1]!)}/${decodeURIComponent(json2[2]!)}`;
  if (!href.endsWith('/jsonrpc') || typeof body !== 'string') return undefined;
  const args = (JSON.parse(body) as { params?: { method?: string; args?: unknown[] } }).params;
  return args?.method === 'execute_kw' ? `${String(args.args?.[3])}/${String(args.args?.[4])}` : undefined;
}

/** A local port nothing listens on: connecting to it is refused before a byte is sent. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('createOrders when the answer to create is lost (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 5 });
    // a short wait for the second look-up: the sandbox commits on a look-up, not after a time
    sandbox.settings.orderConfirmWaitMs = 10;
  });
  afterEach(() => sandbox.close());
  const record = { externalId: 'deal-slow', customer: { id: 1 }, lines: [{ product_id: 2, quantity: 1 }] };
  const links = () => [...sandbox.store.table('ir.model.data').values()].filter((r) => r.model === 'sale.order');

  it('504 and the order committed after the first look-up: the second look-up finds it, linked, one order', async () => {
    sandbox.delayNextOrderCreate({ commitAfterLookups: 1 });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(sandbox.slowCreates).toEqual({ timedOut: 1, committed: 1 });
    const order = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:deal-slow')!;
    expect(outcome).toEqual({ status: 'ok', targetId: String(order.id), operation: 'created' });
    expect(links()).toEqual([expect.objectContaining({ res_id: order.id })]);
    // a rerun sends no create
    const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(again).toEqual({ status: 'ok', targetId: String(order.id) });
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
    expect(sandbox.ordersFor('deal-slow')).toBe(1);
  });

  it('504 and nothing found twice: unconfirmed with what to search for, not retryable; a late commit is then linked', async () => {
    sandbox.delayNextOrderCreate({ commitAfterLookups: null });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(outcome).toEqual({
      status: 'unconfirmed',
      reason: expect.stringContaining('the create may still complete in Odoo'),
    });
    expect(outcome).toMatchObject({
      reason: expect.stringMatching(/\(504\).*Search sale orders with origin hub:deal-slow/),
    });
    expect(outcome).toMatchObject({ reason: expect.stringContaining('nor 0.01 s later') });
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
    expect(sandbox.ordersFor('deal-slow')).toBe(0);
    // Odoo ends the call late: the order appears; the next write of the key links it and creates nothing
    expect(await sandbox.commitHeldCreate()).toBe(true);
    expect(sandbox.ordersFor('deal-slow')).toBe(1);
    const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(again).toMatchObject({ status: 'ok' });
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
    expect(sandbox.ordersFor('deal-slow')).toBe(1);
    expect(links()).toHaveLength(1);
  });

  it('504 and the order committed before the look-up: found at once, linked', async () => {
    sandbox.delayNextOrderCreate({ commitAfterLookups: 0 });
    const [outcome] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'created' });
    expect(sandbox.ordersFor('deal-slow')).toBe(1);
    expect(sandbox.calls('sale.order', 'create')).toBe(1);
  });

  it("Odoo's own fault on create (a serialization failure, rolled back): retryable, no look-up, no review", async () => {
    // what Odoo answers once its own retries of a concurrent update are spent: the fault body, after the rollback
    const real = outboundHttp({ connector: 'odoo' });
    const faulting: OutboundHttp = {
      ...real,
      async fetch(url, init) {
        if (targetOf(String(url), init?.body) !== 'sale.order/create') return real.fetch(url, init);
        const fault = {
          name: 'psycopg2.errors.SerializationFailure',
          message: 'could not serialize access due to concurrent update',
        };
        const body =
          version >= 19
            ? fault
            : { jsonrpc: '2.0', id: 1, error: { code: 200, message: 'Odoo Server Error', data: fault } };
        return new Response(JSON.stringify(body), {
          status: version >= 19 ? 500 : 200,
          headers: { 'content-type': 'application/json' },
        });
      },
    };
    const lookups = sandbox.calls('sale.order', 'search_read');
    const [outcome] = await createOrders.write({
      connection: connection(sandbox.settings, faulting),
      records: [record],
    });
    expect(outcome).toMatchObject({ status: 'failed', failure: 'retryable' });
    expect(sandbox.calls('sale.order', 'search_read')).toBe(lookups + 1);
  });

  it.each([429, 503])(
    'a create refused with %i (a throttle in front of Odoo): retryable, no look-up',
    async (status) => {
      const real = outboundHttp({ connector: 'odoo' });
      const throttled: OutboundHttp = {
        ...real,
        async fetch(url, init) {
          if (targetOf(String(url), init?.body) !== 'sale.order/create') return real.fetch(url, init);
          return new Response('Service Unavailable', { status, headers: { 'retry-after': '2' } });
        },
      };
      const lookups = sandbox.calls('sale.order', 'search_read');
      const [outcome] = await createOrders.write({
        connection: connection(sandbox.settings, throttled),
        records: [record],
      });
      expect(outcome).toMatchObject({ status: 'failed', failure: 'retryable', retryAfterMs: 2000 });
      expect(sandbox.calls('sale.order', 'search_read')).toBe(lookups + 1);
    },
  );

  describe('a create whose connection is refused', () => {
    // the door refuses plain http to loopback except to sandboxes it started: allow 127.0.0.1 so the refused
    // connection reaches the socket (and fails there with ECONNREFUSED, as a down Odoo does)
    beforeEach(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
    afterEach(() => resetOutbound());

    /** The outbound door, sending `sale.order` `create` to a port nothing listens on. */
    function refusingCreate(port: number): OutboundHttp {
      const real = outboundHttp({ connector: 'odoo' });
      return {
        ...real,
        async fetch(url, init) {
          if (targetOf(String(url), init?.body) !== 'sale.order/create') return real.fetch(url, init);
          const refused = new URL(String(url));
          refused.port = String(port);
          return real.fetch(refused, init);
        },
      };
    }

    it('is retryable (nothing was sent: no look-up, no review), and the retry creates one order', async () => {
      const http = refusingCreate(await closedPort());
      const lookups = sandbox.calls('sale.order', 'search_read');
      const [outcome] = await createOrders.write({ connection: connection(sandbox.settings, http), records: [record] });
      expect(outcome).toMatchObject({ status: 'failed', failure: 'retryable' });
      expect(outcome).toMatchObject({ reason: expect.stringContaining('nothing was sent') });
      // one look-up by marker before creating, none after the refused create
      expect(sandbox.calls('sale.order', 'search_read')).toBe(lookups + 1);
      expect(sandbox.ordersFor('deal-slow')).toBe(0);
      const [again] = await createOrders.write({ connection: connection(sandbox.settings), records: [record] });
      expect(again).toMatchObject({ status: 'ok', operation: 'created' });
      expect(sandbox.ordersFor('deal-slow')).toBe(1);
    });
  });
});
