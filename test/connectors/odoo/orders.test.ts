import nock from 'nock';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import type { Order } from '../../../connectors/odoo/schemas/records';
import { LOOK_BACK_SECONDS } from '../../../connectors/odoo/streams/incremental';
import { orders } from '../../../connectors/odoo/streams/orders';
import { ODOO, connection, readAll, settings, useNock } from './helpers';

/**
 * What the ad-platform templates need on an order: click ids (configurable custom fields), the customer's contact
 * details and marketing consent (partner field, blacklist wins), and the refunded amount from posted credit notes.
 */

const byName = (records: Order[]) => new Map(records.map((r) => [r.name, r]));

/**
 * All orders but the last written an hour ago: the checkpoint then sits at the last one, far past the others plus
 * the stream's look-back, so only the refund pass can bring them back.
 */
function ageOrders(sandbox: OdooSandbox): void {
  const hourAgo = new Date(Date.now() - 3_600_000).toISOString().replace('T', ' ').slice(0, 23);
  const rows = [...sandbox.store.table('sale.order').values()];
  for (const row of rows.slice(0, -1)) row.write_date = hourAgo;
}

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('odoo orders for the ad platforms over %s', (_transport, version) => {
  let sandbox: OdooSandbox | undefined;
  beforeEach(() => clearOdooSessions());
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  it('orders carry click ids, customer details, consent (the blacklist wins) and refunded amounts', async () => {
    sandbox = await startSandbox({ version, seedContacts: 30, seedOrders: 12, seed: 5 });
    const { records } = await readAll(orders, connection({ ...sandbox.settings, pageSize: 5 }));
    expect(records).toHaveLength(12);
    const rows = [...sandbox.store.table('sale.order').values()];
    for (const record of records) {
      const row = rows.find((r) => r.id === record.id)!;
      expect(record.gclid).toBe(row.x_gclid ?? null);
      expect(record.gbraid).toBe(row.x_gbraid ?? null);
      expect(record.wbraid).toBeNull();
      expect(record.fbc).toBe(row.x_fbc ?? null);
      expect(record.fbp).toBe(row.x_fbp ?? null);
      const partner = sandbox.store.table('res.partner').get(row.partner_id as number)!;
      expect(record.customer_email).toBe(partner.email);
      expect(record.customer_city).toBe(partner.city === false ? null : partner.city);
      expect(record.customer_zip).toBe(partner.zip === false ? null : partner.zip);
      expect(record.customer_country_code).toBe(partner.country_code);
      expect(record.marketing_consent).toBe(partner.is_blacklisted === true ? false : partner.x_marketing_consent);
    }
    // a mix: Google ids of each kind, orders without one, consent both ways
    expect(records.filter((r) => r.gclid !== null).length).toBeGreaterThan(0);
    expect(records.filter((r) => r.gbraid !== null).length).toBeGreaterThan(0);
    expect(records.filter((r) => r.gclid === null && r.gbraid === null).length).toBeGreaterThan(0);
    // every fifth order refunded in full, every tenth by half; the others not at all
    const named = byName(records);
    const nth = (i: number) => named.get(`S${String(i).padStart(5, '0')}`)!;
    expect(nth(5).refunded_amount).toBeCloseTo(nth(5).amount_total, 2);
    expect(nth(10).refunded_amount).toBeCloseTo(nth(10).amount_total / 2, 2);
    for (const i of [1, 2, 3, 4, 6, 7, 8, 9, 11, 12]) expect(nth(i).refunded_amount).toBe(0);
  });

  it('a partner on the mailing blacklist never consents, whatever the consent field says', async () => {
    sandbox = await startSandbox({ version, seedContacts: 3, seedOrders: 1, seed: 5 });
    const order = [...sandbox.store.table('sale.order').values()][0]!;
    const partner = order.partner_id as number;
    sandbox.store.write('res.partner', [partner], { x_marketing_consent: true, is_blacklisted: false });
    sandbox.store.write('sale.order', [order.id], { note: 'touched' });
    const consenting = await readAll(orders, connection(sandbox.settings));
    expect(consenting.records[0]!.marketing_consent).toBe(true);
    sandbox.store.write('res.partner', [partner], { is_blacklisted: true });
    clearOdooSessions();
    const blacklisted = await readAll(orders, connection(sandbox.settings));
    expect(blacklisted.records[0]!.marketing_consent).toBe(false);
    // a text consent field (selection or char) counts "yes"-like values only
    sandbox.store.write('res.partner', [partner], { is_blacklisted: false, x_marketing_consent: ' Opt-In ' });
    expect((await readAll(orders, connection(sandbox.settings))).records[0]!.marketing_consent).toBe(true);
    sandbox.store.write('res.partner', [partner], { x_marketing_consent: 'no' });
    expect((await readAll(orders, connection(sandbox.settings))).records[0]!.marketing_consent).toBe(false);
  });

  it('field names come from the settings; fields the database lacks are null, never an "Invalid field" error', async () => {
    sandbox = await startSandbox({
      version,
      seedContacts: 3,
      seedOrders: 2,
      seed: 5,
      customFields: { 'sale.order': ['x_studio_gclid', 'x_gclid'], 'res.partner': ['x_studio_optin'] },
    });
    const [first] = [...sandbox.store.table('sale.order').values()];
    sandbox.store.write('sale.order', [first!.id], { x_studio_gclid: 'Cj0-studio' });
    sandbox.store.write('res.partner', [first!.partner_id], { x_studio_optin: true, is_blacklisted: false });
    const custom = await readAll(
      orders,
      connection({ ...sandbox.settings, gclidField: 'x_studio_gclid', consentField: 'x_studio_optin' }),
    );
    const order = custom.records.find((r) => r.id === first!.id)!;
    expect(order).toMatchObject({ gclid: 'Cj0-studio', gbraid: null, fbc: null, marketing_consent: true });

    // the defaults against a database without x_marketing_consent or x_gbraid: read as null (no consent)
    const defaults = await readAll(orders, connection(sandbox.settings));
    expect(defaults.records).toHaveLength(2);
    for (const record of defaults.records) {
      expect(record.marketing_consent).toBeNull();
      expect(record.gbraid).toBeNull();
    }
    expect(defaults.records.find((r) => r.id === first!.id)?.gclid).toBe('Cj0KCQ-sandbox-gclid-0');
  });

  it('a refund posted after a read reaches the next incremental read with the refunded amount', async () => {
    sandbox = await startSandbox({ version, seedContacts: 5, seedOrders: 3, seed: 5 });
    const conn = connection(sandbox.settings);
    const first = await readAll(orders, conn);
    const target = first.records[0]!;
    expect(target.refunded_amount).toBe(0);
    sandbox.refund(target.id, 10);
    const next = await readAll(orders, conn, first.checkpoint);
    expect(next.records.find((r) => r.id === target.id)?.refunded_amount).toBe(10);
    sandbox.refund(target.id, 5.5);
    const again = await readAll(orders, conn, next.checkpoint);
    expect(again.records.find((r) => r.id === target.id)?.refunded_amount).toBe(15.5);
  });

  it('a credit note that does not rewrite its order is still seen (the refund pass); drafts do not count', async () => {
    sandbox = await startSandbox({ version, seedContacts: 5, seedOrders: 4, seed: 5 });
    ageOrders(sandbox);
    const conn = connection({ ...sandbox.settings, pageSize: 2 });
    const first = await readAll(orders, conn);
    const [target, other] = first.records.filter((r) => r.refunded_amount === 0);
    const writeDate = sandbox.store.table('sale.order').get(target!.id)!.write_date;
    sandbox.refund(target!.id, 7, { touchOrder: false });
    expect(sandbox.store.table('sale.order').get(target!.id)!.write_date).toBe(writeDate);
    const draft = sandbox.refund(other!.id, 3, { touchOrder: false });
    sandbox.store.write('account.move', [draft], { state: 'draft' });
    const next = await readAll(orders, conn, first.checkpoint);
    expect(next.records.find((r) => r.id === target!.id)?.refunded_amount).toBe(7);
    expect(next.records.find((r) => r.id === other!.id)?.refunded_amount ?? 0).toBe(0);
    expect(next.checkpoint).toMatchObject({ refunds: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/) });
    // each order once per read, even when both the keyset and the refund pass find it
    const ids = next.records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('after a credit note that left its order alone, an unchanged rerun reads only the look-back window', async () => {
    sandbox = await startSandbox({ version, seedContacts: 5, seedOrders: 4, seed: 5 });
    ageOrders(sandbox);
    const conn = connection(sandbox.settings);
    const first = await readAll(orders, conn);
    const [target, other, third] = first.records.filter(
      (r) => r.refunded_amount === 0 && r.id !== first.records.at(-1)!.id,
    );
    const moves = sandbox.store.table('account.move');
    const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
    // posted some seconds ago (the server's clock has left that second when the next read asks)
    moves.get(sandbox.refund(target!.id, 3, { touchOrder: false }))!.write_date = stamp(Date.now() - 5_000);
    const second = await readAll(orders, conn, first.checkpoint);
    expect(second.records.find((r) => r.id === target!.id)?.refunded_amount).toBe(3);
    // the conformance rule: an unchanged rerun returns only records modified within the look-back of the newest read
    const newest = Math.max(...first.records.map((r) => Date.parse(r.write_date)));
    let checkpoint = second.checkpoint;
    for (let run = 0; run < 2; run++) {
      const rerun = await readAll(orders, conn, checkpoint);
      for (const record of rerun.records)
        expect(Date.parse(record.write_date)).toBeGreaterThanOrEqual(newest - LOOK_BACK_SECONDS * 1000);
      expect(rerun.records.map((r) => r.id)).not.toContain(target!.id);
      checkpoint = rerun.checkpoint;
    }
    // a credit note committed late with a stamp inside the look-back (a long transaction) is still seen, and one
    // written again (cancelled) is seen again
    const refunds = [...sandbox.store.table('account.move').values()].filter((m) => m.move_type === 'out_refund');
    const cursor = Date.parse(String(refunds.at(-1)!.write_date).replace(' ', 'T') + 'Z');
    const late = sandbox.refund(other!.id, 2, { touchOrder: false });
    moves.get(late)!.write_date = stamp(cursor - 30_000);
    const afterLate = await readAll(orders, conn, checkpoint);
    expect(afterLate.records.find((r) => r.id === other!.id)?.refunded_amount).toBe(2);
    expect(afterLate.records.map((r) => r.id)).not.toContain(target!.id);
    const cancelled = refunds.at(-1)!.id as number;
    sandbox.store.write('account.move', [cancelled], { state: 'cancel' });
    const afterCancel = await readAll(orders, conn, afterLate.checkpoint);
    expect(afterCancel.records.find((r) => r.id === target!.id)?.refunded_amount).toBe(0);

    // Odoo shows write_date to the second: a credit note of a second the server's clock has not left when a read
    // asks is not counted as covered, so the same credit note written again within that second is still seen
    const open = sandbox.refund(third!.id, 4, { touchOrder: false });
    // 3 s after the sandbox's own clock (its stamps run ahead of the wall clock while it seeds and writes)
    const dbNow = Date.parse(`${sandbox.store.stamp().replace(' ', 'T')}Z`);
    const openSecond = stamp(Math.max(dbNow, Date.now()) + 3_000).slice(0, 19);
    moves.get(open)!.write_date = `${openSecond}.100`;
    const withOpen = await readAll(orders, conn, afterCancel.checkpoint);
    expect(withOpen.records.find((r) => r.id === third!.id)?.refunded_amount).toBe(4);
    expect(withOpen.checkpoint).not.toHaveProperty('refundsSeen', expect.arrayContaining([open]));
    sandbox.store.write('account.move', [open], { state: 'cancel' });
    moves.get(open)!.write_date = `${openSecond}.900`;
    const rewritten = await readAll(orders, conn, withOpen.checkpoint);
    expect(rewritten.records.find((r) => r.id === third!.id)?.refunded_amount).toBe(0);
  });

  it('a database without credit notes: the first one is seen on the next read', async () => {
    sandbox = await startSandbox({ version, seedContacts: 5, seedOrders: 3, seed: 5 }); // refunds from the fifth
    ageOrders(sandbox);
    const conn = connection(sandbox.settings);
    const first = await readAll(orders, conn);
    expect(first.checkpoint).toMatchObject({ refunds: '1970-01-01T00:00:00Z' });
    const target = first.records[1]!;
    sandbox.refund(target.id, 4, { touchOrder: false });
    const next = await readAll(orders, conn, first.checkpoint);
    expect(next.records.find((r) => r.id === target.id)?.refunded_amount).toBe(4);
  });
});

describe('odoo orders: the requests (JSON-2, nock)', () => {
  useNock();
  afterEach(() => clearOdooSessions());

  it('asks fields_get once per model, then reads orders, lines, customers and credit notes in one call each', async () => {
    const bodies: Record<string, unknown[]> = {};
    const record = (path: string, reply: unknown, headers: Record<string, string> = {}) =>
      nock(ODOO)
        .post(path)
        .reply(async (request: Request) => {
          (bodies[path] ??= []).push(await request.json());
          return [200, reply, headers];
        });
    nock(ODOO)
      .get('/web/version')
      .reply(200, { server_version: '19.0', server_version_info: [19, 0, 0, 'final', 0, ''], protocol_version: 1 });
    record('/json/2/sale.order/fields_get', {
      name: { type: 'char' },
      invoice_ids: { type: 'many2many' },
      x_gclid: { type: 'char' },
    });
    record('/json/2/res.partner/fields_get', {
      email: { type: 'char' },
      is_blacklisted: { type: 'boolean' },
      x_marketing_consent: { type: 'boolean' },
    });
    record('/json/2/sale.order/search_read', [
      {
        id: 42,
        name: 'S00042',
        partner_id: [7, 'Ivan Petrov'],
        state: 'sale',
        date_order: '2026-12-01 09:30:00',
        currency_id: [1, 'EUR'],
        amount_untaxed: 100,
        amount_tax: 20,
        amount_total: 120,
        x_gclid: 'Cj0-abc',
        invoice_ids: [90, 91],
        write_date: '2026-12-01 09:31:00',
        client_order_ref: false,
        origin: false,
      },
    ]);
    record('/json/2/sale.order.line/search_read', []);
    record('/json/2/res.partner/read', [
      {
        id: 7,
        email: 'ivan@example.com',
        phone: '+7 916 123 45 67',
        city: 'Москва',
        zip: '101000',
        country_code: 'RU',
        x_marketing_consent: true,
        is_blacklisted: false,
      },
    ]);
    // the newest credit note, asked when the server's clock had left its second (so it counts as covered)
    record('/json/2/account.move/search_read', [{ id: 95, write_date: '2026-12-01 10:00:00' }], {
      date: 'Tue, 01 Dec 2026 10:00:05 GMT',
    });
    record('/json/2/account.move/search_read', [
      { id: 91, amount_total: 30, reversed_entry_id: [90, 'INV/2026/00001'] },
      { id: 95, amount_total: 12.5, reversed_entry_id: [90, 'INV/2026/00001'] },
    ]);
    const { records, checkpoint } = await readAll(orders, connection(settings));
    // the next read looks for credit notes from the newest one seen before this read on, but the ones this read
    // covered (this first read covered every order)
    expect(checkpoint).toEqual({
      write_date: '2026-12-01T09:31:00Z',
      id: 42,
      refunds: '2026-12-01T10:00:00Z',
      refundsSeen: [95],
    });
    expect(records).toEqual([
      expect.objectContaining({
        name: 'S00042',
        gclid: 'Cj0-abc',
        gbraid: null,
        fbc: null,
        customer_email: 'ivan@example.com',
        customer_phone: '+7 916 123 45 67',
        customer_city: 'Москва',
        customer_zip: '101000',
        customer_country_code: 'RU',
        marketing_consent: true,
        refunded_amount: 42.5,
      }),
    ]);
    expect(bodies['/json/2/sale.order/fields_get']).toEqual([{ attributes: ['type'] }]);
    const [search] = bodies['/json/2/sale.order/search_read'] as { fields: string[] }[];
    expect(search!.fields).toEqual(expect.arrayContaining(['x_gclid', 'invoice_ids', 'partner_id']));
    expect(search!.fields).not.toContain('x_gbraid'); // not in this database
    expect(bodies['/json/2/res.partner/read']).toEqual([
      {
        ids: [7],
        fields: ['email', 'phone', 'city', 'zip', 'country_code', 'x_marketing_consent', 'is_blacklisted'],
        context: { active_test: false },
      },
    ]);
    const [newest, refunds] = bodies['/json/2/account.move/search_read'] as { domain: unknown[] }[];
    expect(newest).toEqual({
      domain: [['move_type', '=', 'out_refund']],
      fields: ['write_date'],
      order: 'write_date desc, id desc',
      limit: 100,
    });
    expect(refunds!.domain).toEqual([
      ['move_type', '=', 'out_refund'],
      ['state', '=', 'posted'],
      '|',
      ['id', 'in', [90, 91]],
      ['reversed_entry_id', 'in', [90, 91]],
    ]);
  });
});
