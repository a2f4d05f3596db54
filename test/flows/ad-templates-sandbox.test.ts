import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { useAdSandboxes } from './ad-sandboxes';

/**
 * The order, lead and audience templates run as a user runs them (connections, `enableTemplate`, runs through the
 * runner and its worker) against the Odoo, HubSpot, Meta and Google sandboxes, on messy records. What the sandboxes
 * count is the proof: members of the audience, conversions, events, deals and orders.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
type Run = Awaited<ReturnType<typeof runToEnd>>;
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;

describe('ad-platform templates against the sandboxes', () => {
  const s = useAdSandboxes({ odoo: { seedContacts: 4, seedOrders: 5 }, contactProperties: ['ad_audience', 'zip'] });

  function seedAudienceContacts(): Record<string, string> {
    const at = Date.now() - 60_000;
    const people: Record<string, Record<string, string>> = {
      ivan: {
        email: '  Ivan.Petrov@Example.COM ',
        firstname: '  иван   петров ',
        phone: '8 (912) 345-67-89',
        country: 'Россия',
        city: 'СПб',
        marketing_consent: 'true',
        ad_audience: 'true',
      },
      john: {
        email: 'John.Smith+ads@GMAIL.com',
        firstname: 'JOHN',
        lastname: 'smith',
        mobilephone: '(212) 555-0123',
        country: 'USA',
        marketing_consent: 'true',
        ad_audience: 'true',
      },
      saidNo: { email: 'said.no@example.com', firstname: 'Said No', marketing_consent: 'false', ad_audience: 'true' },
      neverAsked: { email: 'never.asked@example.com', firstname: 'Never Asked', ad_audience: 'true' },
      stranger: { email: 'stranger@example.com', firstname: 'Stranger', marketing_consent: 'false' },
      notListed: { email: 'elsewhere@example.com', firstname: 'Elsewhere', marketing_consent: 'true' },
    };
    const ids: Record<string, string> = {};
    for (const [key, properties] of Object.entries(people)) {
      s.crm.contacts.create(properties, at);
      ids[key] = [...s.crm.contacts.values()].at(-1)!.id;
    }
    return ids;
  }

  it('hubspot-list-to-meta-audience: consented contacts on the list join; no one else is added; leaving the list removes', async () => {
    const ids = seedAudienceContacts();
    const audience = () => s.meta.state.audience(s.meta.settings.audienceId!).members;
    const hashesInAudience = () => new Set([...audience().values()].flat());
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-meta-audience', {
        connections: { hubspot: 'crm', meta: 'ads-meta' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-meta-audience');
      expect(adds.counts).toMatchObject({ read: 6, failed: 0 });
      expect(s.meta.members()).toBe(2);
      for (const email of ['ivan.petrov@example.com', 'john.smith+ads@gmail.com'])
        expect(hashesInAudience().has(sha(email))).toBe(true);
      for (const email of [
        'said.no@example.com',
        'never.asked@example.com',
        'stranger@example.com',
        'elsewhere@example.com',
      ])
        expect(hashesInAudience().has(sha(email))).toBe(false);
      // a rerun sends nothing
      const addRequests = s.meta.server.count({ route: 'POST /:v/:node/users' });
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-meta-audience'))).toBe(0);
      expect(s.meta.server.count({ route: 'POST /:v/:node/users' })).toBe(addRequests);

      // the removals flow: only the listed contact without consent is a removal (never in the audience: a no-op)
      const removals = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(removals.counts.failed).toBe(0);
      expect(s.meta.members()).toBe(2);

      // Ivan leaves the list: one removal, and he is out
      s.crm.contacts.get(ids.ivan!)!.properties.ad_audience = 'false';
      s.crm.setModifiedTime([ids.ivan!], Date.now());
      const deletesBefore = s.meta.server.count({ route: 'DELETE /:v/:node/users' });
      const leave = await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience');
      expect(leave.counts.failed).toBe(0);
      expect(writes(leave)).toBe(1);
      expect(s.meta.server.count({ route: 'DELETE /:v/:node/users' })).toBe(deletesBefore + 1);
      expect(s.meta.members()).toBe(1);
      expect(hashesInAudience().has(sha('ivan.petrov@example.com'))).toBe(false);
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-removals-to-meta-audience'))).toBe(0);
    });
  }, 120_000);

  it('hubspot-list-to-google-customer-match: consented listed contacts join; withdrawing consent removes', async () => {
    const ids = seedAudienceContacts();
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('hubspot-list-to-google-customer-match', {
        connections: { hubspot: 'crm', google: 'ads-google' },
      });
      const adds = await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match');
      expect(adds.counts).toMatchObject({ read: 6, failed: 0 });
      expect(s.google.memberCount()).toBe(2);
      expect(s.google.memberCount(sha('ivan.petrov@example.com'))).toBe(1);
      expect(s.google.memberCount(sha('johnsmith@gmail.com'))).toBe(1); // Google's Gmail rule
      for (const email of [
        'said.no@example.com',
        'never.asked@example.com',
        'stranger@example.com',
        'elsewhere@example.com',
      ])
        expect(s.google.memberCount(sha(email))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match'))).toBe(0);

      // John withdraws consent: the removals flow takes him out once
      await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      s.crm.contacts.get(ids.john!)!.properties.marketing_consent = 'false';
      s.crm.setModifiedTime([ids.john!], Date.now());
      const adds2 = await runToEnd(hub, engine, 'hubspot-list-to-google-customer-match');
      expect(writes(adds2)).toBe(0);
      const withdraw = await runToEnd(hub, engine, 'hubspot-list-removals-to-google-customer-match');
      expect(withdraw.counts.failed).toBe(0);
      expect(writes(withdraw)).toBe(1);
      expect(s.google.memberCount(sha('johnsmith@gmail.com'))).toBe(0);
      expect(s.google.memberCount()).toBe(1);
    });
  }, 120_000);

  it('meta-lead-ads-to-hubspot-contacts: messy leads become one contact each, consent only when ticked', async () => {
    s.meta.newLead({
      full_name: '  иван   петров ',
      email: ' Ivan.Petrov@Example.COM ',
      phone_number: '8 (916) 123-45-67',
      city: 'спб',
      country: 'RU',
      marketing_consent: 'Yes',
    });
    s.meta.newLead({ full_name: 'Ivan Petrov', email: 'ivan.petrov@example.com' }); // the same person again
    s.meta.newLead({ full_name: 'No Box', email: 'NO.BOX@example.com' });
    s.meta.newLead({ full_name: 'Phone Only', phone_number: '+79161234567' });
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('meta-lead-ads-to-hubspot-contacts', {
        connections: { meta: 'ads-meta', hubspot: 'crm' },
      });
      const run = await runToEnd(hub, engine, 'meta-lead-ads-to-hubspot-contacts');
      expect(run.counts.failed).toBe(0);
      const ivan = s.crm.contacts.findByUnique('ivan.petrov@example.com');
      expect(ivan?.properties).toMatchObject({
        firstname: 'Иван',
        lastname: 'Петров',
        phone: '+79161234567',
        city: 'Санкт-Петербург',
      });
      expect([...s.crm.contacts.values()].filter((c) => c.properties.email === 'ivan.petrov@example.com')).toHaveLength(
        1,
      );
      const noBox = s.crm.contacts.findByUnique('no.box@example.com');
      expect(noBox).toBeDefined();
      expect(noBox?.properties.marketing_consent ?? null).toBeNull();
      expect(writes(await runToEnd(hub, engine, 'meta-lead-ads-to-hubspot-contacts'))).toBe(0);
    });
  }, 120_000);

  it('google-ads-leads-to-hubspot-contacts: messy submissions become contacts, consent only when answered yes', async () => {
    const submission = (id: string, fields: [string, string][], custom: [string, string][] = []) => ({
      id,
      campaignId: '1003',
      adGroupId: '2003',
      assetId: '3003',
      gclid: `Cj0-${id}`,
      submissionDateTime: '2026-11-02 09:00:00+00:00',
      fields: fields.map(([fieldType, fieldValue]) => ({ fieldType, fieldValue })),
      custom: custom.map(([questionText, fieldValue]) => ({ questionText, fieldValue })),
    });
    s.google.store.leads.push(
      submission(
        '50001',
        [
          ['EMAIL', '  Anna.Smirnova@Example.com'],
          ['FULL_NAME', '  АННА   СМИРНОВА '],
          ['PHONE_NUMBER', '+7 900 000-00-01'],
          ['CITY', 'Питер'],
        ],
        [['I agree to receive marketing e-mails', 'Yes']],
      ),
      submission(
        '50002',
        [
          ['EMAIL', 'pat.lee@example.com'],
          ['FIRST_NAME', 'pat'],
          ['LAST_NAME', 'LEE'],
        ],
        [['Marketing opt-in', 'No']],
      ),
      submission('50003', [['PHONE_NUMBER', '+79161234567']]),
    );
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('google-ads-leads-to-hubspot-contacts', {
        connections: { google: 'ads-google', hubspot: 'crm' },
      });
      const run = await runToEnd(hub, engine, 'google-ads-leads-to-hubspot-contacts');
      expect(run.counts).toMatchObject({ failed: 0, created: 2 });
      expect(s.crm.contacts.findByUnique('anna.smirnova@example.com')?.properties).toMatchObject({
        firstname: 'Анна',
        lastname: 'Смирнова',
        phone: '+79000000001',
        city: 'Санкт-Петербург',
        marketing_consent: 'true',
      });
      const pat = s.crm.contacts.findByUnique('pat.lee@example.com');
      expect(pat?.properties).toMatchObject({ firstname: 'Pat', lastname: 'Lee' });
      expect(pat?.properties.marketing_consent ?? null).toBeNull();
      expect(writes(await runToEnd(hub, engine, 'google-ads-leads-to-hubspot-contacts'))).toBe(0);
    });
  }, 120_000);

  it('odoo-orders-to-hubspot-deals: each order one deal; the deals made from orders never become orders', async () => {
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('odoo-orders-to-hubspot-deals', {
        connections: { odoo: 'erp', hubspot: 'crm' },
      });
      const orders = await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals');
      expect(orders.counts).toMatchObject({ read: 5, created: 5, failed: 0 });
      const deals = [...s.crm.deals.values()];
      expect(deals).toHaveLength(5);
      for (const deal of deals) {
        expect(deal.properties.external_deal_id).toMatch(/^S\d+/);
        expect(deal.properties.dealstage).toBe('closedwon');
      }
      expect(writes(await runToEnd(hub, engine, 'odoo-orders-to-hubspot-deals'))).toBe(0);
      const ordersBefore = s.odoo.store.table('sale.order').size;
      const back = await runToEnd(hub, engine, 'hubspot-won-deals-to-odoo-orders');
      expect(back.counts.failed).toBe(0);
      expect(writes(back)).toBe(0);
      expect(s.odoo.store.table('sale.order').size).toBe(ordersBefore);
    });
  }, 120_000);

  it('the order mappings through the runner (orders from an NDJSON export): one conversion and one Purchase per consented order, one retraction per refund', async () => {
    // the same order records as an NDJSON export (the Odoo stream's own path: order-templates-sandbox.test.ts), so
    // the mappings run through the runner on messier values than Odoo holds (consent typed "Yes", x_ field names)
    const placed = new Date(Date.now() - 3_600_000).toISOString();
    const order = (id: number, extra: Record<string, unknown>) => ({
      id,
      name: `S${String(id).padStart(5, '0')}`,
      origin: null,
      customer: { id: 500 + id, name: '  иван   петров ' },
      state: 'sale',
      date_order: placed,
      currency: 'eur ',
      amount_untaxed: 100,
      amount_tax: 20,
      amount_total: 120,
      lines: [{ id: id * 10, product: { id: 11, name: 'Chair' }, description: null, quantity: 1, price_unit: 120 }],
      write_date: placed,
      customer_email: ` Buyer${id}@GMAIL.com `,
      customer_phone: '8 (916) 123-45-67',
      customer_country_code: 'RU',
      ...extra,
    });
    const orders = [
      order(1, { marketing_consent: 'true', gclid: 'Cj0-one' }),
      order(2, { marketing_consent: 'Yes', x_gbraid: 'gb-two' }),
      order(3, { marketing_consent: 'false', gclid: 'Cj0-no-consent' }),
      order(4, { gclid: 'Cj0-never-asked' }),
      order(5, { marketing_consent: true }), // no click id: Meta only
      order(6, { marketing_consent: true, gclid: 'Cj0-draft', state: 'draft' }),
    ];
    const file = s.bed.write('files/orders.ndjson', orders.map((o) => JSON.stringify(o)).join('\n') + '\n');
    await s.bed.fileConnection('orders-export', { path: 'orders.ndjson' });
    await s.withEngine(async (hub, engine) => {
      const flows = flowServiceFor(hub);
      const flow = (name: string, mapping: string, connection: string, action: string) => ({
        name,
        source: { connection: 'orders-export', stream: 'records' },
        mapping: { id: mapping },
        target: { connection, action },
        trigger: { type: 'manual' },
        mode: 'upsert',
        identity: { source: ['id'] },
      });
      await flows.create(flow('orders-to-google', 'odoo-order-to-google-conversion', 'ads-google', 'sendConversions'), {
        enabled: true,
      });
      await flows.create(flow('orders-to-meta', 'odoo-order-to-meta-purchase', 'ads-meta', 'sendEvents'), {
        enabled: true,
      });

      const toGoogle = await runToEnd(hub, engine, 'orders-to-google');
      expect(toGoogle.counts).toMatchObject({ read: 6, failed: 0 });
      expect(writes(toGoogle)).toBe(2);
      expect(s.google.conversionCount()).toBe(2);
      expect(s.google.conversionCount('S00001')).toBe(1);
      expect(s.google.conversionCount('S00002')).toBe(1);
      for (const ref of ['S00003', 'S00004', 'S00005', 'S00006']) expect(s.google.conversionCount(ref)).toBe(0);
      const toMeta = await runToEnd(hub, engine, 'orders-to-meta');
      expect(toMeta.counts).toMatchObject({ read: 6, failed: 0 });
      expect(writes(toMeta)).toBe(3);
      for (const ref of ['S00001', 'S00002', 'S00005']) expect(s.meta.conversions(ref)).toBe(1);
      for (const ref of ['S00003', 'S00004', 'S00006']) expect(s.meta.conversions(ref)).toBe(0);

      // a rerun sends nothing new
      expect(writes(await runToEnd(hub, engine, 'orders-to-google'))).toBe(0);
      expect(writes(await runToEnd(hub, engine, 'orders-to-meta'))).toBe(0);

      // order 1 is refunded in full: exactly one retraction at Google (value restated to 0), no second Purchase
      fs.appendFileSync(file, JSON.stringify({ ...orders[0], refunded_amount: 120 }) + '\n');
      const refund = await runToEnd(hub, engine, 'orders-to-google');
      expect(refund.counts.failed).toBe(0);
      expect(writes(refund)).toBe(1);
      expect(s.google.restatements('S00001')).toBe(1);
      expect(
        s.google.store.conversions.get([...s.google.store.conversions.keys()].find((k) => k.endsWith(':S00001'))!),
      ).toMatchObject({
        conversionValue: 0,
      });
      expect(s.google.conversionCount()).toBe(2);
      expect(writes(await runToEnd(hub, engine, 'orders-to-meta'))).toBe(0);
      expect(s.meta.conversions('S00001')).toBe(1);
      fs.appendFileSync(file, JSON.stringify({ ...orders[0], refunded_amount: 120 }) + '\n');
      expect(writes(await runToEnd(hub, engine, 'orders-to-google'))).toBe(0);
      expect(s.google.restatements('S00001')).toBe(1);
    });
  }, 120_000);

  it('odoo orders → Google and Meta: an order whose customer gave no marketing consent never reaches either', async () => {
    // the seeded orders carry click ids; their customers withdraw consent (or are on the mailing blacklist)
    const partners = [...s.odoo.store.table('res.partner').keys()];
    partners.forEach((id, i) =>
      s.odoo.store.write('res.partner', [id], i % 2 === 0 ? { x_marketing_consent: false } : { is_blacklisted: true }),
    );
    for (const id of s.odoo.store.table('sale.order').keys()) s.odoo.store.write('sale.order', [id], {});
    await s.withEngine(async (hub, engine) => {
      const flows = flowServiceFor(hub);
      await flows.enableTemplate('odoo-orders-to-google-ads-conversions', {
        connections: { odoo: 'erp', google: 'ads-google' },
      });
      await flows.enableTemplate('odoo-orders-to-meta-purchases', { connections: { odoo: 'erp', meta: 'ads-meta' } });
      const toGoogle = await runToEnd(hub, engine, 'odoo-orders-to-google-ads-conversions');
      const toMeta = await runToEnd(hub, engine, 'odoo-orders-to-meta-purchases');
      for (const run of [toGoogle, toMeta])
        expect(run.counts).toMatchObject({ read: 5, failed: 0, created: 0, updated: 0 });
      expect(s.google.conversionCount()).toBe(0);
      expect(s.meta.state.events.size).toBe(0);
      expect(s.meta.server.count({ route: 'POST /:v/:node/events' })).toBe(0);
    });
  }, 120_000);
});
