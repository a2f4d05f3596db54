import { defineConnector, isHubError, type CheckResult, type ConnectionContext } from '../../core/sdk';
import { createOrders } from './actions/createOrders';
import { upsertPartners } from './actions/upsertPartners';
import { clientFor } from './client';
import { ODOO_POLICY } from './policy';
import { OdooSettings } from './schemas/settings';
import { invoices } from './streams/invoices';
import { orders } from './streams/orders';
import { partners } from './streams/partners';

const DAY_MS = 86_400_000;

/** When the API keys of the key's user expire: the earliest date, and how many keys carry a date. */
interface KeyExpiry {
  date: string;
  keys: number;
}

/**
 * The earliest expiry among the API keys of the key's user, when Odoo lets that user read them (18+ records one).
 * A user reads their own keys; an administrator reads everyone's (to revoke them), so the keys are those of the
 * key's user: by uid on JSON-RPC; JSON-2 has no uid to ask with, so when the keys read belong to several users
 * nothing is said rather than another user's date. Odoo keeps only a hash of each key, so which of the user's keys
 * is this one cannot be told: with several, the earliest is reported as such.
 */
async function keyExpiry(connection: ConnectionContext<OdooSettings>, uid?: number): Promise<KeyExpiry | undefined> {
  try {
    const rows = await clientFor(connection).call<{ expiration_date?: string | false; user_id?: unknown }[]>(
      'res.users.apikeys',
      'search_read',
      { args: { domain: uid === undefined ? [] : [['user_id', '=', uid]], fields: ['expiration_date', 'user_id'] } },
    );
    const users = new Set(rows.map((r) => (Array.isArray(r.user_id) ? r.user_id[0] : r.user_id)));
    if (users.size > 1) return undefined;
    const dates = rows.map((r) => r.expiration_date).filter((d): d is string => typeof d === 'string' && d !== '');
    const date = dates.sort()[0];
    return date === undefined ? undefined : { date, keys: dates.length };
  } catch (error) {
    if (isHubError(error) && error.kind === 'auth') throw error;
    return undefined; // no access to the model, or a version without expiry: say nothing rather than guess
  }
}

/** Checks the key and the database with one read, and reports the key's expiry when Odoo tells it. */
async function check(connection: ConnectionContext<OdooSettings>): Promise<CheckResult> {
  try {
    const client = clientFor(connection);
    const session = await client.session();
    await client.call('res.partner', 'search_count', { args: { domain: [] } });
    const expiry = await keyExpiry(connection, session.uid);
    const transport = session.transport === 'json2' ? 'JSON-2' : 'JSON-RPC';
    let message = `Connected to Odoo ${session.version} database "${connection.settings.database}" over ${transport}`;
    if (expiry !== undefined) {
      const days = Math.floor((Date.parse(`${expiry.date.replace(' ', 'T')}Z`) - Date.now()) / DAY_MS);
      const which = expiry.keys === 1 ? 'the API key' : `the first of this user's ${expiry.keys} API keys`;
      message += `; ${which} expires on ${expiry.date.slice(0, 10)}${days <= 14 ? ` (in ${Math.max(days, 0)} days: generate a new key in Odoo soon)` : ''}`;
    }
    return { ok: true, message };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The `odoo` connector: partners, sales orders and customer invoices out of Odoo; partners and orders into it.
 * JSON-2 on Odoo 19+, JSON-RPC on older servers. See README.md.
 */
export const connector = defineConnector({
  id: 'odoo',
  displayName: 'Odoo',
  version: '1.0.0',
  category: 'erp',
  description:
    'Reads partners, sales orders (with lines) and customer invoices incrementally; upserts partners by external id, e-mail or ref; creates sales orders once per external id.',
  settingsSchema: OdooSettings,
  policy: ODOO_POLICY,
  check,
  streams: [partners, orders, invoices],
  actions: [upsertPartners, createOrders],
});

export default connector;
