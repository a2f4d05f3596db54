import { createScheduler, latestSlot, nextFireAt } from '../../../core/flows';
import type { FlowRunner } from '../../../core/runner/runner-port';
import type { RunsRepo } from '../../../core/store';
import { fileFlow, openTestBed, type FlowsTestBed } from './helpers';

const at = (iso: string) => Date.parse(iso);

/**
 * Starts runs like the real runner promises to: atomically, one queued run per flow at a time (created at the
 * clock's time).
 */
function fakeRunner(runs: RunsRepo, clock: () => number) {
  const calls: string[] = [];
  let lock = Promise.resolve();
  const startRun = async (flowId: string, trigger: 'schedule' | 'manual') => {
    const open = (await runs.list({ flowId, limit: 1 })).find((r) => r.status === 'queued');
    if (open) return { runId: open.id, created: false };
    const run = await runs.create({ flowId, trigger }, clock());
    return { runId: run.id, created: true };
  };
  const runner: Pick<FlowRunner, 'startRun'> = {
    startRun(flowId, trigger) {
      calls.push(flowId);
      const result = lock.then(() => startRun(flowId, trigger as 'schedule'));
      lock = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },
  };
  return { runner, calls };
}

describe('schedule arithmetic', () => {
  const trigger = { type: 'schedule' as const, cron: '0 9 * * *', timezone: 'Europe/Moscow' };

  it('computes the next fire time in the trigger time zone', () => {
    expect(nextFireAt(trigger, at('2025-01-01T05:00:00Z'))).toBe(at('2025-01-01T06:00:00Z'));
    expect(nextFireAt(trigger, at('2025-01-01T06:00:00Z'))).toBe(at('2025-01-02T06:00:00Z'));
  });

  it('the due slot is the latest fire time at or before now', () => {
    expect(latestSlot(trigger, at('2025-01-01T06:00:00Z'))).toBe(at('2025-01-01T06:00:00Z'));
    expect(latestSlot(trigger, at('2025-01-01T05:59:59Z'))).toBe(at('2024-12-31T06:00:00Z'));
  });
});

describe('scheduler', () => {
  let bed: FlowsTestBed;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    clock = at('2025-01-01T09:58:00Z');
    bed = await openTestBed({ now });
    await bed.fileConnection('in');
    await bed.fileConnection('out');
  });
  afterEach(() => bed.close());

  async function scheduled(name: string, cron: string, enabled = true) {
    return bed.service.create(fileFlow({ name, trigger: { type: 'schedule', cron, timezone: 'UTC' } }), { enabled });
  }

  it('fires due enabled schedule flows once per slot', async () => {
    const every5 = await scheduled('every-5', '*/5 * * * *');
    await scheduled('hourly-off', '0 * * * *', false);
    await bed.service.create(fileFlow({ name: 'manual' }), { enabled: true });
    const { runner, calls } = fakeRunner(bed.repos.runs, now);
    const scheduler = createScheduler({ repos: bed.repos, runner, now });

    expect(await scheduler.tick()).toEqual([]);
    clock = at('2025-01-01T10:00:00Z');
    const fired = await scheduler.tick();
    expect(fired).toEqual([
      expect.objectContaining({ flowId: every5.id, slot: at('2025-01-01T10:00:00Z'), created: true }),
    ]);
    clock = at('2025-01-01T10:02:30Z');
    expect(await scheduler.tick()).toEqual([]);
    clock = at('2025-01-01T10:05:10Z');
    expect((await scheduler.tick()).map((s) => s.slot)).toEqual([at('2025-01-01T10:05:00Z')]);
    expect(calls).toEqual([every5.id, every5.id]);
  });

  it('two schedulers ticking for the same slot start one run', async () => {
    const flow = await scheduled('every-5', '*/5 * * * *');
    const { runner, calls } = fakeRunner(bed.repos.runs, now);
    const a = createScheduler({ repos: bed.repos, runner, now });
    const b = createScheduler({ repos: bed.repos, runner, now });
    clock = at('2025-01-01T10:00:01Z');
    await Promise.all([a.tick(), b.tick()]);
    clock = at('2025-01-01T10:01:00Z');
    await b.tick();
    expect(await bed.repos.runs.list({ flowId: flow.id })).toHaveLength(1);
    expect(calls.length).toBeLessThanOrEqual(2);
  });

  it('a slot already served by a run (any process, any trigger) is not fired again', async () => {
    const flow = await scheduled('every-5', '*/5 * * * *');
    clock = at('2025-01-01T10:00:30Z');
    const done = await bed.repos.runs.create({ flowId: flow.id, trigger: 'schedule' }, at('2025-01-01T10:00:00Z'));
    await bed.repos.runs.finish(done.id, { status: 'succeeded' }, at('2025-01-01T10:00:20Z'));
    const { runner, calls } = fakeRunner(bed.repos.runs, now);
    expect(await createScheduler({ repos: bed.repos, runner, now }).tick()).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('serves a slot missed while no scheduler ran once, but not slots from before the flow was enabled', async () => {
    const flow = await scheduled('hourly', '0 * * * *');
    const { runner, calls } = fakeRunner(bed.repos.runs, now);
    const scheduler = createScheduler({ repos: bed.repos, runner, now });
    clock = at('2025-01-01T09:59:00Z');
    expect(await scheduler.tick()).toEqual([]);
    clock = at('2025-01-01T13:30:00Z');
    expect((await scheduler.tick()).map((s) => s.slot)).toEqual([at('2025-01-01T13:00:00Z')]);
    expect(await scheduler.tick()).toEqual([]);
    expect(calls).toEqual([flow.id]);
  });

  it('a runner that refuses does not stop the other flows', async () => {
    const a = await scheduled('a', '*/5 * * * *');
    const b = await scheduled('b', '*/5 * * * *');
    const started: string[] = [];
    const runner: Pick<FlowRunner, 'startRun'> = {
      async startRun(flowId) {
        if (flowId === a.id) throw new Error('connection paused');
        started.push(flowId);
        return { runId: 'run_x', created: true };
      },
    };
    clock = at('2025-01-01T10:00:00Z');
    const fired = await createScheduler({ repos: bed.repos, runner, now }).tick();
    expect(fired.map((f) => f.flowId)).toEqual([b.id]);
    expect(started).toEqual([b.id]);
  });

  it('start() ticks until stop()', async () => {
    await scheduled('every-5', '*/5 * * * *');
    clock = at('2025-01-01T10:00:00Z');
    let resolveStarted: () => void = () => undefined;
    const startedOnce = new Promise<void>((resolve) => (resolveStarted = resolve));
    const runner: Pick<FlowRunner, 'startRun'> = {
      async startRun() {
        resolveStarted();
        return { runId: 'run_x', created: true };
      },
    };
    const scheduler = createScheduler({ repos: bed.repos, runner, now, intervalMs: 10 });
    scheduler.start();
    await startedOnce;
    await scheduler.stop();
  });
});
