import { createHash } from 'node:crypto';
import { connectionServiceFor } from '../../core/connections';
import { openEngine, type Engine } from '../../core/runtime/engine';
import { flowServiceFor } from '../../core/runtime/flow-service';
import type { Hub } from '../../core/runtime/hub';
import { runToEnd } from '../../core/sandbox/demo';
import { startSandbox as startGoogle, type GoogleSandbox } from '../../connectors/google/sandbox';
import { startSandbox as startHubSpot, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { startSandbox as startMeta, type MetaSandbox } from '../../connectors/meta/sandbox';
import { startSandbox as startOdoo, type OdooSandbox } from '../../connectors/odoo/sandbox';
import { CliBed } from '../core/cli/helpers';

/**
 * The order templates end to end, reading Odoo through its orders stream (click ids, consent, refunds, customer
 * details) and writing to the Google and Meta sandboxes, and HubSpot closed-won deals (customer e-mail from the
 * associated contact) into Odoo. The sandboxes' counts are the proof: distinct conversions and Purchase events,
 * restatements, orders and deals.
 */

type Run = Awaited<ReturnType<typeof runToEnd>>;
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;
const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const EVENTS = { route: 'POST /:v/:node/events' };

describe('order templates against the sandboxes (Odoo orders stream)', () => {
  let bed: CliBed;
  let crm: HubSpotSandbox;
  let meta: MetaSandbox;
  let google: GoogleSandbox;
  let odoo: OdooSandbox;

  beforeEach(async () => {
    bed = new CliBed();
    crm = await startHubSpot({ enforceLimits: false });
    meta = await startMeta({ enforceLimits: false });
    google = await startGoogle({ enforceLimits: false });
    odoo = await startOdoo({ enforceLimits: false });
  });

  afterEach(async () => {
    await Promise.all([crm?.close(), meta?.close(), google?.close(), odoo?.close()]);
    bed.cleanup();
  });

  async function withEngine(fn: (hub: Hub, engine: Engine) => Promise<void>): Promise<void> {
    await bed.withHub(async (hub) => {
      const engine = await openEngine(hub, { scheduler: false });
      try {
        await engine.runner.startWorker();
        const connections = connectionServiceFor(hub);
        await connections.create({ name: 'crm', connectorId: 'hubspot', settings: crm.settings });
        await connections.create({ name: 'ads-meta', connectorId: 'meta', settings: meta.settings });
        await connections.create({ name: 'ads-google', connectorId: 'google', settings: google.settings });
        await connections.create({ name: 'erp', connectorId: 'odoo', settings: odoo.settings });
        await fn(hub, engine);
      } finally {
        await engine.close();
      }
    });
  }

  /** A customer and one confirmed order with an invoice, as a shop would leave them in Odoo. */
  function placeOrder(customer: Record<string, unknown>, order: Record<string, unknown> = {}): string {
    const partner = odoo.store.insert('res.partner', {
      is_company: false,
      parent_id: false,
      country_code: 'DE',
      is_blacklisted: false,
      ...customer,
    });
    const [id] = odoo.store.create('sale.order', [
      { partner_id: partner, state: 'sale', order_line: [[0, 0, { product_id: 2, product_uom_qty: 1 }]], ...order },
    ]);
    const row = odoo.store.table('sale.order').get(id!)!;
    odoo.store.insert('account.move', {
      name: `INV/${String(row.name)}`,
      move_type: 'out_invoice',
      state: 'posted',
      partner_id: partner,
      currency_id: 1,
      invoice_origin: row.name,
      amount_total: row.amount_total,
    });
    return String(row.name);
  }

  it('an order with a click id and consent: one conversion at Google and one Purchase at Meta; a refund: one restatement; no consent: nothing; a rerun: nothing new', async () => {
    const consenting = {
      name: '  иван   петров ',
      email: ' Ivan.Petrov+shop@GMAIL.com ',
      phone: '8 (916) 123-45-67',
      city: 'СПб',
      zip: ' 190000 ',
      country_code: 'RU',
      x_marketing_consent: true,
    };
    const withClick = placeOrder(consenting, {
      x_gclid: ' Cj0KCQ-journey-1 ',
      x_fbc: 'fb.1.1764000000000.IwAR-journey',
    });
    const metaOnly = placeOrder({ ...consenting, email: 'second.buyer@example.com' }); // no Google click id
    const saidNo = placeOrder(
      { name: 'Said No', email: 'said.no@example.com', x_marketing_consent: false },
      { x_gclid: 'Cj0-said-no', x_fbc: 'fb.1.1764000000000.IwAR-no' },
    );
    const blacklisted = placeOrder(
      { name: 'Opted Out', email: 'opted.out@example.com', x_marketing_consent: true, is_blacklisted: true },
      { x_gclid: 'Cj0-blacklisted' },
    );
    const neverAsked = placeOrder({ name: 'Never Asked', email: 'never.asked@example.com' }, { x_gbraid: 'gb-never' });
    const quotation = placeOrder(consenting, { state: 'draft', x_gclid: 'Cj0-draft' });

    await withEngine(async (hub, engine) => {
      const flows = flowServiceFor(hub);
      await flows.enableTemplate('odoo-orders-to-google-ads-conversions', {
        connections: { odoo: 'erp', google: 'ads-google' },
      });
      await flows.enableTemplate('odoo-orders-to-meta-purchases', { connections: { odoo: 'erp', meta: 'ads-meta' } });
      const toGoogle = await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions');
      const toMeta = await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases');
      expect(toGoogle.counts).toMatchObject({ read: 6, failed: 0 });
      expect(toMeta.counts).toMatchObject({ read: 6, failed: 0 });

      // exactly one conversion at Google (the consented order with a gclid) and one Purchase per consented order
      expect(google.conversionCount()).toBe(1);
      expect(google.conversionCount(withClick)).toBe(1);
      const conversion = () => [...google.store.conversions.values()].find((c) => c.transactionId === withClick)!;
      expect(conversion()).toMatchObject({ sends: 1, restatements: 0 });
      expect(meta.conversions(withClick)).toBe(1);
      expect(meta.conversions(metaOnly)).toBe(1);
      expect(meta.state.events.size).toBe(2);
      const purchase = [...meta.state.events.values()].find((e) => e.event_id === withClick)!.body as {
        user_data: { em: string[]; fbc?: string };
      };
      expect(purchase.user_data.em).toEqual([sha('ivan.petrov+shop@gmail.com')]);
      expect(purchase.user_data.fbc).toBe('fb.1.1764000000000.IwAR-journey');

      // no consent (said no, on the blacklist, never asked) and the quotation: nothing at either
      for (const ref of [saidNo, blacklisted, neverAsked, quotation]) {
        expect(google.conversionCount(ref)).toBe(0);
        expect(meta.conversions(ref)).toBe(0);
      }

      // a rerun sends nothing new
      const eventRequests = meta.server.count(EVENTS);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases'))).toBe(0);
      expect(conversion().sends).toBe(1);
      expect(meta.server.count(EVENTS)).toBe(eventRequests);

      // the order is refunded in full in Odoo: exactly one restatement at Google (to 0), no second Purchase
      const orderId = [...odoo.store.table('sale.order').values()].find((o) => o.name === withClick)!.id as number;
      odoo.refund(orderId);
      const refund = await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions');
      expect(refund.counts.failed).toBe(0);
      expect(writes(refund)).toBe(1);
      expect(conversion()).toMatchObject({ restatements: 1, conversionValue: 0, sends: 2 });
      expect(google.conversionCount()).toBe(1);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases'))).toBe(0);
      expect(meta.conversions(withClick)).toBe(1);
      expect(meta.server.count(EVENTS)).toBe(eventRequests);

      // and again: nothing new anywhere
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions'))).toBe(0);
      expect(conversion()).toMatchObject({ restatements: 1, sends: 2 });
    });
  }, 120_000);

  it('a closed-won deal in HubSpot becomes one order in Odoo for the contact on the deal, and never a second deal', async () => {
    const partner = odoo.store.insert('res.partner', { name: 'Anna Schmidt', email: 'anna.schmidt@example.com' });
    const contact = crm.contacts.create({ email: 'anna.schmidt@example.com', firstname: 'Anna' }).id;
    const deal = crm.deals.create({ dealname: 'Licence for Anna', dealstage: 'closedwon', amount: '990' }).id;
    crm.associateContact(deal, contact);
    const created = await fetch(`${crm.url}/crm/v3/objects/line_items/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${crm.settings.accessToken}`, 'content-type': 'application/json' },
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

    await withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('odoo-orders-to-hubspot-deals', {
        connections: { odoo: 'erp', hubspot: 'crm' },
      });
      const won = await runToEnd(hub, engine, 'hubspot-won-deals-to-odoo-orders');
      expect(won.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
      expect(odoo.ordersFor(`hubspot-deal-${deal}`)).toBe(1);
      const order = [...odoo.store.table('sale.order').values()].find((o) => o.origin === `hub:hubspot-deal-${deal}`)!;
      expect(order.partner_id).toBe(partner);

      // the order made from the deal does not come back to HubSpot as a second deal
      const back = await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals');
      expect(back.counts.failed).toBe(0);
      expect(writes(back)).toBe(0);
      expect(crm.deals.size).toBe(1);

      // reruns: no second order, no second deal
      expect(writes(await runToEnd(hub, engine, 'hubspot-won-deals-to-odoo-orders'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals'))).toBe(0);
      expect(odoo.ordersFor(`hubspot-deal-${deal}`)).toBe(1);
      expect(odoo.store.table('sale.order').size).toBe(1);
      expect(crm.deals.size).toBe(1);
    });
  }, 120_000);
});
