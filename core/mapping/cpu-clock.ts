/**
 * CPU time of the current thread, in milliseconds. Evaluation time limits use it instead of the wall clock, so a
 * paused or busy machine (GC of other work, a suspended VM, a loaded host) does not fail valid records: only the time
 * the expression itself spent computing counts. `process.threadCpuUsage` (Node ≥ 23.9) measures this thread alone;
 * older Nodes fall back to the process's CPU time, which still ignores time spent paused.
 */

type CpuUsage = () => NodeJS.CpuUsage;

const threadCpuUsage: CpuUsage =
  typeof (process as { threadCpuUsage?: CpuUsage }).threadCpuUsage === 'function'
    ? () => (process as unknown as { threadCpuUsage: CpuUsage }).threadCpuUsage()
    : () => process.cpuUsage();

export function threadCpuMs(): number {
  const usage = threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

const COARSE_MS = 5;
let coarseCpu = 0;
let coarseAt = Number.NEGATIVE_INFINITY;

/**
 * The thread's CPU time as read at most `COARSE_MS` of wall time ago: never more than the true value, and never
 * behind it by more than the CPU spent in those few milliseconds. The start of an evaluation takes this baseline,
 * so a page of short evaluations reads the CPU clock (a system call, several µs) once, not once per record; an
 * evaluation's CPU time is then over-counted by at most COARSE_MS, next to a limit of about a second.
 */
export function coarseThreadCpuMs(now = performance.now()): number {
  if (now - coarseAt > COARSE_MS) {
    coarseCpu = threadCpuMs();
    coarseAt = now;
  }
  return coarseCpu;
}
