import { createEmbeddedQueue } from '../../../core/queue/embedded';
import { JobsRepo } from '../../../core/store/repos/jobs';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';
import { queueContract, until } from './contract';

const tuning = { pollMs: 20, lockMs: 600, backoff: { baseMs: 20 } };

for (const engine of engines) {
  queueContract({
    name: `embedded on ${engine}`,
    attemptAfterCrash: 2,
    async setup() {
      const t = await openTestStore(engine);
      const repo = new JobsRepo(t.store.db, t.store.engine);
      return {
        open: () => createEmbeddedQueue({ store: t.store, ...tuning }),
        fixture: (queue) => ({
          driver: 'embedded',
          databaseUrl: t.databaseUrl,
          dataDir: t.dataDir,
          queue,
          lockMs: tuning.lockMs,
        }),
        lastError: async (_queue, jobId) => (await repo.get(jobId))?.lastError ?? undefined,
        cleanup: () => t.cleanup(),
      };
    },
  });
}

describe.each(engines)('embedded queue specifics (%s)', (engine) => {
  let t: TestStore;
  let repo: JobsRepo;

  beforeAll(async () => {
    t = await openTestStore(engine);
    repo = new JobsRepo(t.store.db, t.store.engine);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('fails, without running it, a job whose worker died on its last attempt', async () => {
    await repo.enqueue({ id: 'poison', queue: 'p', payloadJson: '{}', maxAttempts: 2, runAt: 0 }, 0);
    // Two claims whose workers "died": the lock is left to expire each time.
    expect(await repo.claim('p', 'dead-1', 1, 10, 100)).toHaveLength(1);
    expect(await repo.claim('p', 'dead-2', 1, 10, 200)).toMatchObject([{ id: 'poison', attempts: 2 }]);
    const q = createEmbeddedQueue({ store: t.store, ...tuning });
    let ran = false;
    await q.process('p', async () => void (ran = true), { concurrency: 1 });
    await until('job failed', async () => (await repo.get('poison'))?.status === 'failed');
    await q.close();
    expect(ran).toBe(false);
    expect((await repo.get('poison'))?.lastError).toMatch(/lock expired/);
  });

  it('claims a job once even when claims race', async () => {
    for (let i = 0; i < 20; i += 1) {
      await repo.enqueue({ id: `race-${i}`, queue: 'race', payloadJson: '{}', maxAttempts: 1, runAt: 0 }, 0);
    }
    const now = Date.now();
    const claims = await Promise.all(Array.from({ length: 8 }, (_, w) => repo.claim('race', `w${w}`, 5, 60_000, now)));
    for (const claimed of claims) expect(claimed.length).toBeLessThanOrEqual(5);
    const ids = claims.flat().map((j) => j.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('does not extend or finish a job whose lock another worker took', async () => {
    await repo.enqueue({ id: 'stolen', queue: 's', payloadJson: '{}', maxAttempts: 5, runAt: 0 }, 0);
    await repo.claim('s', 'old', 1, 10, 100);
    await repo.claim('s', 'new', 1, 60_000, 200);
    expect(await repo.extendLocks(['old'], 1000, 300)).toEqual(new Set());
    expect(await repo.complete('stolen', 'old', 300)).toBe(false);
    expect(await repo.get('stolen')).toMatchObject({ status: 'active', lockedBy: 'new', attempts: 2 });
    expect(await repo.complete('stolen', 'new', 300)).toBe(true);
  });

  it('deletes old completed jobs and keeps failed ones', async () => {
    await repo.enqueue({ id: 'old-done', queue: 'c', payloadJson: '{}', maxAttempts: 1, runAt: 0 }, 0);
    await repo.enqueue({ id: 'old-failed', queue: 'c', payloadJson: '{}', maxAttempts: 1, runAt: 0 }, 0);
    const [a, b] = await repo.claim('c', 'tok', 2, 60_000, 10);
    await repo.complete(a.id, 'tok', 20);
    await repo.fail(b.id, 'tok', 'bad', null, 20);
    expect(await repo.deleteCompletedBefore(1000, 'c')).toBe(1);
    expect(await repo.get('old-done')).toBeUndefined();
    expect(await repo.get('old-failed')).toMatchObject({ status: 'failed', lastError: 'bad' });
  });
});
