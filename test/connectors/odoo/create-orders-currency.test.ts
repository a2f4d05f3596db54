import { createOrders } from '../../../connectors/odoo/actions/createOrders';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { orders } from '../../../connectors/odoo/streams/orders';
import { connection, readAll } from './helpers';

/**
 * createOrders' `currency` (issue #16: orders with currency). Odoo has no currency field to write on a sale.order:
 * the order takes its pricelist's currency, else the company's. The input's currency used to be dropped, so an order
 * meant in USD was made in the customer's or company's currency. Through createOrders and the orders stream, on both
 * transports.
 */
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('createOrders in a currency (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 2 });
  });
  afterEach(() => sandbox.close());

  const order = (externalId: string, currency?: string) => ({
    externalId,
    customer: { id: 1 },
    ...(currency === undefined ? {} : { currency }),
    lines: [{ product_id: 1, quantity: 1 }],
  });
  const currencyOf = async (externalId: string) => {
    const { records } = await readAll(orders, connection(sandbox.settings));
    return records.find((o) => o.origin === `hub:${externalId}`)?.currency;
  };

  it('an order in USD gets the USD pricelist and is in USD; a code in lower case too; none: the default', async () => {
    const outcomes = await createOrders.write({
      connection: connection(sandbox.settings),
      records: [order('deal-usd', 'USD'), order('deal-eur', 'eur'), order('deal-plain')],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok']);
    expect(await currencyOf('deal-usd')).toBe('USD');
    expect(await currencyOf('deal-eur')).toBe('EUR');
    expect(await currencyOf('deal-plain')).toBe('EUR');
    const usd = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:deal-usd')!;
    expect(usd.pricelist_id).toBe(2);
  });

  it('a currency Odoo does not have active, or has without a pricelist, fails the record with the fix; no order', async () => {
    const conn = connection(sandbox.settings);
    const [inactive, unknown] = await createOrders.write({
      connection: conn,
      records: [order('deal-gbp', 'GBP'), order('deal-jpy', 'JPY')],
    });
    for (const outcome of [inactive, unknown])
      expect(outcome).toMatchObject({
        status: 'failed',
        failure: 'permanent',
        field: 'currency',
        reason: expect.stringMatching(/is not active in Odoo: activate it/),
      });
    sandbox.store.write('res.currency', [3], { active: true }); // GBP active, but no pricelist and not the company's
    const [noPricelist] = await createOrders.write({ connection: conn, records: [order('deal-gbp', 'GBP')] });
    expect(noPricelist).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining('no pricelist in GBP in Odoo'),
    });
    expect(sandbox.store.table('sale.order').size).toBe(0);
  });

  it("the company's currency without a pricelist in it: the order has no pricelist and is in that currency", async () => {
    sandbox.store.unlink('product.pricelist', [1]);
    const [outcome] = await createOrders.write({
      connection: connection(sandbox.settings),
      records: [order('deal-company', 'EUR')],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'created' });
    const created = [...sandbox.store.table('sale.order').values()].find((o) => o.origin === 'hub:deal-company')!;
    expect(created.pricelist_id).toBe(false);
    expect(await currencyOf('deal-company')).toBe('EUR');
  });
});
