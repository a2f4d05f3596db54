import pino from 'pino';
import type { FlowDefinition } from '../../../core/flows/schema';
import { createEmbeddedQueue } from '../../../core/queue';
import type { JobQueue } from '../../../core/queue/port';
import { createMemoryBudget, type MemoryBudget } from '../../../core/runner/budget';
import { createFlowRunner, createMappingResolver, defaultSleep, type FlowRunnerDeps } from '../../../core/runner';
import type { FlowRunner } from '../../../core/runner/runner-port';
import type { ConnectorDefinition } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import type { Store, StoreEngine } from '../../../core/store';
import { createRepos, type Repos, type Run, type RunTrigger, type StoredFlow } from '../../../core/store/repos';
import {
  createMemoryConnector,
  type MemoryConnector,
  type MemoryConnectorOptions,
} from '../../fixtures/connectors/memory';
import { openTestStore } from '../../helpers/postgres';

/**
 * A hub for runner tests: a real store (SQLite in a temp folder; PostgreSQL with HUB_RUNNER_ENGINE=postgres and
 * HUB_TEST_DATABASE_URL), the real embedded queue and memory budget, the runner, and in-memory connectors (one
 * per connection). Backoff waits are scaled down (1/50) but real.
 */
const ENGINE: StoreEngine = process.env.HUB_RUNNER_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

export const silentLogger = pino({ level: 'silent' });

/** A test clock for vendor modification times: every reading is one tick later than the one before. */
export function createClock(start = 1_700_000_000_000): { now: () => number; peek: () => number } {
  let t = start;
  return { now: () => (t += 1000), peek: () => t };
}

export interface Harness {
  store: Store;
  repos: Repos;
  queue: JobQueue;
  budget: MemoryBudget;
  runner: FlowRunner;
  clock: { now: () => number; peek: () => number };
  /** Every backoff wait the runner asked for (ms, before scaling). */
  sleeps: number[];
  connector(
    name: string,
    options?: Partial<MemoryConnectorOptions>,
  ): Promise<MemoryConnector & { connectionId: string }>;
  /** A connection named `name` to a real connector (e.g. a vendor's, pointed at its sandbox). */
  register(name: string, definition: ConnectorDefinition, settings: Record<string, unknown>): Promise<string>;
  mapping(name: string, expression: string, version?: string): Promise<void>;
  flow(definition: Partial<FlowDefinition> & Pick<FlowDefinition, 'name'>): Promise<StoredFlow>;
  /** Starts a run and waits until it is finished. */
  run(flow: string, trigger?: RunTrigger): Promise<Run>;
  waitForRun(runId: string, timeoutMs?: number): Promise<Run>;
  /** A new queue and runner on the same store (the old ones closed): a restarted worker. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const FINISHED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

export async function createHarness(
  options: { workerConcurrency?: number; deps?: Partial<FlowRunnerDeps>; engine?: StoreEngine } = {},
): Promise<Harness> {
  const testStore = await openTestStore(options.engine ?? ENGINE);
  const { store } = testStore;
  const vault = new Vault([generateVaultKey()]);
  const repos = createRepos(store.db, vault);
  const clock = createClock();
  const connectors = new Map<string, Pick<MemoryConnector, 'definition'>>();
  const sleeps: number[] = [];
  const budget = createMemoryBudget({ windowMarginMs: 25 });

  const makeRunner = (queue: JobQueue) =>
    createFlowRunner({
      store,
      repos,
      connectors: {
        get: (id) => {
          const found = connectors.get(id);
          if (!found) throw new Error(`unknown connector ${id}`);
          return found.definition;
        },
      },
      mappings: createMappingResolver({ repo: repos.mappings }),
      queue,
      budget,
      logger: silentLogger,
      sleep: (ms, signal) => {
        sleeps.push(ms);
        return defaultSleep(ms / 50, signal);
      },
      ...options.deps,
    });

  const state = {
    queue: createEmbeddedQueue({ store, pollMs: 20 }) as JobQueue,
    runner: undefined as unknown as FlowRunner,
  };
  state.runner = makeRunner(state.queue);
  await state.runner.startWorker({ concurrency: options.workerConcurrency ?? 2 });

  const harness: Harness = {
    store,
    repos,
    get queue() {
      return state.queue;
    },
    budget,
    get runner() {
      return state.runner;
    },
    clock,
    sleeps,
    async connector(name, connectorOptions = {}) {
      const id = `mem-${name}`;
      const connector = createMemoryConnector({ id, idPrefix: name, clock: clock.now, ...connectorOptions });
      connectors.set(id, connector);
      const connection = await repos.connections.create({
        name,
        connectorId: id,
        settings: { token: `secret-token-${name}` },
        settingsSchema: connector.definition.settingsSchema,
      });
      return Object.assign(connector, { connectionId: connection.id });
    },
    async register(name, definition, settings) {
      const id = definition.id;
      connectors.set(id, { definition });
      const connection = await repos.connections.create({
        name,
        connectorId: id,
        settings,
        settingsSchema: definition.settingsSchema as Record<string, unknown>,
      });
      return connection.id;
    },
    async mapping(name, expression, version = '1') {
      await repos.mappings.save({ name, version, expression });
    },
    async flow(definition) {
      const full = {
        source: { connection: 'a', stream: 'contacts' },
        mapping: { id: 'contact' },
        target: { connection: 'b', action: 'upsertContacts' },
        trigger: { type: 'manual' },
        mode: 'upsert',
        ...definition,
      } as FlowDefinition;
      const source = await repos.connections.require(full.source.connection);
      const target = await repos.connections.require(full.target.connection);
      return repos.flows.create({
        name: full.name,
        definition: full as unknown as Record<string, unknown>,
        enabled: true,
        ...(full.sync ? { linkGroup: full.sync.linkGroup } : {}),
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
      });
    },
    async waitForRun(runId, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await repos.runs.get(runId);
        if (run && FINISHED.has(run.status)) return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} did not finish (status ${run?.status})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async run(flow, trigger = 'manual') {
      const { runId } = await state.runner.startRun(flow, trigger);
      return harness.waitForRun(runId);
    },
    async restart() {
      await state.runner.close();
      await state.queue.close({ timeoutMs: 5000 });
      state.queue = createEmbeddedQueue({ store, pollMs: 20 });
      state.runner = makeRunner(state.queue);
      await state.runner.startWorker({ concurrency: options.workerConcurrency ?? 2 });
    },
    async close() {
      await state.runner.close();
      await state.queue.close({ timeoutMs: 5000 });
      await budget.close();
      await testStore.cleanup();
    },
  };
  return harness;
}

/** Seeds a vendor with contacts a1…aN (ann1@example.com …). */
export function seed(connector: MemoryConnector, n: number, prefix = 'a'): void {
  for (let i = 1; i <= n; i++) {
    connector.put({ id: `${prefix}${i}`, email: `person${i}@example.com`, name: `Person ${i}` });
  }
}

/** The largest number of calls inside any window of `intervalMs` (sliding), from their times. */
export function maxInWindow(times: number[], intervalMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0; i < sorted.length; i++) {
    let n = 0;
    for (let j = i; j < sorted.length && sorted[j] < sorted[i] + intervalMs; j++) n++;
    max = Math.max(max, n);
  }
  return max;
}

export const CONTACT_MAPPING = '{ "email": email, "name": name }';
