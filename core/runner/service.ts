import { RunsRepo, type RunTrigger } from '../store/repos';
import { resolveDeps } from './core';
import type { FlowRunnerDeps } from './deps';
import { dryRun } from './dry-run';
import { handleGivenUpRunJob, handleRunJob, RUN_JOB_ATTEMPTS, type RunJobData } from './executor';
import { replayDeadLetters } from './replay';
import { runJobId, startReaper } from './reaper';
import { RUN_QUEUE, type DryRunReport, type FlowRunner, type ReplayReport } from './runner-port';

export { runJobId };

/**
 * The flow runner: runs are created here and executed by the RUN_QUEUE handler (on this process after
 * `startWorker`, or on any worker sharing the store/Redis).
 */
export function createFlowRunner(deps: FlowRunnerDeps): FlowRunner {
  const core = resolveDeps(deps);
  const closing = new AbortController();
  const inFlight = new Set<Promise<unknown>>();
  let workerStarted = false;
  let stopReaper: (() => void) | undefined;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.then(
      () => inFlight.delete(promise),
      () => inFlight.delete(promise),
    );
    return promise;
  };

  const assertOpen = () => {
    if (closing.signal.aborted) throw new Error('the flow runner is closed');
  };

  return {
    async startRun(flowId: string, trigger: RunTrigger) {
      assertOpen();
      const flow = await core.repos.flows.require(flowId);
      const { run, created } = await core.store.transaction(async (trx) => {
        // PostgreSQL: serialise concurrent starts of the same flow on its row (SQLite transactions already are)
        if (core.store.engine === 'postgres') {
          await trx.selectFrom('flows').select('id').where('id', '=', flow.id).forUpdate().execute();
        }
        const runs = new RunsRepo(trx);
        const active = await runs.active(flow.id);
        if (active.length > 0) return { run: active[0], created: false };
        return { run: await runs.create({ flowId: flow.id, trigger }, core.now()), created: true };
      });
      // also for an existing run: its job may have been lost (idempotent by job id)
      await core.queue.enqueue<RunJobData>(
        RUN_QUEUE,
        { runId: run.id, flowId: flow.id },
        { jobId: runJobId(run.id), attempts: RUN_JOB_ATTEMPTS },
      );
      if (created) core.logger.info({ runId: run.id, flow: flow.name, trigger }, 'run queued');
      return { runId: run.id, created };
    },

    dryRun(flowId: string, options?: { limit?: number }): Promise<DryRunReport> {
      assertOpen();
      return track(dryRun(core, flowId, { ...options, signal: closing.signal }));
    },

    replayDeadLetters(selector: { ids?: string[]; flowId?: string; fromStored?: boolean }): Promise<ReplayReport> {
      assertOpen();
      return track(replayDeadLetters(core, selector, closing.signal));
    },

    async startWorker(options?: { concurrency?: number }) {
      assertOpen();
      if (workerStarted) return;
      workerStarted = true;
      await core.queue.process<RunJobData>(RUN_QUEUE, (job) => track(handleRunJob(core, job, closing.signal)), {
        concurrency: options?.concurrency ?? deps.workerConcurrency ?? 2,
        onGivenUp: (job) => track(handleGivenUpRunJob(core, job)),
      });
      const reaperMs = deps.reaperIntervalMs ?? core.leaseMs;
      if (reaperMs > 0) stopReaper = startReaper(core, reaperMs);
    },

    async close() {
      stopReaper?.();
      if (!closing.signal.aborted) closing.abort(new Error('the flow runner is closing'));
      await Promise.allSettled([...inFlight]);
    },
  };
}
