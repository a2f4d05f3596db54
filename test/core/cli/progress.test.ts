import { followRun, formatDuration, formatProgress, formatSummary } from '../../../core/cli/progress';
import type { Run, RunStatus } from '../../../core/store';

function run(status: RunStatus, read: number, created: number, extra: Partial<Run> = {}): Run {
  return {
    id: 'run_1',
    flowId: 'flw_1',
    status,
    trigger: 'manual',
    counts: { read, unchanged: 0, created, updated: 0, deleted: 0, failed: 0, deadLettered: 0 },
    createdAt: 0,
    ...extra,
  };
}

/** Feeds a sequence of run records to followRun, advancing a fake clock one second per poll. */
function sequence(runs: Run[]) {
  let i = 0;
  let clock = 1000;
  return {
    read: async () => runs[Math.min(i++, runs.length - 1)],
    now: () => clock,
    sleep: async () => {
      clock += 1000;
    },
  };
}

describe('run progress', () => {
  it('formats durations', () => {
    expect(formatDuration(4200)).toBe('4.2s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('shows read/written/failed, the rate and the elapsed time', () => {
    expect(formatProgress(run('running', 500, 480, { startedAt: 1000 }), 3000)).toBe(
      'running: read 500, written 480, unchanged 0, failed 0 · 250 rec/s · 2.0s',
    );
  });

  it('summarises, pointing at the failures', () => {
    const failed = run('failed', 10, 5, {
      startedAt: 0,
      finishedAt: 2000,
      error: { kind: 'auth', message: 'token expired' },
      counts: { read: 10, unchanged: 0, created: 5, updated: 0, deleted: 0, failed: 5, deadLettered: 5 },
    });
    expect(formatSummary(failed).split('\n')).toEqual([
      'run run_1 failed in 2.0s: read 10, unchanged 0, created 5, updated 0, deleted 0, failed 5 (dead-lettered 5)',
      'error: token expired',
      'see the failures with: hub runs show run_1',
    ]);
  });

  it('in a terminal, redraws one line and ends it with a newline', async () => {
    const feed = sequence([
      run('queued', 0, 0),
      run('running', 100, 90, { startedAt: 1000 }),
      run('succeeded', 200, 190, { startedAt: 1000, finishedAt: 3000 }),
    ]);
    const writes: string[] = [];
    const final = await followRun(feed.read, { tty: true, write: (t) => writes.push(t), ...feed });
    expect(final.status).toBe('succeeded');
    expect(writes.slice(0, -1).every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes[writes.length - 1]).toBe('\n');
    expect(writes).toHaveLength(4);
  });

  it('not in a terminal, prints a line per status change', async () => {
    const feed = sequence([
      run('queued', 0, 0),
      run('queued', 0, 0),
      run('running', 100, 90, { startedAt: 1000 }),
      run('running', 150, 140, { startedAt: 1000 }),
      run('succeeded', 200, 190, { startedAt: 1000, finishedAt: 3000 }),
    ]);
    const writes: string[] = [];
    await followRun(feed.read, { tty: false, write: (t) => writes.push(t), ...feed });
    expect(writes.map((w) => w.split(':')[0])).toEqual(['queued', 'running', 'succeeded']);
  });

  it('quiet prints nothing; a run nobody takes gets a hint once', async () => {
    const quiet: string[] = [];
    await followRun(sequence([run('succeeded', 1, 1)]).read, { tty: false, quiet: true, write: (t) => quiet.push(t) });
    expect(quiet).toEqual([]);

    const feed = sequence([run('queued', 0, 0), run('queued', 0, 0), run('queued', 0, 0), run('succeeded', 0, 0)]);
    const writes: string[] = [];
    await followRun(feed.read, {
      tty: false,
      write: (t) => writes.push(t),
      waitingHint: { afterMs: 1500, text: 'start a worker' },
      ...feed,
    });
    expect(writes.filter((w) => w.includes('start a worker'))).toHaveLength(1);
  });
});
