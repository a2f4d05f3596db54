import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlowService } from '../../../core/flows';
import { createRegistry, type Registry } from '../../../core/registry';
import { generateVaultKey, Vault } from '../../../core/security/vault';
import type { ConnectorDefinition } from '../../../core/sdk';
import { createRepos, openStore, type Repos, type Store } from '../../../core/store';

export const ROOT = path.resolve(__dirname, '../../..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'flows');
export const SHIPPED_MAPPINGS = path.join(ROOT, 'mappings');
export const SHIPPED_TEMPLATES = path.join(ROOT, 'flows');

/** A connector that can delete and takes batches of at most 100: for the checks the file connector cannot show. */
export const crmConnector: ConnectorDefinition = {
  id: 'test-crm',
  displayName: 'Test CRM',
  version: '1.0.0',
  category: 'crm',
  settingsSchema: { type: 'object' },
  policy: {
    rateBudget: { requests: 10, intervalMs: 1000 },
    concurrency: 1,
    maxBatchSize: { upsertContacts: 100, deleteContacts: 100 },
    retryStatuses: [],
    retryAfter: [],
  },
  check: async () => ({ ok: true, message: 'ok' }),
  streams: [{ name: 'contacts', recordSchema: {}, identity: ['id'], read: async function* () {} }],
  actions: [
    { name: 'upsertContacts', recordSchema: {}, mode: 'upsert', write: async () => [] },
    { name: 'deleteContacts', recordSchema: {}, mode: 'delete', write: async () => [] },
  ],
};

export interface FlowsTestBed {
  dir: string;
  store: Store;
  repos: Repos;
  registry: Pick<Registry, 'has' | 'get'>;
  service: FlowService;
  /** Adds a file connection reading `path` and appending to `output` inside the test folder. */
  fileConnection(name: string, settings?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A fresh SQLite store in a temporary folder, the real registry plus `test-crm`, and a FlowService over them. */
export async function openTestBed(
  options: { mappingsDir?: string; flowsDir?: string; now?: () => number } = {},
): Promise<FlowsTestBed> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-flows-'));
  const store = await openStore({ dataDir: dir });
  const repos = createRepos(store.db, new Vault([generateVaultKey()]));
  const real = await createRegistry({ plugins: [] });
  const registry: Pick<Registry, 'has' | 'get'> = {
    has: (id) => id === crmConnector.id || real.has(id),
    get: (id) => (id === crmConnector.id ? crmConnector : real.get(id)),
  };
  const service = new FlowService({
    repos,
    registry,
    mappingsDir: options.mappingsDir ?? path.join(FIXTURES, 'mappings'),
    flowsDir: options.flowsDir ?? path.join(FIXTURES, 'templates'),
    now: options.now,
  });
  return {
    dir,
    store,
    repos,
    registry,
    service,
    async fileConnection(name, settings = {}) {
      const created = await repos.connections.create({
        name,
        connectorId: 'file',
        settings: { directory: dir, path: `${name}.csv`, output: `${name}.ndjson`, ...settings },
      });
      return created.id;
    },
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A valid one-way flow between two file connections with the passthrough fixture mapping. */
export function fileFlow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'copy-contacts',
    source: { connection: 'in', stream: 'records' },
    mapping: { id: 'passthrough' },
    target: { connection: 'out', action: 'writeRecords' },
    trigger: { type: 'manual' },
    mode: 'upsert',
    ...overrides,
  };
}
