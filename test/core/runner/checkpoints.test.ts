import { AuthError } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

describe('nothing lost, nothing duplicated', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup(pageSize: number, records: number) {
    h = await createHarness();
    const a = await h.connector('a', { pageSize });
    const b = await h.connector('b');
    seed(a, records);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 2 } });
    return { a, b, flow };
  }

  it('the checkpoint only advances past recorded records: a failure mid-page, then a rerun, loses and duplicates nothing', async () => {
    const { a, b, flow } = await setup(3, 6);
    // the second batch of the second page is refused: the run stops in the middle of that page
    b.faults.beforeWrite = (records) => {
      if (records.some((r) => r.email === 'person6@example.com')) throw new AuthError('token expired');
    };
    const failed = await h.run('a-to-b');
    expect(failed.status).toBe('failed');
    expect(failed.counts).toMatchObject({ created: 5 });
    expect(b.records.size).toBe(5);
    // the checkpoint is the first page's: the second page was not completely recorded
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a3')?.updatedAt });

    b.faults.beforeWrite = undefined;
    const rerun = await h.run('a-to-b');
    expect(rerun.status).toBe('succeeded');
    // a3 (cursor tie), a4 and a5 are read again and recognised; only a6 is written
    expect(rerun.counts).toMatchObject({ read: 4, unchanged: 3, created: 1, updated: 0 });
    expect(b.records.size).toBe(6);
    expect([...b.writesById.values()]).toEqual(Array(6).fill(1));
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a6')?.updatedAt });
  });

  it('with batches of a page written at once, the checkpoint waits for every batch: one refused, the other recorded', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 4 });
    const b = await h.connector('b');
    seed(a, 8);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 2, concurrency: 2 } });
    // the second page's first batch is refused; its second batch is written and recorded (the page's last commit)
    b.faults.beforeWrite = (records) => {
      if (records.some((r) => r.email === 'person5@example.com')) throw new AuthError('token expired');
    };
    const failed = await h.run('a-to-b');
    expect(failed.status).toBe('failed');
    expect(failed.counts).toMatchObject({ created: 6 });
    expect(b.records.size).toBe(6);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a4')?.updatedAt });

    b.faults.beforeWrite = undefined;
    const rerun = await h.run('a-to-b');
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts).toMatchObject({ created: 2, updated: 0 });
    expect([...b.writesById.values()]).toEqual(Array(8).fill(1));
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a8')?.updatedAt });
  });

  it('a batch delivered again after a lost response changes nothing at the destination', async () => {
    const { b } = await setup(10, 4);
    let lost = false;
    b.faults.afterWrite = () => {
      if (!lost) {
        lost = true;
        throw new Error('socket hang up after the vendor applied the write');
      }
    };
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    // the first batch was applied twice (upsert by identity): still one record per person
    expect(b.records.size).toBe(4);
    expect(new Set([...b.records.values()].map((r) => r.email)).size).toBe(4);
    expect(await h.repos.deadLetters.count()).toBe(0);
  });

  it('an auth error stops the run, marks the connection and tells the user', async () => {
    const { a, b, flow } = await setup(2, 6);
    b.faults.beforeWrite = () => {
      throw new AuthError('401 invalid API key');
    };
    const run = await h.run('a-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(run.error?.message).toMatch(/connection "b" refused the credentials: 401 invalid API key/);
    expect(run.error?.message).toMatch(/Update the connection's settings/);
    // stopped at once: one write call (no retries), the page written and at most the one read ahead of it, no
    // checkpoint, no dead letters
    expect(b.calls.filter((c) => c.kind === 'write')).toHaveLength(1);
    expect(a.calls.filter((c) => c.kind === 'read').length).toBeLessThanOrEqual(2);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toBeUndefined();
    expect(await h.repos.deadLetters.count()).toBe(0);
    const connection = await h.repos.connections.require('b');
    expect(connection.status).toBe('error');
    expect(connection.lastCheckError).toMatch(/401 invalid API key/);
    expect(connection.lastCheckError).not.toContain('secret-token');

    // a source that refuses its credentials stops the run the same way
    b.faults.beforeWrite = undefined;
    a.faults.authOnRead = true;
    const readRun = await h.run('a-to-b');
    expect(readRun.error).toMatchObject({ kind: 'auth' });
    expect(readRun.error?.message).toMatch(/connection "a" refused/);
    expect((await h.repos.connections.require('a')).status).toBe('error');
  });

  it('shutdown stops at a page boundary with the checkpoint saved; the next worker finishes the run', async () => {
    const { a, b, flow } = await setup(2, 6);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inSecondWrite = new Promise<void>((resolve) => (entered = resolve));
    b.faults.beforeWrite = async (_records, call) => {
      if (call === 2) {
        entered();
        await gate;
      }
    };
    const { runId } = await h.runner.startRun('a-to-b', 'manual');
    await inSecondWrite;
    const closing = h.queue.close({ timeoutMs: 10_000 }); // the worker is told to stop while the page is in flight
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await closing;

    // the page in flight was finished and recorded, the next one not started; the run was handed back
    const paused = await h.repos.runs.get(runId);
    expect(paused?.status).toBe('running');
    expect(b.records.size).toBe(4);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual({ updatedAt: a.get('a4')?.updatedAt });

    await h.restart();
    const done = await h.waitForRun(runId);
    expect(done.status).toBe('succeeded');
    expect(done.counts).toMatchObject({ created: 6 });
    expect([...b.writesById.values()]).toEqual(Array(6).fill(1));
  });
});
