import type { RunnerCore } from './core';
import { RUN_JOB_ATTEMPTS, type RunJobData } from './executor';
import { RUN_QUEUE } from './runner-port';

/**
 * The orphan reaper: a queued or running run that nobody has shown alive for longer than the lease (no heartbeat,
 * no recorded page) may have no job behind it any more (Redis lost its data, a job was removed by hand). Every
 * worker looks now and then and enqueues the run's job again; enqueueing is idempotent by job id, so a run whose
 * job still exists (waiting, delayed, or held by a worker about to take it over) is left alone. The run then
 * resumes from its checkpoint like after any crash.
 */

/** The job id of a run: enqueueing it twice is a no-op. */
export function runJobId(runId: string): string {
  return `run-${runId}`;
}

/** One pass: the number of runs whose job was missing and is enqueued again. */
export async function reapOrphanedRuns(core: RunnerCore): Promise<number> {
  const now = Date.now();
  // twice the lease: a crashed owner's job is found by the queue itself after one lease; only a lost job is left
  const stale = await core.repos.runs.stale(now - 2 * core.leaseMs);
  let requeued = 0;
  for (const run of stale) {
    const { created } = await core.queue.enqueue<RunJobData>(
      RUN_QUEUE,
      { runId: run.id, flowId: run.flowId },
      { jobId: runJobId(run.id), attempts: RUN_JOB_ATTEMPTS },
    );
    if (!created) continue;
    requeued += 1;
    core.metrics.orphanedRunRequeued?.();
    core.logger.warn(
      { runId: run.id, flowId: run.flowId, status: run.status },
      'orphaned run (no live job behind it): enqueued again; it resumes from its checkpoint',
    );
  }
  return requeued;
}

/** Runs the reaper every `intervalMs` (with jitter, so workers do not all look at once) until stopped. */
export function startReaper(core: RunnerCore, intervalMs: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        reapOrphanedRuns(core)
          .catch((error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            core.logger.warn({ err: message }, 'orphan reaper: could not look for orphaned runs; trying again later');
          })
          .finally(schedule);
      },
      Math.round(intervalMs * (0.75 + core.random() * 0.5)),
    );
    timer.unref();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
