import type { Run } from '../../../core/store/repos';
import type { HoldProxy, ProxiedRequest, RequestMatch } from './hold-proxy';
import type { VendorBed } from './vendor-bed';

/**
 * The crash every test of the ERP and ad connectors stages (issue #16: "a crash between send and record"): one
 * `hub worker` works the run; the proxy lets the sandbox apply the n-th write and holds its answer; the worker is
 * SIGKILLed while it waits for it (the write applied, its outcome not recorded); a new worker takes the run over once
 * the dead one's queue lock expires, and finishes it.
 */

export interface Crash {
  runId: string;
  run: Run;
  /** The writes the killed workers had sent, one per kill. */
  held: ProxiedRequest[];
}

/** Where to kill: once the `nth` write matching `write` (counted from the start of that worker) was applied. */
export interface KillPoint {
  write: RequestMatch;
  nth: number;
}

async function within<T>(promise: Promise<T>, ms: number, what: () => Promise<string>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void what().then((text) => reject(new Error(text)));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts the run, kills its worker at each kill point in turn (restarting it after each), and waits for the end. */
export async function runWithCrash(bed: VendorBed, proxy: HoldProxy, ...kills: KillPoint[]): Promise<Crash> {
  const held: ProxiedRequest[] = [];
  let runId: string | undefined;
  for (const [i, kill] of kills.entries()) {
    const holding = proxy.holdAnswer(kill.write, kill.nth);
    await bed.workers.start(0);
    runId ??= await bed.startRun();
    const id = runId;
    held.push(
      await within(
        holding,
        30_000,
        async () => `kill point ${i + 1} (write #${kill.nth}) never reached the sandbox\n${await bed.diagnostics(id)}`,
      ),
    );
    expect((await bed.run(id)).status).toBe('running');
    expect((await bed.workers.kill(0, 'SIGKILL')).signal).toBe('SIGKILL');
  }
  if (runId === undefined) throw new Error('runWithCrash needs a kill point');
  await bed.workers.start(0);
  const run = await bed.waitForRun(runId);
  return { runId, run, held };
}

/**
 * "A rerun sends nothing new": the next run reads every source record again (its checkpoint cleared, so this is not
 * an empty read) and sends no write; the caller then checks the sandbox's counts did not move.
 */
export async function rerunWritesNothing(
  bed: VendorBed,
  proxy: HoldProxy,
  write: RequestMatch,
  records: number,
): Promise<Run> {
  const before = proxy.count(write);
  await bed.clearCheckpoint();
  const runId = await bed.startRun();
  const run = await bed.waitForRun(runId);
  expect(run.status).toBe('succeeded');
  expect(run.counts).toMatchObject({ read: records, unchanged: records, created: 0, updated: 0, failed: 0 });
  expect(proxy.count(write)).toBe(before);
  return run;
}
