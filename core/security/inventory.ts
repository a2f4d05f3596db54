import type { Kysely } from 'kysely';
import { connectionAad } from '../store/repos/connections';
import type { Database } from '../store/schema';
import { listEnvelopes, mapEnvelopes, type Settings } from './secrets';
import { envelopeKeyId, type Vault } from './vault';

/**
 * Every place the hub keeps vault envelopes. Today: the secret fields of connection settings. A new encrypted
 * column must be added here, so the start-up key check and key rotation cover it.
 */

/** How many stored values each key id encrypted. */
export async function keyUsage(db: Kysely<Database>): Promise<Map<string, number>> {
  const usage = new Map<string, number>();
  const rows = await db.selectFrom('connections').select(['id', 'settings_json']).execute();
  for (const row of rows) {
    for (const { envelope } of listEnvelopes(JSON.parse(row.settings_json) as Settings)) {
      const id = envelopeKeyId(envelope) as string;
      usage.set(id, (usage.get(id) ?? 0) + 1);
    }
  }
  return usage;
}

export interface ReencryptCounts {
  /** Rows rewritten. */
  connections: number;
  /** Envelopes re-encrypted. */
  values: number;
}

/**
 * Re-encrypts every stored value that is not under the vault's active key. Run it inside a transaction;
 * `lockRows` takes row locks (PostgreSQL), so a concurrent settings update is not lost.
 */
export async function reencryptAll(db: Kysely<Database>, vault: Vault, lockRows: boolean): Promise<ReencryptCounts> {
  const counts: ReencryptCounts = { connections: 0, values: 0 };
  let query = db.selectFrom('connections').select(['id', 'settings_json']).orderBy('id');
  if (lockRows) query = query.forUpdate();
  for (const row of await query.execute()) {
    const aad = connectionAad(row.id);
    let changed = 0;
    const stored = mapEnvelopes(JSON.parse(row.settings_json) as Settings, (envelope, path) => {
      if (envelopeKeyId(envelope) === vault.activeKeyId) return envelope;
      changed++;
      return vault.encrypt(vault.decrypt(envelope, aad(path)), aad(path));
    });
    if (changed === 0) continue;
    await db
      .updateTable('connections')
      .set({ settings_json: JSON.stringify(stored) })
      .where('id', '=', row.id)
      .execute();
    counts.connections++;
    counts.values += changed;
  }
  return counts;
}
