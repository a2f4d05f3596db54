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
