import { spawn } from 'node:child_process';
import path from 'node:path';
import type { JobData, JobQueue, QueueJob } from '../../../core/queue/port';
import type { WorkerFixtureConfig } from '../../fixtures/queue/worker';

/**
 * The queue port's contract, run against every driver (embedded on SQLite and PostgreSQL, BullMQ on Redis).
 * Intervals are short (poll 20 ms, lock 600 ms) so the suite is quick; assertions are about counts, order and
 * attempts, never about how long something took.
 */

export interface QueueTargetEnv {
  /** A new queue instance (a "worker process") on the target's shared backend. */
  open(): JobQueue;
  /** How a child process reaches the same backend. */
  fixture(queue: string): WorkerFixtureConfig;
  /** The failure reason recorded for a failed job. */
  lastError(queue: string, jobId: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

export interface QueueTarget {
  name: string;
  setup(): Promise<QueueTargetEnv>;
  /** The attempt number a job has when taken again after its worker was killed (embedded counts the crash). */
  attemptAfterCrash: number;
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function waitForAbort(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

const FIXTURE = path.resolve(__dirname, '../../fixtures/queue/worker.ts');
const ROOT = path.resolve(__dirname, '../../..');

/** Runs the worker fixture in a child process and resolves once it printed a line matching `pattern`. */
function spawnWorker(config: WorkerFixtureConfig, pattern: RegExp) {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', FIXTURE], {
    cwd: ROOT,
    env: { ...process.env, HUB_QUEUE_FIXTURE: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const matched = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => pattern.test(l));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before "${pattern}": ${stderr}`)));
  });
  return { child, matched, exited };
}

export function queueContract(target: QueueTarget): void {
  describe(`queue contract (${target.name})`, () => {
    let env: QueueTargetEnv;
    const opened: JobQueue[] = [];
    const open = () => {
      const q = env.open();
      opened.push(q);
      return q;
    };
    let seq = 0;
    const queueName = () => `q${++seq}`;

    beforeAll(async () => {
      env = await target.setup();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((q) => q.close({ timeoutMs: 100 })));
    });
    afterAll(async () => {
      await env.cleanup();
    });

    it('enqueues idempotently by job id, and takes the id again once the job is done', async () => {
      const q = open();
      const name = queueName();
      expect(await q.enqueue(name, { n: 1 }, { jobId: 'run:flow_1' })).toEqual({ id: 'run:flow_1', created: true });
      expect(await q.enqueue(name, { n: 2 }, { jobId: 'run:flow_1' })).toEqual({ id: 'run:flow_1', created: false });
      expect(await q.enqueue(name, { n: 3 }, { jobId: '42' })).toEqual({ id: '42', created: true });
      expect(await q.depth(name)).toEqual({ waiting: 2, active: 0, delayed: 0, failed: 0 });
      const seen: Array<[string, JobData]> = [];
      await q.process(name, async (job) => void seen.push([job.id, job.data]), { concurrency: 1 });
      await until('both jobs ran', () => seen.length === 2);
      await until('queue empty', async () => (await q.depth(name)).active === 0);
      expect(seen).toEqual(
        expect.arrayContaining([
          ['run:flow_1', { n: 1 }],
          ['42', { n: 3 }],
        ]),
      );
      expect(await q.enqueue(name, { n: 4 }, { jobId: 'run:flow_1' })).toEqual({ id: 'run:flow_1', created: true });
      await until('re-enqueued job ran', () => seen.length === 3);
      expect(seen[2]).toEqual(['run:flow_1', { n: 4 }]);
    });

    it('runs a delayed job no earlier than its delay', async () => {
      const q = open();
      const name = queueName();
      const enqueuedAt = Date.now();
      await q.enqueue(name, { ref: 'r1' }, { jobId: 'delayed-1', delayMs: 400 });
      expect(await q.depth(name)).toMatchObject({ waiting: 0, delayed: 1 });
      let startedAt = 0;
      await q.process(name, async () => void (startedAt = Date.now()), { concurrency: 1 });
      await until('delayed job ran', () => startedAt > 0);
      // A lower bound is the meaning of a delay (clock granularity aside), not a performance assertion.
      expect(startedAt - enqueuedAt).toBeGreaterThanOrEqual(395);
    });

    it('retries a throwing job with backoff until its attempts are used, then fails it with the reason', async () => {
      const q = open();
      const name = queueName();
      const attempts: number[] = [];
      await q.enqueue(name, { ref: 'x' }, { jobId: 'boom-1', attempts: 3 });
      await q.process(
        name,
        async (job) => {
          attempts.push(job.attempt);
          throw new Error(`vendor said no (attempt ${job.attempt})`);
        },
        { concurrency: 1 },
      );
      await until('job failed', async () => (await q.depth(name)).failed === 1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await env.lastError(name, 'boom-1')).toContain('vendor said no (attempt 3)');
      expect(await q.depth(name)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
      // A failed job's id may be enqueued again: a fresh job replaces it.
      expect(await q.enqueue(name, { ref: 'x' }, { jobId: 'boom-1', attempts: 1 })).toMatchObject({ created: true });
      await until('the new job ran', () => attempts.length === 4);
      await until('and failed', async () => (await q.depth(name)).failed === 1);
      expect(attempts).toEqual([1, 2, 3, 1]);
    });

    it('reschedules without using attempts', async () => {
      const q = open();
      const name = queueName();
      const attempts: number[] = [];
      await q.enqueue(name, { ref: 'page' }, { jobId: 'pages-1', attempts: 1 });
      await q.process(
        name,
        async (job) => {
          attempts.push(job.attempt);
          return attempts.length <= 3 ? { reschedule: { delayMs: 10 } } : undefined;
        },
        { concurrency: 1 },
      );
      await until('job done after 3 reschedules', () => attempts.length === 4);
      await until('nothing left', async () => {
        const d = await q.depth(name);
        return d.active + d.waiting + d.delayed === 0;
      });
      expect(attempts).toEqual([1, 1, 1, 1]);
      expect((await q.depth(name)).failed).toBe(0);
    });

    it('never runs more jobs at once than the concurrency, and each job once across two workers', async () => {
      const [q1, q2] = [open(), open()];
      const name = queueName();
      const runs: string[] = [];
      const worker = (concurrency: number) => {
        const state = { concurrency, inFlight: 0, max: 0 };
        const handler = async (job: QueueJob) => {
          state.inFlight += 1;
          state.max = Math.max(state.max, state.inFlight);
          await sleep(30);
          runs.push(job.id);
          state.inFlight -= 1;
        };
        return { state, handler };
      };
      const [w1, w2] = [worker(2), worker(1)];
      for (let i = 0; i < 12; i += 1) await q1.enqueue(name, { i }, { jobId: `c-${i}` });
      await q1.process(name, w1.handler, { concurrency: 2 });
      await q2.process(name, w2.handler, { concurrency: 1 });
      await until('all jobs ran', () => runs.length >= 12);
      await sleep(100);
      expect(w1.state.max).toBeLessThanOrEqual(2);
      expect(w2.state.max).toBeLessThanOrEqual(1);
      expect([...runs].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `c-${i}`).sort());
    });

    it('keeps a long job locked while its worker is alive (no second run)', async () => {
      const [q1, q2] = [open(), open()];
      const name = queueName();
      let runs = 0;
      let done = false;
      await q1.enqueue(name, {}, { jobId: 'long-1' });
      const handler = async () => {
        runs += 1;
        await sleep(1800); // three lock durations: only heartbeats keep it
        done = true;
      };
      await q1.process(name, handler, { concurrency: 1 });
      await until('job started', () => runs === 1);
      await q2.process(name, handler, { concurrency: 1 });
      await until('job done', () => done);
      expect(runs).toBe(1);
    });

    it('on close aborts jobs in flight, hands back those still running, and another worker takes them', async () => {
      const q1 = open();
      const name = queueName();
      const started = new Set<string>();
      let releaseStubborn!: () => void;
      const stubborn = new Promise<void>((resolve) => (releaseStubborn = resolve));
      await q1.enqueue(name, {}, { jobId: 'polite' });
      await q1.enqueue(name, {}, { jobId: 'stubborn' });
      await q1.process(
        name,
        async (job) => {
          started.add(job.id);
          if (job.id === 'polite') {
            await waitForAbort(job.signal); // finish the step, then ask to continue later
            return { reschedule: { delayMs: 0 } };
          }
          await stubborn; // ignores the signal
        },
        { concurrency: 2 },
      );
      await until('both started', () => started.size === 2);
      await q1.close({ timeoutMs: 300 });

      const q2 = open();
      const second: Array<[string, number]> = [];
      await q2.process(name, async (job) => void second.push([job.id, job.attempt]), { concurrency: 2 });
      await until('both taken again', () => second.length === 2);
      releaseStubborn();
      expect(second.sort()).toEqual([
        ['polite', 1],
        ['stubborn', 1],
      ]);
    });

    it('survives a worker killed with SIGKILL mid-job: another worker takes the job', async () => {
      const q = open();
      const name = queueName();
      await q.enqueue(name, { ref: 'crash' }, { jobId: 'crash-1', attempts: 3 });
      const worker = spawnWorker(env.fixture(name), /^started crash-1 1$/);
      try {
        await worker.matched;
      } finally {
        worker.child.kill('SIGKILL');
      }
      await worker.exited;
      const taken: number[] = [];
      await q.process(name, async (job) => void taken.push(job.attempt), { concurrency: 1 });
      await until('job taken again', () => taken.length === 1);
      expect(taken).toEqual([target.attemptAfterCrash]);
      await until('job completed', async () => (await q.depth(name)).active === 0);
      expect(await q.depth(name)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
    });

    it('answers ping and refuses work after close', async () => {
      const q = open();
      await expect(q.ping()).resolves.toBeUndefined();
      await q.close();
      await expect(q.enqueue(queueName(), {}, { jobId: 'late' })).rejects.toThrow(/closed/);
    });
  });
}
