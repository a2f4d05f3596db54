import { createEmbeddedQueue } from '../../../core/queue';
import type { QueueJob } from '../../../core/queue/port';
import { resolveDeps } from '../../../core/runner/core';
import { handleRunJob, type RunJobData } from '../../../core/runner/executor';
import type { RunnerLogger } from '../../../core/runner/deps';
import { createMemoryBudget } from '../../../core/runner/budget';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from '../runner/harness';

/**
 * Fencing on the embedded queue and the store (SQLite; PostgreSQL too with HUB_RUNNER_ENGINE=postgres): a run is
 * owned by one flight at a time. A flight that lost its run (another worker activated it) has every later durable
 * step refused — outcomes, links, counts, checkpoint, the end of the run — and stops; a stale worker that activates
 * a job it no longer holds, or a run someone else is working, changes nothing (fault matrix row 4).
 */

interface Line {
  level: string;
  msg: string;
  obj: Record<string, unknown>;
}

function recordingLogger(lines: Line[]): RunnerLogger {
  const at =
    (level: string) =>
    (obj: object | string, msg?: string): void => {
      if (typeof obj === 'string') lines.push({ level, msg: obj, obj: {} });
      else lines.push({ level, msg: msg ?? '', obj: obj as Record<string, unknown> });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fencing: one run in one place at a time', () => {
  let h: Harness;
  const lines: Line[] = [];

  beforeEach(() => {
    lines.length = 0;
  });
  afterEach(async () => {
    await h.close();
  });

  it("a stale owner's late writes change nothing: after a takeover its page is refused and it stops", async () => {
    h = await createHarness({ deps: { logger: recordingLogger(lines), reaperIntervalMs: 0 } });
    const a = await h.connector('a', { pageSize: 3 });
    const b = await h.connector('b');
    seed(a, 9);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 3 } });

    // the owner freezes inside its second page, before the vendor answers
    let frozen!: () => void;
    const paused = new Promise<void>((resolve) => (frozen = resolve));
    let thaw!: () => void;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    b.faults.afterWrite = async (_records, call) => {
      if (call !== 2) return;
      frozen();
      await thawed;
    };
    const { runId } = await h.runner.startRun(flow.id, 'manual');
    await paused;
    const before = await h.repos.runs.get(runId);
    expect(before?.counts).toMatchObject({ read: 3, created: 3 });
    const checkpointBefore = await h.repos.checkpoints.get(flow.id, 'contacts');

    // another worker takes the run over (it found the owner's lease stale): the lease epoch moves on
    const takeover = await h.repos.runs.activate(runId, Date.now(), Number.MAX_SAFE_INTEGER);
    expect('lease' in takeover && takeover.lease).toBe(2);

    thaw();
    await until('the stale owner to stop', () =>
      lines.find((l) => l.msg.startsWith('run taken over by another worker')),
    );
    const after = await h.repos.runs.get(runId);
    // the page it was in is not recorded: no counts, no checkpoint, no links, and the run is not ended by it
    expect(after?.counts).toEqual(before?.counts);
    expect(after?.status).toBe('running');
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual(checkpointBefore);
    const written = b.accepted('write')[1].ids;
    for (const id of written) {
      expect(
        await h.repos.recordLinks.peerIn(flow.id, { connectionId: a.connectionId, externalId: id }, b.connectionId),
      ).toBeUndefined();
    }
    // it sent nothing more after the refusal: its third page was never written
    expect(b.accepted('write')).toHaveLength(2);
    expect(await h.repos.runs.lease(runId)).toBe(2);
  });

  describe('row 4: a job dequeued and never activated, activated late by a stale worker', () => {
    const staleJob = (runId: string, flowId: string, held: boolean): QueueJob<RunJobData> => ({
      id: `run-${runId}`,
      queue: 'runs',
      data: { runId, flowId },
      attempt: 1,
      signal: new AbortController().signal,
      held: async () => held,
    });

    const coreFor = (harness: Harness) =>
      resolveDeps({
        store: harness.store,
        repos: harness.repos,
        connectors: { get: () => undefined as never },
        queue: createEmbeddedQueue({ store: harness.store }),
        budget: createMemoryBudget(),
        logger: recordingLogger(lines),
        leaseMs: 60_000,
      });

    it('does nothing when the job was lost to another worker, which is working the run', async () => {
      h = await createHarness({ deps: { reaperIntervalMs: 0 } });
      await h.connector('a');
      await h.connector('b');
      await h.mapping('contact', CONTACT_MAPPING);
      const flow = await h.flow({ name: 'a-to-b' });
      const run = await h.repos.runs.create({ flowId: flow.id, trigger: 'manual' });
      // the worker that took the job over activated the run (lease 1) and is working it
      const owner = await h.repos.runs.activate(run.id, Date.now(), Date.now());
      expect('lease' in owner && owner.lease).toBe(1);

      const result = await handleRunJob(coreFor(h), staleJob(run.id, flow.id, false), new AbortController().signal);
      expect(result).toBeUndefined();
      expect(await h.repos.runs.lease(run.id)).toBe(1);
      expect(lines.some((l) => l.msg === 'run started')).toBe(false);
      expect(lines.some((l) => l.msg.includes('no longer held by this worker'))).toBe(true);
    });

    it('waits, without taking the run, when it still holds a job whose run is live elsewhere', async () => {
      h = await createHarness({ deps: { reaperIntervalMs: 0 } });
      await h.connector('a');
      await h.connector('b');
      await h.mapping('contact', CONTACT_MAPPING);
      const flow = await h.flow({ name: 'a-to-b' });
      const run = await h.repos.runs.create({ flowId: flow.id, trigger: 'manual' });
      await h.repos.runs.activate(run.id, Date.now(), Date.now());

      const result = await handleRunJob(coreFor(h), staleJob(run.id, flow.id, true), new AbortController().signal);
      expect(result).toMatchObject({ reschedule: { delayMs: expect.any(Number) } });
      expect(await h.repos.runs.lease(run.id)).toBe(1);
      expect(lines.some((l) => l.msg === 'run started')).toBe(false);
    });

    it('does nothing to a run that another worker already finished', async () => {
      h = await createHarness({ deps: { reaperIntervalMs: 0 } });
      const a = await h.connector('a');
      await h.connector('b');
      seed(a, 2);
      await h.mapping('contact', CONTACT_MAPPING);
      const flow = await h.flow({ name: 'a-to-b' });
      const done = await h.run('a-to-b');
      expect(done.status).toBe('succeeded');
      const lease = await h.repos.runs.lease(done.id);

      const result = await handleRunJob(coreFor(h), staleJob(done.id, flow.id, true), new AbortController().signal);
      expect(result).toBeUndefined();
      expect(await h.repos.runs.get(done.id)).toEqual(done);
      expect(await h.repos.runs.lease(done.id)).toBe(lease);
    });
  });
});
