import { mapped, mapper, sentences, skipReason, template } from '../mappings/helpers';
import { odooOrder } from '../mappings/messy-records';

/**
 * The `odoo-orders-to-hubspot-deals` template keeps each promise of its description, checked at the mapping level
 * on messy orders and deals; test/flows/ad-templates-sandbox.test.ts runs the Odoo → HubSpot direction and the
 * no-duplicate check through the runner against the Odoo and HubSpot sandboxes.
 */

const NAME = 'odoo-orders-to-hubspot-deals';
const toDeal = mapper('odoo-order-to-hubspot-deal');
const toOrder = mapper('hubspot-deal-to-odoo-order');

const deal = (id: string, properties: Record<string, string | null>, lineItems: Record<string, string>[] = []) => ({
  id,
  properties,
  lineItems: lineItems.map((p, i) => ({ id: `${id}-${i}`, properties: p })),
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
});

describe(`template ${NAME}: its description`, () => {
  it('says what this test checks, sentence by sentence', () => {
    expect(sentences(NAME)).toEqual([
      'Sales orders from Odoo become deals in HubSpot, with amount, currency, close date, line items and a stage that follows the order (quotation → contract sent, confirmed → closed won, cancelled → closed lost).',
      "The other way, HubSpot deals marked closed won become sales orders in Odoo, for the customer with the deal's customer_email and with the Odoo product id taken from each line item's SKU.",
      "Each side keeps one external reference to the other (the Odoo order reference in the deal's external_deal_id, the HubSpot deal id in the Odoo order's external id), so neither side duplicates: an order made from a deal never comes back as a second deal, a deal made from an order never becomes a second order, and a retry never creates a second order.",
      'Both directions run every 15 minutes once enabled; hub flows enable --schedule chooses another schedule or manual runs.',
      "Needs the HubSpot deal property external_deal_id (unique); the customer is the deal's customer_email property or, when it is empty, its primary associated contact.",
    ]);
  });

  it('a sync pair: Odoo orders → upsertDeals and HubSpot deals → createOrders, every 15 minutes', () => {
    const t = template(NAME);
    expect(t.flows.map((f) => [f.source.stream, f.mapping.id, f.target.action, f.trigger])).toEqual([
      ['orders', 'odoo-order-to-hubspot-deal', 'upsertDeals', { type: 'schedule', cron: '*/15 * * * *' }],
      ['deals', 'hubspot-deal-to-odoo-order', 'createOrders', { type: 'schedule', cron: '*/15 * * * *' }],
    ]);
  });
});

describe(`template ${NAME} keeps its promises (mapping level)`, () => {
  it('orders become deals with amount, currency, close date, line items and a stage following the order', async () => {
    const order = odooOrder({ customerName: '  Pat Lee ' });
    expect(await mapped(toDeal, order)).toEqual({
      externalId: order.name,
      properties: {
        dealname: `${String(order.name)} — Pat Lee`,
        amount: 120,
        dealstage: 'closedwon',
        pipeline: 'default',
        closedate: '2026-12-01T09:30:00Z',
        deal_currency_code: 'EUR',
      },
      lineItems: [{ properties: { name: 'Chair', quantity: 2, price: 60, hs_sku: '11' } }],
    });
    for (const [state, stage] of [
      ['draft', 'contractsent'],
      ['sent', 'contractsent'],
      ['done', 'closedwon'],
      ['cancel', 'closedlost'],
    ])
      expect(await mapped(toDeal, odooOrder({ state }))).toMatchObject({ properties: { dealstage: stage } });
  });

  it('closed-won deals become orders for the customer_email, with product ids from the SKUs; other stages wait', async () => {
    const won = deal('77', { dealname: ' Chairs ', dealstage: 'closedwon', customer_email: ' Pat.Lee@Example.com ' }, [
      { name: 'Chair', quantity: '3', price: '49.90', hs_sku: '11' },
    ]);
    expect(await mapped(toOrder, won)).toEqual({
      externalId: 'hubspot-deal-77',
      customer: { email: 'pat.lee@example.com' },
      client_order_ref: 'Chairs',
      lines: [{ product_id: 11, quantity: 3, price_unit: 49.9, description: 'Chair' }],
    });
    expect(await skipReason(toOrder, deal('78', { dealstage: 'appointmentscheduled' }))).toBe(
      'deal is not closed won (stage "appointmentscheduled")',
    );
  });

  it('neither side duplicates: each skips what the other side made; the same deal always has the same order key', async () => {
    // an order the hub created from HubSpot deal 77 (createOrders writes origin "hub:hubspot-deal-77")
    expect(await skipReason(toDeal, odooOrder({ origin: 'hub:hubspot-deal-77' }))).toBe(
      "created from HubSpot deal 77: that deal is this order's record",
    );
    // a deal the hub created from Odoo order S00042 (upsertDeals keeps the reference in external_deal_id)
    expect(
      await skipReason(
        toOrder,
        deal('79', { dealstage: 'closedwon', external_deal_id: 'S00042', customer_email: 'a@b.co' }),
      ),
    ).toBe('deal came from Odoo order S00042: the order already exists');
    // a retry maps the same deal to the same external id, which createOrders creates once
    const won = deal('80', { dealstage: 'closedwon', customer_email: 'a@example.com' }, [
      { quantity: '1', hs_sku: '11' },
    ]);
    const first = (await mapped(toOrder, won)) as { externalId: string };
    const again = (await mapped(toOrder, structuredClone(won))) as { externalId: string };
    expect(again.externalId).toBe(first.externalId);
    // and an order maps to the deal keyed by its reference, whatever else changes
    const order = odooOrder();
    const changed = { ...order, amount_total: 999, state: 'done' };
    expect(((await mapped(toDeal, changed)) as { externalId: string }).externalId).toBe(order.name);
  });

  it('a won deal the hub cannot turn into an order fails, naming what to fix (never a half order)', async () => {
    const noCustomer = await toOrder(deal('81', { dealstage: 'closedwon' }, [{ quantity: '1', hs_sku: '11' }]));
    expect(noCustomer).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^customer_email: /) } });
    const noProduct = await toOrder(
      deal('82', { dealstage: 'closedwon', customer_email: 'a@example.com' }, [
        { name: 'Desk', quantity: '1', hs_sku: 'DESK' },
      ]),
    );
    expect(noProduct).toMatchObject({ ok: false, error: { message: expect.stringContaining('SKU of Desk') } });
  });
});
