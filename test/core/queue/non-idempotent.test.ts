import pino from 'pino';
import { createEmbeddedQueue } from '../../../core/queue';
import type { JobQueue } from '../../../core/queue/port';
import { createFlowRunner } from '../../../core/runner';
import { createMemoryBudget } from '../../../core/runner/budget';
import { resolveReviewItem } from '../../../core/runner/review';
import type { FlowRunner } from '../../../core/runner/runner-port';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { openStore, type Store } from '../../../core/store';
import { createRepos, type Repos } from '../../../core/store/repos';
import { createMemoryConnector, type MemoryConnector } from '../../fixtures/connectors/memory';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres';
import { CONTACT_MAPPING, createClock, seed } from '../runner/harness';

/**
 * Fault matrix row 5: an action declared non-idempotent (`idempotent: false`: a second send is a second order) is
 * never sent again automatically after a crash. Worker A dies (its store connection goes away, as with a SIGKILL)
 * after the vendor applied a batch and before the outcome was recorded; worker B takes the run over, finds the
 * batch marked "write in flight", and moves its records to manual review instead of sending them again. A person
 * resolves them as done (not written again) or retry (written now through the ledger).
 */

const ENGINE = process.env.HUB_RUNNER_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const LOCK_MS = 600;
const logger = pino({ level: 'silent' });

interface Worker {
  store: Store;
  repos: Repos;
  queue: JobQueue;
  runner: FlowRunner;
}

describe('row 5: a non-idempotent write interrupted by a crash goes to manual review', () => {
  let database: TestDatabase;
  const workers: Worker[] = [];
  let release: () => void = () => undefined;

  afterEach(async () => {
    release();
    for (const w of workers.splice(0)) {
      await w.runner.close();
      await w.queue.close({ timeoutMs: 2000 });
      await w.store.close().catch(() => undefined);
    }
    await database.drop();
  });

  it('is never re-sent after a takeover; "done" keeps it unsent, "retry" sends it once more', async () => {
    database = await createTestDatabase(ENGINE);
    const vault = new Vault([generateVaultKey()]);
    const clock = createClock();
    const a = createMemoryConnector({ id: 'mem-a', idPrefix: 'a', clock: clock.now, pageSize: 3 });
    const b = createMemoryConnector({ id: 'mem-b', idPrefix: 'b', clock: clock.now });
    const action = b.definition.actions.find((x) => x.name === 'upsertContacts');
    if (action === undefined) throw new Error('no upsertContacts');
    action.idempotent = false;
    const connectors = new Map<string, MemoryConnector>([
      ['mem-a', a],
      ['mem-b', b],
    ]);

    const open = async (): Promise<Worker> => {
      const store = await openStore({ databaseUrl: database.databaseUrl, dataDir: database.dataDir, poolSize: 4 });
      const repos = createRepos(store.db, vault);
      const queue = createEmbeddedQueue({ store, pollMs: 20, lockMs: LOCK_MS });
      const runner = createFlowRunner({
        store,
        repos,
        connectors: { get: (id) => (connectors.get(id) as MemoryConnector).definition },
        queue,
        budget: createMemoryBudget(),
        logger,
        leaseMs: LOCK_MS,
        reaperIntervalMs: 0,
      });
      const worker = { store, repos, queue, runner };
      workers.push(worker);
      return worker;
    };

    const first = await open();
    const { repos } = first;
    const source = await repos.connections.create({
      name: 'a',
      connectorId: 'mem-a',
      settings: { token: 't-a' },
      settingsSchema: a.definition.settingsSchema,
    });
    const target = await repos.connections.create({
      name: 'b',
      connectorId: 'mem-b',
      settings: { token: 't-b' },
      settingsSchema: b.definition.settingsSchema,
    });
    await repos.mappings.save({ name: 'contact', version: '1', expression: CONTACT_MAPPING });
    const flow = await repos.flows.create({
      name: 'orders',
      definition: {
        name: 'orders',
        source: { connection: 'a', stream: 'contacts' },
        mapping: { id: 'contact' },
        target: { connection: 'b', action: 'upsertContacts' },
        trigger: { type: 'manual' },
        mode: 'upsert',
        options: { batchSize: 3, concurrency: 1 },
      },
      enabled: true,
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
    });
    seed(a, 9);

    // worker A dies right after the vendor applied its second batch, before recording it
    let crashed!: () => void;
    const crash = new Promise<void>((resolve) => (crashed = resolve));
    const hang = new Promise<void>((resolve) => (release = resolve));
    b.faults.afterWrite = async (_records, call) => {
      if (call !== 2) return;
      await first.store.close();
      crashed();
      await hang;
      throw new Error('the worker is gone');
    };
    await first.runner.startWorker({ concurrency: 1 });
    const { runId } = await first.runner.startRun(flow.id, 'manual');
    await crash;
    const inFlight = b.accepted('write')[1].sent.map((r) => String(r.email));
    expect(inFlight).toHaveLength(3);

    // worker B takes the run over once A's lock and lease have expired
    const second = await open();
    await second.runner.startWorker({ concurrency: 1 });
    const deadline = Date.now() + 20_000;
    let run = await second.repos.runs.get(runId);
    while (run?.status === 'running' || run?.status === 'queued') {
      if (Date.now() > deadline) throw new Error(`run did not finish: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = await second.repos.runs.get(runId);
    }
    expect(run?.status).toBe('succeeded');

    // the interrupted batch was sent once and never again; its records wait for a person
    const sends = (email: string) =>
      b.accepted('write').filter((c) => c.sent.some((r) => String(r.email) === email)).length;
    for (const email of inFlight) expect(sends(email)).toBe(1);
    const open1 = await second.repos.reviewItems.list({ flowId: flow.id, status: 'open' });
    expect(open1.map((i) => (i.payload as { email: string }).email).sort()).toEqual([...inFlight].sort());
    expect(open1.every((i) => i.action === 'upsertContacts' && i.runId === runId)).toBe(true);
    // the other records were all written once
    expect(b.records.size).toBe(9);

    // a rerun over the same records (from the start) leaves them alone while they wait
    await second.repos.checkpoints.clear(flow.id);
    const rerun = await second.runner.startRun(flow.id, 'manual');
    for (;;) {
      const r = await second.repos.runs.get(rerun.runId);
      if (r !== undefined && r.status !== 'running' && r.status !== 'queued') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const email of inFlight) expect(sends(email)).toBe(1);

    // "done": it stays unsent; "retry": it is sent once more, now
    const [done, retry] = open1;
    await resolveReviewItem({ repos: second.repos, runner: second.runner }, done.id, 'done');
    const retried = await resolveReviewItem({ repos: second.repos, runner: second.runner }, retry.id, 'retry');
    expect(retried.replay?.written).toBe(1);
    const doneEmail = (done.payload as { email: string }).email;
    const retryEmail = (retry.payload as { email: string }).email;
    expect(sends(retryEmail)).toBe(2);
    expect(sends(doneEmail)).toBe(1);
    await expect(resolveReviewItem({ repos: second.repos, runner: second.runner }, done.id, 'retry')).rejects.toThrow(
      /already resolved/,
    );
    expect(await second.repos.reviewItems.list({ flowId: flow.id, status: 'open' })).toHaveLength(1);
  }, 60_000);
});
