import { createOrders } from '../../../connectors/odoo/actions/createOrders';
import { likeLiteral, normalizedEmail } from '../../../connectors/odoo/actions/partner-match';
import { upsertPartners } from '../../../connectors/odoo/actions/upsertPartners';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { startSandbox, type OdooSandbox } from '../../../connectors/odoo/sandbox';
import { matches } from '../../../connectors/odoo/sandbox/domain';
import type { ConnectorLogger } from '../../../core/sdk';
import { connection } from './helpers';

/**
 * Partners found by e-mail as Odoo holds them (issue #16): padded, mixed-case and "Name <address>" e-mails written
 * through the API, `_` and `%` (LIKE wildcards in Odoo domains) in addresses, archived partners, and two partners
 * sharing one address — through upsertPartners and createOrders against the sandbox, on both transports.
 */

function recordingLog(): ConnectorLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    warn(obj, msg) {
      warnings.push(typeof obj === 'string' ? obj : (msg ?? ''));
    },
    error() {},
  };
}

describe('LIKE patterns and e-mails, as Odoo and PostgreSQL read them', () => {
  it('the sandbox reads =ilike and ilike values as LIKE patterns; an escaped literal matches itself only', () => {
    const other = { email: 'kitXone@example.com' };
    const same = { email: 'KIT_one@example.com' };
    expect(matches(other, [['email', '=ilike', 'kit_one@example.com']])).toBe(true); // `_` is any character
    expect(matches(other, [['email', '=ilike', likeLiteral('kit_one@example.com')]])).toBe(false);
    expect(matches(same, [['email', '=ilike', likeLiteral('kit_one@example.com')]])).toBe(true);
    expect(matches({ email: ' a%b@example.com ' }, [['email', 'ilike', likeLiteral('a%b@example.com')]])).toBe(true);
    expect(matches({ email: 'a-zzz-b@example.com' }, [['email', 'ilike', likeLiteral('a%b@example.com')]])).toBe(false);
    expect(likeLiteral('a\\b_%')).toBe('a\\\\b\\_\\%');
  });

  it('normalises an address as Odoo does: trimmed, lowercased, the address of "Name <address>"', () => {
    expect(normalizedEmail('  Kit.One@Example.COM ')).toBe('kit.one@example.com');
    expect(normalizedEmail('Kit One <Kit.One@Example.com>')).toBe('kit.one@example.com');
    expect(normalizedEmail('   ')).toBeUndefined();
    expect(normalizedEmail(false)).toBeUndefined();
  });
});

describe.each([
  ['JSON-2', 19],
  ['JSON-RPC', 17],
])('partners matched by e-mail as Odoo holds them (sandbox over %s, Odoo %i)', (_transport, version) => {
  let sandbox: OdooSandbox;
  beforeEach(async () => {
    clearOdooSessions();
    sandbox = await startSandbox({ version, seedContacts: 0 });
  });
  afterEach(() => sandbox.close());
  const partner = (values: Record<string, unknown>) =>
    sandbox.store.insert('res.partner', { name: 'P', ref: false, parent_id: false, is_company: false, ...values });

  it('upsertPartners updates the partner whose stored e-mail is padded, in other case or "Name <address>"', async () => {
    const padded = partner({ email: '  Kit.One@Example.COM ' });
    const named = partner({ email: 'Kit Two <kit.two@example.com>' });
    const outcomes = await upsertPartners.write({
      connection: connection(sandbox.settings),
      records: [
        { email: 'kit.one@example.com', name: 'Kit One' },
        { email: ' KIT.TWO@example.com', name: 'Kit Two' },
      ],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: String(padded), operation: 'updated' },
      { status: 'ok', targetId: String(named), operation: 'updated' },
    ]);
    expect(sandbox.store.created.get('res.partner') ?? 0).toBe(0);
    expect(sandbox.store.table('res.partner').get(padded)).toMatchObject({ name: 'Kit One' });
  });

  it('an `_` in the address is not a wildcard: kit_one@ never updates kitXone@', async () => {
    const lookalike = partner({ email: 'kitXone@example.com', name: 'Lookalike' });
    const [outcome] = await upsertPartners.write({
      connection: connection(sandbox.settings),
      records: [{ email: 'kit_one@example.com', name: 'Kit One' }],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'created' });
    expect(sandbox.store.table('res.partner').get(lookalike)).toMatchObject({ name: 'Lookalike' });
  });

  it('two partners with one e-mail: the active one is written, not an older archived one, and the log says so', async () => {
    const archived = partner({ email: 'twin@example.com', active: false, name: 'Archived twin' });
    const active = partner({ email: 'Twin@Example.com ', name: 'Active twin' });
    const log = recordingLog();
    const [outcome] = await upsertPartners.write({
      connection: { ...connection(sandbox.settings), log },
      records: [{ email: 'twin@example.com', phone: '+49 30 1' }],
    });
    expect(outcome).toEqual({ status: 'ok', targetId: String(active), operation: 'updated' });
    expect(sandbox.store.table('res.partner').get(archived)).not.toHaveProperty('phone');
    expect(log.warnings).toEqual([
      expect.stringContaining(`2 Odoo partners have the e-mail twin@example.com (ids ${active}, ${archived})`),
    ]);
    expect(log.warnings[0]).toMatch(/Merge the duplicates in Odoo/);
  });

  it('two active partners with one e-mail: the top-level contact before its (older) child address, then the oldest', async () => {
    const company = partner({ email: 'buyer@example.com', is_company: true, name: 'Company' });
    const child = partner({ email: 'buyer@example.com', parent_id: company, name: 'Delivery' });
    sandbox.store.write('res.partner', [company], { parent_id: false });
    // a child address created before the contact it belongs to (an import): still the top-level one is written
    const early = partner({ email: 'early@example.com', parent_id: company, name: 'Early child' });
    const late = partner({ email: 'early@example.com', name: 'Late top-level' });
    const [a, b] = await upsertPartners.write({
      connection: connection(sandbox.settings),
      records: [
        { email: 'buyer@example.com', city: 'Berlin' },
        { email: 'early@example.com', city: 'Paris' },
      ],
    });
    expect(a).toMatchObject({ targetId: String(company) });
    expect(b).toMatchObject({ targetId: String(late) });
    expect(sandbox.store.table('res.partner').get(child)).not.toHaveProperty('city');
    expect(sandbox.store.table('res.partner').get(early)).not.toHaveProperty('city');
  });

  const order = (externalId: string, email: string) => ({
    externalId,
    customer: { email },
    lines: [{ product_id: 1, quantity: 1 }],
  });
  const customerOfOrder = (externalId: string) =>
    [...sandbox.store.table('sale.order').values()].find((o) => o.origin === `hub:${externalId}`)?.partner_id;

  it('createOrders finds its customer by e-mail as upsertPartners does: padded, archived, never a lookalike', async () => {
    const lookalike = partner({ email: 'kitXone@example.com' });
    const kit = partner({ email: ' KIT_ONE@example.com ' });
    const archived = partner({ email: 'gone@example.com', active: false });
    const outcomes = await createOrders.write({
      connection: connection(sandbox.settings),
      records: [order('deal-kit', 'kit_one@example.com'), order('deal-gone', 'Gone@Example.com')],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(customerOfOrder('deal-kit')).toBe(kit);
    expect(customerOfOrder('deal-kit')).not.toBe(lookalike);
    expect(customerOfOrder('deal-gone')).toBe(archived);
  });

  it('createOrders: two customers with one e-mail, the order goes to the one upsertPartners writes', async () => {
    partner({ email: 'pair@example.com', active: false });
    const active = partner({ email: 'pair@example.com' });
    const log = recordingLog();
    const [outcome] = await createOrders.write({
      connection: { ...connection(sandbox.settings), log },
      records: [order('deal-pair', 'pair@example.com')],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'created' });
    expect(customerOfOrder('deal-pair')).toBe(active);
    expect(log.warnings).toEqual([expect.stringContaining('2 Odoo partners have the e-mail pair@example.com')]);
  });
});
