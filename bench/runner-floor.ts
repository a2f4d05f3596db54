import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Vault, generateVaultKey } from '../core/security/vault';
import { openStore } from '../core/store';
import { ConnectionsRepo, RecordLinksRepo, type LinkUpsert } from '../core/store/repos';

/**
 * What the runner's record of a created record costs in the store alone: the two link rows the hub keeps per
 * record (the source record's read state and the target record's written state, sharing an entity id), upserted
 * through the hub's own repository in its own SQLite store (migrated as `npm start` migrates it), 500 records per
 * transaction, with the values a run stores — no reading, mapping, hashing or writing. A floor under the runner's
 * "creates" figure that no change to the runner's JavaScript can go below; printed beside the hand-written
 * baseline, whose whole pass keeps one four-column row per record.
 */
export async function linkRowsFloor(n: number): Promise<{ cpu: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-floor-'));
  const store = await openStore({ dataDir });
  try {
    const connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
    const source = (await connections.create({ name: 'source', connectorId: 'bench-source', settings: {} })).id;
    const target = (await connections.create({ name: 'target', connectorId: 'bench-target', settings: {} })).id;
    const hash = 'f'.repeat(32);
    const cpu = process.cpuUsage();
    for (let start = 0; start < n; start += 500) {
      const now = Date.now();
      const rows: LinkUpsert[] = [];
      for (let i = start; i < Math.min(n, start + 500); i++) {
        const entityId = `ent_${now.toString(32)}${String(i).padStart(12, '0')}`;
        const common = { linkGroup: 'flw_bench', entity: 'records', entityId };
        rows.push({
          ...common,
          connectionId: source,
          externalId: `r${i}`,
          lastReadHash: hash,
          lastReadFields: {},
          sourceModifiedAt: now,
          lastMapped: `0123456789abcdef:${hash.slice(0, 20)}`,
        });
        rows.push({
          ...common,
          connectionId: target,
          externalId: `t-${i}@example.com`,
          lastWrittenHash: hash,
          lastWrittenFields: ['id', 'email', 'name', 'updatedAt'],
          deletedAt: null,
          sourceModifiedAt: now,
        });
      }
      // distinct rows, passed as the runner passes them (core/runner/link-batch.ts merges a batch first)
      await store.transaction((tx) => new RecordLinksRepo(tx).saveMany(rows, now, { distinct: true }));
    }
    const used = process.cpuUsage(cpu);
    return { cpu: (used.user + used.system) / n };
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
