import { createOrders } from '../../../connectors/odoo/actions/createOrders';
import { HUB_MODULE, legacyExternalName } from '../../../connectors/odoo/actions/external-ids';
import { upsertPartners } from '../../../connectors/odoo/actions/upsertPartners';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { connection } from './helpers';

/**
 * The hub's external ids in ir.model.data (issue #16: upsert by an external id). Odoo keeps (module, name) unique
 * across every model, so one key used for a partner and for an order (a CRM's contact 101 and deal 101) needs two
 * names; and links written before the model was part of the name are still found. Both transports.
 */
describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('external ids (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 2 });
  });
  afterEach(() => sandbox.close());
  const links = () => [...sandbox.store.table('ir.model.data').values()];

  it('one key on an order and on a partner: both linked, and the partner is updated (not created again) on a replay', async () => {
    const conn = connection(sandbox.settings);
    const [order] = await createOrders.write({
      connection: conn,
      records: [{ externalId: '101', customer: { id: 1 }, lines: [{ product_id: 1, quantity: 1 }] }],
    });
    expect(order).toMatchObject({ status: 'ok', operation: 'created' });
    const [created] = await upsertPartners.write({
      connection: conn,
      records: [{ externalId: '101', name: 'Contact 101', phone: '+49 30 1' }],
    });
    expect(created).toMatchObject({ status: 'ok', operation: 'created' });
    const [replayed] = await upsertPartners.write({
      connection: conn,
      records: [{ externalId: '101', name: 'Contact 101', phone: '+49 30 2' }],
    });
    expect(replayed).toEqual({
      status: 'ok',
      operation: 'updated',
      targetId: created!.status === 'ok' ? created!.targetId : '',
    });
    expect(sandbox.store.created.get('res.partner')).toBe(1);
    expect(links().map((l) => l.model)).toEqual(['sale.order', 'res.partner']);
    expect(new Set(links().map((l) => l.name)).size).toBe(2);
  });

  it('a partner deleted in Odoo takes its external id with it (as unlink does): the next upsert creates and links it again', async () => {
    const conn = connection(sandbox.settings);
    const record = { externalId: 'crm-5', name: 'Deleted Later', phone: '+49 30 5' };
    const [first] = await upsertPartners.write({ connection: conn, records: [record] });
    expect(first).toMatchObject({ status: 'ok', operation: 'created' });
    sandbox.store.unlink('res.partner', [Number(first!.status === 'ok' && first!.targetId)]);
    expect(links()).toEqual([]);
    const [again] = await upsertPartners.write({ connection: conn, records: [record] });
    expect(again).toMatchObject({ status: 'ok', operation: 'created' });
    expect(links()).toEqual([
      expect.objectContaining({ model: 'res.partner', res_id: Number(again!.status === 'ok' && again!.targetId) }),
    ]);
  });

  it('links written under the former name (no model in it) are still found, for partners and orders', async () => {
    const partner = sandbox.store.insert('res.partner', { name: 'Linked before', email: false });
    const [orderId] = sandbox.store.create('sale.order', [
      { partner_id: 1, origin: false, order_line: [[0, 0, { product_id: 1, product_uom_qty: 1 }]] },
    ]);
    for (const [key, model, resId] of [
      ['crm-9', 'res.partner', partner],
      ['deal-9', 'sale.order', orderId!],
    ] as const)
      sandbox.store.insert('ir.model.data', {
        module: HUB_MODULE,
        name: legacyExternalName(key),
        model,
        res_id: resId,
      });
    sandbox.store.created.clear();
    const conn = connection(sandbox.settings);
    const [updated] = await upsertPartners.write({
      connection: conn,
      records: [{ externalId: 'crm-9', city: 'Paris' }],
    });
    expect(updated).toEqual({ status: 'ok', targetId: String(partner), operation: 'updated' });
    const [known] = await createOrders.write({
      connection: conn,
      records: [{ externalId: 'deal-9', customer: { id: 1 }, lines: [{ product_id: 1, quantity: 1 }] }],
    });
    expect(known).toEqual({ status: 'ok', targetId: String(orderId) });
    expect(sandbox.store.created.get('res.partner') ?? 0).toBe(0);
    expect(sandbox.store.created.get('sale.order') ?? 0).toBe(0);
    expect(links()).toHaveLength(2);
  });
});
