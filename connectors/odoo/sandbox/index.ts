import {
  messyContacts,
  seededRandom,
  startSandboxServer,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRoute,
  type SandboxServer,
} from '../../../core/sdk';
import type { OdooSettings } from '../schemas/settings';
import { routes, type AuthState } from './routes';
import type { Row } from './domain';
import { applied, failedReply, modelMethodOf, type LoseOrderCreate } from './faults';
import { OdooStore } from './store';

/**
 * A local Odoo on 127.0.0.1: JSON-2 (when `version` ≥ 19) and JSON-RPC over one in-memory database holding
 * res.partner, sale.order(+lines), account.move, product.product, res.currency, ir.model.data and
 * res.users.apikeys, with Odoo's error shapes, per-record validation ("Contacts require a name", missing
 * records), key expiry (`expireKey()`), write_date ties inside one second, and archived partners.
 */

export const SANDBOX_API_KEY = 'odoo-sandbox-api-key-0001';
export const SANDBOX_DATABASE = 'sandbox';
export const SANDBOX_LOGIN = 'admin';
const DAY_MS = 86_400_000;
const odooStamp = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

export interface OdooSandboxOptions extends SandboxOptions {
  /** Odoo major version the sandbox answers as: 19+ speaks JSON-2, older only JSON-RPC. Default 19. */
  version?: number;
  /**
   * Sales orders to seed: each with lines and an invoice; click ids in turn (gclid, gclid + Meta's fbc, gbraid,
   * none but Meta's fbp); a full refund every fifth, half of it every tenth. Their customers' marketing consent
   * follows the seeded contacts (about four in five), and every eleventh partner is on the mailing blacklist.
   * Default 0.
   */
  seedOrders?: number;
  /** Custom fields the database has, by model (default SANDBOX_CUSTOM_FIELDS; `{}`: a database without them). */
  customFields?: Record<string, string[]>;
}

export interface OdooSandbox extends ConnectorSandbox {
  connector: 'odoo';
  settings: OdooSettings;
  store: OdooStore;
  server: SandboxServer;
  /** Makes the sandbox key expire now (Odoo then refuses it like any invalid key). */
  expireKey(): void;
  /** The next request is answered 429 with Retry-After (as a proxy in front of Odoo may); null undoes it. */
  rateLimitNext(seconds: number | null): void;
  /**
   * The next `sale.order` `create` (JSON-2 `/json/2/sale.order/create` or JSON-RPC `execute_kw`) is applied and its
   * answer lost, and the `lookups` (default 1) `sale.order` `search_read` calls after it fail: the hub cannot confirm
   * whether the order exists. The same on either transport, as a proxy or the connection fails them: the create gets
   * `answer` (502, the default, as a proxy that lost the upstream connection; 504; or 'dropped': the connection closed
   * unanswered), each failing look-up `lookupsAnswer` (503 by default; 502, 504, 'dropped'). `lookups: 0` loses only
   * the answer; `applied: false` loses the create before Odoo got it (nothing created; a refused create is then lost
   * too). Counted in `faults`.
   */
  loseNextOrderCreate(options?: LoseOrderCreate): void;
  /**
   * The next `sale.order` `create` (either transport) is answered HTTP 504 Gateway Time-out before Odoo applied it,
   * as a proxy that gave up on a call Odoo is still running answers; Odoo commits it later: once `commitAfterLookups`
   * (default 1) `sale.order` `search_read` calls have been answered after it (0: before the first is answered), or,
   * with `null`, only when `commitHeldCreate()` is called (never, for a create whose worker died and rolled back).
   * Counted in `slowCreates`.
   */
  delayNextOrderCreate(options?: { commitAfterLookups?: number | null }): void;
  /** Commits the create held by `delayNextOrderCreate` now (Odoo ending the call late); false when none is held. */
  commitHeldCreate(): Promise<boolean>;
  /**
   * After answering the next `model.method` call (with `Connection: close`), the sandbox stops listening — the next
   * connection is refused, as by a server that went down — and listens again on its port `downMs` (default 100)
   * later. The hub's outbound door lets connectors reach a sandbox only while it listens, so a test that wants the
   * refusal itself (ECONNREFUSED) allows 127.0.0.1 in HUB_ALLOW_PRIVATE_HOSTS. Counted in `outages`.
   */
  goDownAfter(model: string, method: string, downMs?: number): void;
  /** Times the sandbox went down (goDownAfter) and came back. */
  outages: { down: number; back: number };
  /** Creates answered 504 before they were applied, and those of them committed since. */
  slowCreates: { timedOut: number; committed: number };
  /** Faults injected so far: creates with their answer lost (applied or not), look-ups failed after them. */
  faults: { lostCreates: number; failedLookups: number };
  /** Calls of `model.method` received so far, on either transport (refused and faulted ones included). */
  calls(model: string, method: string): number;
  /** Sales orders carrying this hub key (origin marker), for "exactly once" assertions. */
  ordersFor(externalId: string): number;
  /**
   * Posts a customer credit note of `amount` (default: the order's total) reversing the order's invoice, and
   * rewrites the order as Odoo does when the credit note changes the order's invoice status (`touchOrder: false`:
   * a credit note that changes nothing on the order, as a second one may). Returns its id.
   */
  refund(orderId: number, amount?: number, options?: { touchOrder?: boolean }): number;
}

/** Click ids of the i-th seeded order: a Google id on three in four, Meta's cookies on two in four. */
function clickIdsOf(i: number): Row {
  const fbc = `fb.1.${Date.UTC(2026, 0, 1) + i}.IwAR-sandbox-${i}`;
  switch (i % 4) {
    case 0:
      return { x_gclid: `Cj0KCQ-sandbox-gclid-${i}` };
    case 1:
      return { x_gclid: `Cj0KCQ-sandbox-gclid-${i}`, x_fbc: fbc };
    case 2:
      return { x_gbraid: `gb-sandbox-${i}` };
    default:
      return { x_fbp: `fb.1.${Date.UTC(2026, 0, 1) + i}.${1000000 + i}` };
  }
}

const COUNTRIES: Record<string, string> = { berlin: 'DE', paris: 'FR', moscow: 'RU' };
const countryOf = (city: string | undefined): string =>
  city === undefined ? 'DE' : (COUNTRIES[city.trim().toLowerCase()] ?? (/[а-яё]/i.test(city) ? 'RU' : 'DE'));

function invoiceOf(store: OdooStore, order: Row): number | undefined {
  return [...store.table('account.move').values()].find(
    (m) => m.move_type === 'out_invoice' && m.invoice_origin === order.name,
  )?.id as number | undefined;
}

function postRefund(store: OdooStore, orderId: number, amount?: number, writeDate?: string, touch = true): number {
  const order = store.table('sale.order').get(orderId);
  if (order === undefined) throw new Error(`no sale.order ${orderId} in the sandbox`);
  const invoice = invoiceOf(store, order);
  const refunds = [...store.table('account.move').values()].filter((m) => m.move_type === 'out_refund').length;
  const total = amount ?? Number(order.amount_total);
  const id = store.insert(
    'account.move',
    {
      name: `RINV/2026/${String(refunds + 1).padStart(5, '0')}`,
      move_type: 'out_refund',
      state: 'posted',
      payment_state: 'not_paid',
      partner_id: order.partner_id,
      currency_id: order.currency_id ?? 1,
      invoice_date: '2026-01-03',
      invoice_origin: order.name,
      amount_total: total,
      amount_residual: total,
      reversed_entry_id: invoice ?? false,
    },
    writeDate,
  );
  if (touch) {
    order.invoice_status = 'to invoice';
    order.write_date = writeDate ?? store.stamp();
  }
  return id;
}

function seed(store: OdooStore, options: OdooSandboxOptions): void {
  store.insert('res.currency', { name: 'EUR', symbol: '€' });
  store.insert('res.currency', { name: 'USD', symbol: '$' });
  store.insert('res.currency', { name: 'GBP', symbol: '£', active: false }); // Odoo ships currencies inactive
  store.insert('res.company', { name: 'Sandbox Company', currency_id: 1 });
  store.insert('product.pricelist', { name: 'Default', currency_id: 1, sequence: 1 });
  store.insert('product.pricelist', { name: 'USD', currency_id: 2, sequence: 10 });
  for (const [name, price] of [
    ['Consulting hour', 120],
    ['Licence (year)', 990],
    ['Support pack', 250],
  ] as const)
    store.insert('product.product', { name, list_price: price });
  store.insert('res.users.apikeys', {
    name: 'connector hub',
    user_id: 2,
    scope: 'rpc',
    expiration_date: new Date(Date.now() + 80 * DAY_MS).toISOString().slice(0, 19).replace('T', ' '),
  });
  // write_date: three records per second (ties, milliseconds apart, as Odoo stamps a batch import), every 10 s
  const base = Date.parse('2026-01-01T00:00:00.000Z');
  const at = (i: number) =>
    new Date(base + Math.floor(i / 3) * 10_000 + (i % 3) * 7).toISOString().replace('T', ' ').slice(0, 23);
  const contacts = messyContacts(options.seedContacts ?? 0, options.seed ?? 7);
  contacts.forEach((c, i) => {
    const name = c.fullName ?? [c.firstName, c.lastName].filter(Boolean).join(' ');
    store.insert(
      'res.partner',
      {
        name: name === '' ? c.email.trim() : name,
        email: c.email,
        phone: c.phone ?? false,
        ref: false,
        is_company: false,
        parent_id: false,
        city: c.city ?? false,
        zip: i % 3 === 2 ? false : ` ${10115 + i * 7} `,
        country_code: countryOf(c.city),
        active: i % 17 !== 16, // some archived
        x_marketing_consent: c.marketingConsent,
        is_blacklisted: i % 11 === 10,
      },
      at(i),
    );
  });
  const random = seededRandom(options.seed ?? 7);
  const partners = store.table('res.partner').size;
  const seedOrders = options.seedOrders ?? 0;
  for (let i = 0; i < seedOrders && partners > 0; i++) {
    const [id] = store.create('sale.order', [
      {
        partner_id: 1 + Math.floor(random() * partners),
        client_order_ref: i % 4 === 0 ? `PO-${1000 + i}` : false,
        state: 'sale',
        // placed in the last hours (Meta refuses events older than 7 days)
        date_order: odooStamp(Date.now() - (seedOrders - i) * 60_000),
        ...clickIdsOf(i),
        order_line: [[0, 0, { product_id: 1 + (i % 3), product_uom_qty: 1 + (i % 5) }]],
      },
    ]);
    const order = store.table('sale.order').get(id!)!;
    store.insert('account.move', {
      name: `INV/2026/${String(i + 1).padStart(5, '0')}`,
      move_type: 'out_invoice',
      state: 'posted',
      payment_state: 'paid',
      partner_id: order.partner_id,
      currency_id: 1,
      invoice_date: '2026-01-02',
      invoice_origin: order.name,
      amount_total: order.amount_total,
      amount_residual: 0,
      reversed_entry_id: false,
    });
    if (i % 5 === 4) {
      const refund = i % 10 === 9 ? Math.round(Number(order.amount_total) * 50) / 100 : undefined;
      postRefund(store, id!, refund, String(order.write_date));
    }
  }
  // a vendor bill: not a customer invoice, never in the invoices stream
  store.insert('account.move', { name: 'BILL/2026/00001', move_type: 'in_invoice', state: 'posted', amount_total: 10 });
  store.created.clear();
}

export async function startSandbox(options: OdooSandboxOptions = {}): Promise<OdooSandbox> {
  const store = new OdooStore(options.customFields);
  seed(store, options);
  const auth: AuthState = {
    database: SANDBOX_DATABASE,
    login: SANDBOX_LOGIN,
    uid: 2,
    keys: new Map([[SANDBOX_API_KEY, Date.now() + 80 * DAY_MS]]),
    version: options.version ?? 19,
  };
  let forced429: number | undefined;
  const faults = { lostCreates: 0, failedLookups: 0 };
  const lose: { armed: boolean; failing: number; fault: LoseOrderCreate } = { armed: false, failing: 0, fault: {} };
  /** The create's answer is lost: the look-ups after it fail. */
  const loseAnswer = (): SandboxReply => {
    lose.armed = false;
    lose.failing = lose.fault.lookups ?? 1;
    faults.lostCreates += 1;
    return failedReply(lose.fault.answer ?? 502);
  };
  const calls = new Map<string, number>();
  const down: { after?: string; ms: number } = { ms: 100 };
  const outages = { down: 0, back: 0 };
  const slowCreates = { timedOut: 0, committed: 0 };
  const slow: {
    armed: boolean;
    after: number | null;
    held?: { run: () => Promise<SandboxReply>; lookupsLeft: number | null };
  } = { armed: false, after: 1 };
  const commitHeld = async (): Promise<boolean> => {
    const held = slow.held;
    if (held === undefined) return false;
    slow.held = undefined;
    // the call ends: applied if valid (a fault would roll it back), never answered to anyone
    if (applied(await held.run())) slowCreates.committed += 1;
    return true;
  };
  const withFaults = (route: SandboxRoute): SandboxRoute =>
    route.path === '/web/version'
      ? route
      : {
          ...route,
          handler: async (req) => {
            const target = modelMethodOf(req);
            if (target !== undefined) calls.set(target, (calls.get(target) ?? 0) + 1);
            if (lose.failing > 0 && target === 'sale.order/search_read') {
              lose.failing -= 1;
              faults.failedLookups += 1;
              return failedReply(lose.fault.lookupsAnswer ?? 503);
            }
            // a proxy that could not reach Odoo: the create never ran
            if (lose.armed && lose.fault.applied === false && target === 'sale.order/create') return loseAnswer();
            if (slow.armed && target === 'sale.order/create') {
              slow.armed = false;
              slowCreates.timedOut += 1;
              slow.held = { run: async () => route.handler(req), lookupsLeft: slow.after };
              // the proxy's timeout: Odoo has the call and is still running it, nothing committed yet
              return failedReply(504);
            }
            const commitsNow = target === 'sale.order/search_read' && slow.held?.lookupsLeft === 0;
            if (commitsNow) await commitHeld();
            const reply = await route.handler(req);
            if (target === 'sale.order/search_read' && slow.held?.lookupsLeft != null && !commitsNow)
              slow.held.lookupsLeft -= 1;
            // applied by Odoo, its answer lost on the way back: the same on both transports (see faults.ts)
            if (lose.armed && target === 'sale.order/create' && applied(reply)) return loseAnswer();
            if (target !== undefined && target === down.after) {
              down.after = undefined;
              // after this reply is written (the same turn of the event loop), before the client can ask again
              setImmediate(goDown);
              return { ...reply, headers: { ...reply.headers, connection: 'close' } };
            }
            return reply;
          },
        };
  const table = routes(store, auth).map(withFaults);
  const listen = (port?: number) =>
    startSandboxServer({
      ...(port === undefined ? {} : { port }),
      routes: table,
      before: () => {
        if (forced429 === undefined) return undefined;
        const seconds = forced429;
        forced429 = undefined;
        return { status: 429, body: 'Too Many Requests', headers: { 'retry-after': String(seconds) } };
      },
    });
  let server = await listen(options.port);
  let closed = false;
  let back: Promise<void> | undefined;
  function goDown(): void {
    outages.down += 1;
    const port = server.port;
    back = (async () => {
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, down.ms));
      if (closed) return;
      server = await listen(port);
      outages.back += 1;
    })();
  }
  return {
    connector: 'odoo',
    url: server.url,
    settings: { url: server.url, database: SANDBOX_DATABASE, login: SANDBOX_LOGIN, apiKey: SANDBOX_API_KEY },
    store,
    get server() {
      return server;
    },
    expireKey: () => auth.keys.set(SANDBOX_API_KEY, Date.now() - 1000),
    rateLimitNext: (seconds) => {
      forced429 = seconds ?? undefined;
    },
    loseNextOrderCreate: (fault = {}) => {
      lose.armed = true;
      lose.fault = { ...fault };
    },
    faults,
    delayNextOrderCreate: (fault = {}) => {
      slow.armed = true;
      slow.after = fault.commitAfterLookups === undefined ? 1 : fault.commitAfterLookups;
    },
    commitHeldCreate: commitHeld,
    slowCreates,
    calls: (model, method) => calls.get(`${model}/${method}`) ?? 0,
    refund: (orderId, amount, extra = {}) => postRefund(store, orderId, amount, undefined, extra.touchOrder !== false),
    ordersFor: (externalId) =>
      [...store.table('sale.order').values()].filter((o) => o.origin === `hub:${externalId}`).length,
    goDownAfter: (model, method, downMs) => {
      down.after = `${model}/${method}`;
      down.ms = downMs ?? 100;
    },
    outages,
    close: async () => {
      closed = true;
      await back;
      await server.close();
    },
  };
}
