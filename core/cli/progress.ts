import type { Run, RunStatus } from '../store/repos';

/** Statuses after which a run changes no more. */
export const FINISHED: readonly RunStatus[] = ['succeeded', 'partial', 'failed', 'cancelled'];

export function isFinished(run: Run): boolean {
  return FINISHED.includes(run.status);
}

export function written(run: Run): number {
  return run.counts.created + run.counts.updated + run.counts.deleted;
}

/** `4.2s`, `3m 05s`, `1h 02m`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.floor(seconds) % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3600);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s).padStart(2, '0')}s`;
}

function elapsedOf(run: Run, now: number): number {
  if (run.startedAt === undefined) return 0;
  return (run.finishedAt ?? now) - run.startedAt;
}

/** One progress line: records read/written/failed, the rate and the elapsed time. */
export function formatProgress(run: Run, now: number): string {
  const elapsed = elapsedOf(run, now);
  const rate = elapsed > 0 ? Math.round((run.counts.read * 1000) / elapsed) : 0;
  const { read, unchanged, failed } = run.counts;
  return `${run.status}: read ${read}, written ${written(run)}, unchanged ${unchanged}, failed ${failed} · ${rate} rec/s · ${formatDuration(elapsed)}`;
}

/** The closing line of a run. */
export function formatSummary(run: Run): string {
  const c = run.counts;
  const duration =
    run.startedAt !== undefined ? ` in ${formatDuration(elapsedOf(run, run.finishedAt ?? run.startedAt))}` : '';
  const lines = [
    `run ${run.id} ${run.status}${duration}: read ${c.read}, unchanged ${c.unchanged}, created ${c.created}, updated ${c.updated}, deleted ${c.deleted}, failed ${c.failed} (dead-lettered ${c.deadLettered})`,
  ];
  if (run.error) lines.push(`error: ${run.error.message}${run.error.field ? ` (field: ${run.error.field})` : ''}`);
  if (c.failed > 0) lines.push(`see the failures with: hub runs show ${run.id}`);
  return lines.join('\n');
}

export interface FollowOptions {
  /** Redraws one line in place (a terminal); otherwise prints a line when the status changes. */
  tty: boolean;
  /** Raw write (no newline added): the terminal line is redrawn with \r. */
  write: (text: string) => void;
  /** Prints nothing while following (--json). */
  quiet?: boolean;
  intervalMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Stops following (the run goes on); resolves with the run as last read. */
  signal?: AbortSignal;
  /** Printed once when the run stays queued this long (no worker took it). */
  waitingHint?: { afterMs: number; text: string };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls a run (about every 250 ms) until it finishes, showing live progress: a redrawn line in a terminal, a line
 * per status change otherwise. Resolves with the final run record (or the last one read when `signal` aborts).
 */
export async function followRun(read: () => Promise<Run>, options: FollowOptions): Promise<Run> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const begun = now();
  let hinted = false;
  let lastLine = '';
  let lastStatus: RunStatus | undefined;
  let run = await read();
  for (;;) {
    if (!options.quiet) {
      if (options.tty) {
        const line = formatProgress(run, now());
        if (line !== lastLine) options.write(`\r\x1b[2K${line}`);
        lastLine = line;
      } else if (run.status !== lastStatus) {
        options.write(`${formatProgress(run, now())}\n`);
      }
      if (!hinted && options.waitingHint && run.status === 'queued' && now() - begun >= options.waitingHint.afterMs) {
        hinted = true;
        options.write(`${options.tty ? '\n' : ''}${options.waitingHint.text}\n`);
        lastLine = '';
      }
    }
    lastStatus = run.status;
    if (isFinished(run) || options.signal?.aborted) break;
    await sleep(options.intervalMs ?? 250);
    run = await read();
  }
  if (!options.quiet && options.tty && lastLine !== '') options.write('\n');
  return run;
}
