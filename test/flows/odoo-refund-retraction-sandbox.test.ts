import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { useAdSandboxes } from './ad-sandboxes';

/**
 * Issue #16, "a refund in Odoo becomes one retraction", for the credit note Odoo posts without rewriting its order
 * (a second credit note on an order already "to invoice" changes nothing on it): the Odoo orders stream's refund
 * pass brings the order back once, Google gets exactly one restatement, and later runs neither send nor read it
 * again — an unchanged rerun reads only the stream's look-back window (on both transports).
 */

type Run = Awaited<ReturnType<typeof runToEnd>>;
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;
const FLOW = 'odoo-orders-to-google-ads-conversions';
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('Odoo orders → Google conversions over %s (Odoo %i): a credit note that leaves its order alone', (_t, version) => {
  const s = useAdSandboxes({ odoo: { version } });

  function placeOrder(email: string, gclid: string): number {
    const partner = s.odoo.store.insert('res.partner', {
      name: 'Buyer',
      email,
      is_company: false,
      parent_id: false,
      country_code: 'DE',
      is_blacklisted: false,
      x_marketing_consent: true,
    });
    const [id] = s.odoo.store.create('sale.order', [
      {
        partner_id: partner,
        state: 'sale',
        x_gclid: gclid,
        order_line: [[0, 0, { product_id: 2, product_uom_qty: 1 }]],
      },
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
    return id!;
  }

  it('exactly one restatement at Google; the reruns send nothing and read only the look-back window', async () => {
    const old = placeOrder('old.buyer@example.com', 'Cj0-old-order');
    placeOrder('new.buyer@example.com', 'Cj0-new-order');
    // the old order was last written an hour ago; the newer one now (the read's checkpoint sits at it)
    s.odoo.store.table('sale.order').get(old)!.write_date = stamp(Date.now() - 3_600_000);
    const name = String(s.odoo.store.table('sale.order').get(old)!.name);
    const total = Number(s.odoo.store.table('sale.order').get(old)!.amount_total);

    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate(FLOW, { connections: { odoo: 'erp', google: 'ads-google' } });
      const first = await runToEnd(hub, engine, FLOW);
      expect(first.counts).toMatchObject({ read: 2, failed: 0 });
      const conversion = () => [...s.google.store.conversions.values()].find((c) => c.transactionId === name)!;
      expect(conversion()).toMatchObject({ sends: 1, restatements: 0, conversionValue: total });

      // a credit note for 100 posted some seconds ago, without rewriting the order
      const note = s.odoo.refund(old, 100, { touchOrder: false });
      s.odoo.store.table('account.move').get(note)!.write_date = stamp(Date.now() - 5_000);
      const refunded = await runToEnd(hub, engine, FLOW);
      expect(refunded.counts.failed).toBe(0);
      expect(writes(refunded)).toBe(1);
      expect(conversion()).toMatchObject({ sends: 2, restatements: 1, conversionValue: total - 100 });

      for (let i = 0; i < 2; i++) {
        const rerun = await runToEnd(hub, engine, FLOW);
        expect(writes(rerun)).toBe(0);
        // only the newer order (inside the look-back window) is read again, never the refunded old one
        expect(rerun.counts.read).toBe(1);
      }
      expect(conversion()).toMatchObject({ sends: 2, restatements: 1 });
      expect(s.google.conversionCount()).toBe(2);
    });
  }, 120_000);
});
