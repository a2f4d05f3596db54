import { createHash } from 'node:crypto';
import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { useAdSandboxes } from './ad-sandboxes';

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
  const s = useAdSandboxes();

  /** A customer and one confirmed order with an invoice, as a shop would leave them in Odoo. */
  function placeOrder(customer: Record<string, unknown>, order: Record<string, unknown> = {}): string {
    const partner = s.odoo.store.insert('res.partner', {
      is_company: false,
      parent_id: false,
      country_code: 'DE',
      is_blacklisted: false,
      ...customer,
    });
    const [id] = s.odoo.store.create('sale.order', [
      { partner_id: partner, state: 'sale', order_line: [[0, 0, { product_id: 2, product_uom_qty: 1 }]], ...order },
    ]);
    const row = s.odoo.store.table('sale.order').get(id!)!;
    s.odoo.store.insert('account.move', {
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

    await s.withEngine(async (hub, engine) => {
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
      expect(s.google.conversionCount()).toBe(1);
      expect(s.google.conversionCount(withClick)).toBe(1);
      const conversion = () => [...s.google.store.conversions.values()].find((c) => c.transactionId === withClick)!;
      expect(conversion()).toMatchObject({ sends: 1, restatements: 0 });
      expect(s.meta.conversions(withClick)).toBe(1);
      expect(s.meta.conversions(metaOnly)).toBe(1);
      expect(s.meta.state.events.size).toBe(2);
      const purchase = [...s.meta.state.events.values()].find((e) => e.event_id === withClick)!.body as {
        user_data: { em: string[]; fbc?: string };
      };
      expect(purchase.user_data.em).toEqual([sha('ivan.petrov+shop@gmail.com')]);
      expect(purchase.user_data.fbc).toBe('fb.1.1764000000000.IwAR-journey');

      // no consent (said no, on the blacklist, never asked) and the quotation: nothing at either
      for (const ref of [saidNo, blacklisted, neverAsked, quotation]) {
        expect(s.google.conversionCount(ref)).toBe(0);
        expect(s.meta.conversions(ref)).toBe(0);
      }

      // a rerun sends nothing new
      const eventRequests = s.meta.server.count(EVENTS);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases'))).toBe(0);
      expect(conversion().sends).toBe(1);
      expect(s.meta.server.count(EVENTS)).toBe(eventRequests);

      // the order is refunded in full in Odoo: exactly one restatement at Google (to 0), no second Purchase
      const orderId = [...s.odoo.store.table('sale.order').values()].find((o) => o.name === withClick)!.id as number;
      s.odoo.refund(orderId);
      const refund = await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions');
      expect(refund.counts.failed).toBe(0);
      expect(writes(refund)).toBe(1);
      expect(conversion()).toMatchObject({ restatements: 1, conversionValue: 0, sends: 2 });
      expect(s.google.conversionCount()).toBe(1);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases'))).toBe(0);
      expect(s.meta.conversions(withClick)).toBe(1);
      expect(s.meta.server.count(EVENTS)).toBe(eventRequests);

      // and again: nothing new anywhere
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions'))).toBe(0);
      expect(conversion()).toMatchObject({ restatements: 1, sends: 2 });
    });
  }, 120_000);

  it('a closed-won deal in HubSpot becomes one order in Odoo for the contact on the deal, and never a second deal', async () => {
    const partner = s.odoo.store.insert('res.partner', { name: 'Anna Schmidt', email: 'anna.schmidt@example.com' });
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

    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('odoo-orders-to-hubspot-deals', {
        connections: { odoo: 'erp', hubspot: 'crm' },
      });
      const won = await runToEnd(hub, engine, 'hubspot-won-deals-to-odoo-orders');
      expect(won.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
      expect(s.odoo.ordersFor(`hubspot-deal-${deal}`)).toBe(1);
      const order = [...s.odoo.store.table('sale.order').values()].find(
        (o) => o.origin === `hub:hubspot-deal-${deal}`,
      )!;
      expect(order.partner_id).toBe(partner);

      // the order made from the deal does not come back to HubSpot as a second deal
      const back = await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals');
      expect(back.counts.failed).toBe(0);
      expect(writes(back)).toBe(0);
      expect(s.crm.deals.size).toBe(1);

      // reruns: no second order, no second deal
      expect(writes(await runToEnd(hub, engine, 'hubspot-won-deals-to-odoo-orders'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals'))).toBe(0);
      expect(s.odoo.ordersFor(`hubspot-deal-${deal}`)).toBe(1);
      expect(s.odoo.store.table('sale.order').size).toBe(1);
      expect(s.crm.deals.size).toBe(1);
    });
  }, 120_000);
});
