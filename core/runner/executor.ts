import type { GivenUpJob, JobResult, QueueJob } from '../queue/port';
import type { Json, RejectedRecord } from '../sdk/contracts';
import type { ErrorInfo } from '../sdk/errors';
import type { Run, RunStatus } from '../store/repos';
import { PageCoalescer } from './coalesce';
import { loadFlowContext } from './context';
import type { SourceRecord } from './hashing';
import type { RunnerCore } from './core';
import { RunStopError } from './errors';
import { RUN_QUEUE } from './runner-port';
import { deleteUnseen } from './mirror';
import { processPage } from './page-processor';
import { refreshOppositeSide } from './peek';
import { readOptionsOf, readStart } from './read-start';
import { readPages } from './reader';
import { ReplaceSession } from './replace-session';
import { deadLetterLedger } from './recorder';
import { currentLease, holdsLease, isLeaseLost, LeaseLostError, RunLease, withLease } from './lease';
import { reviewInterruptedWrite } from './review';
import { processFetchedEvents } from './webhook-fetch';

/**
 * The run job: executes one run of a flow, from its stored checkpoint, page by page. Shutdown (the job's signal)
 * stops it at a page boundary and hands the job back; a crash re-processes the page it was in.
 */

export interface RunJobData {
  runId: string;
  flowId: string;
  [key: string]: string | number | boolean | null;
}

/** Queue attempts of a run job: only unexpected errors (a store outage, a bug) use them; run failures do not. */
export const RUN_JOB_ATTEMPTS = 3;

const FINISHED: ReadonlySet<RunStatus> = new Set(['succeeded', 'partial', 'failed', 'cancelled']);

/** Inside a flight, the end of the run is fenced by its lease: a stale owner's "finished" changes nothing. */
async function finishFenced(core: RunnerCore, runId: string, outcome: { status: RunStatus; error?: ErrorInfo }) {
  const lease = currentLease();
  if (lease === undefined) {
    await core.repos.runs.finish(runId, outcome, core.now());
    return;
  }
  if (!(await core.repos.runs.finish(runId, outcome, core.now(), lease.lease))) {
    lease.lose();
    throw new LeaseLostError(runId, lease.lease);
  }
}

/** Marks the run finished: partial when anything failed, else succeeded. */
export async function finishRun(core: RunnerCore, runId: string): Promise<Run | undefined> {
  const run = await core.repos.runs.get(runId);
  if (run === undefined) return undefined;
  const status: RunStatus = run.counts.failed > 0 || run.counts.deadLettered > 0 ? 'partial' : 'succeeded';
  await finishFenced(core, runId, { status });
  core.logger.info({ runId, flowId: run.flowId, status, counts: run.counts }, 'run finished');
  return { ...run, status };
}

/** Marks the run failed with the error; an auth error also marks the connection `error`. */
export async function failRun(core: RunnerCore, runId: string, error: RunStopError): Promise<void> {
  if (error.info.kind === 'auth' && error.connectionId !== undefined) {
    await core.repos.connections.recordCheck(error.connectionId, { ok: false, error: error.info.message }, core.now());
  }
  await finishFenced(core, runId, { status: 'failed', error: error.info });
  core.logger.warn({ runId, kind: error.info.kind, reason: error.info.message }, 'run failed');
}

export interface ExecuteOptions {
  /** Called after each page whose checkpoint was recorded: the run advanced for good (never in mirror mode). */
  onProgress?: () => Promise<void>;
}

/** Executes a run to its end ('finished') or to a page boundary after its signal aborted ('stopped'). */
export async function executeRun(
  core: RunnerCore,
  run: Run,
  signal: AbortSignal,
  options: ExecuteOptions = {},
): Promise<'finished' | 'stopped'> {
  const flow = await core.repos.flows.get(run.flowId);
  if (flow === undefined) {
    throw new RunStopError({ kind: 'config', message: `flow ${run.flowId} no longer exists`, field: 'flowId' });
  }
  const ctx = await loadFlowContext(core, flow, { signal });
  core.logger.info({ runId: run.id, flow: flow.name, mode: ctx.mode }, 'run started');
  await refreshOppositeSide(core, ctx, signal);
  // webhook events that name their records (WebhookDefinition.fetch) are read by id first (core/runner/webhook-fetch.ts);
  // a webhook-triggered run that had some does not read the whole stream
  if ((await processFetchedEvents(core, ctx, run.id, signal)) > 0 && run.trigger === 'webhook') {
    await finishRun(core, run.id);
    return 'finished';
  }

  const mirror = ctx.mode === 'mirror';
  const start = await readStart(core, ctx, run.id);
  // where a read (re)starts: the last page read, merged or not (its records are held until processed)
  let readFrom: Json | null = start.checkpoint;
  // rows the source could not read (Page.rejected) were not seen: in mirror mode their records must not be deleted
  let unreadable = 0;
  // small pages are merged up to the target's batch size × concurrency (core/runner/coalesce.ts); never in mirror
  // mode, whose reads restart from the beginning
  const coalescer = mirror
    ? undefined
    : new PageCoalescer(PageCoalescer.thresholdFor(ctx.target.batchSize, ctx.concurrency));
  // a target action that replaces the whole set: this attempt's writes are one session (core/runner/replace-session.ts)
  const session = ctx.replace
    ? new ReplaceSession(core, ctx, { runId: run.id, signal, markSeen: false, ledger: deadLetterLedger })
    : undefined;
  const process = async (unit: { records: SourceRecord[]; rejected: RejectedRecord[]; checkpoint: Json | null }) => {
    await processPage(core, ctx, unit.records, {
      runId: run.id,
      signal,
      ...(unit.rejected.length === 0 ? {} : { rejected: unit.rejected }),
      checkpoint: unit.checkpoint,
      markSeen: mirror,
      ledger: deadLetterLedger,
      ...(session === undefined ? {} : { session }),
    });
    // a replace saves no checkpoint: a new attempt reads (and sends) everything again, so nothing advanced for good
    if (!mirror && session === undefined && unit.checkpoint !== null) await options.onProgress?.();
  };
  const reading = readPages(core, ctx.source, {
    signal,
    // a read restarted after an error keeps the same look-back
    ...readOptionsOf(start),
    maxAttempts: ctx.maxAttempts,
    checkpoint: () => (mirror ? null : readFrom),
    // while a merged unit is processed, the read goes on up to the next unit's worth of records
    ...(coalescer === undefined ? {} : { readAheadRecords: coalescer.threshold }),
    onPage: async (page) => {
      core.metrics.recordsRead(flow.name, page.records.length);
      unreadable += page.rejected?.length ?? 0;
      if (page.checkpoint !== null) readFrom = page.checkpoint;
      const unit =
        coalescer === undefined
          ? { records: page.records as SourceRecord[], rejected: page.rejected ?? [], checkpoint: page.checkpoint }
          : coalescer.add(page);
      if (unit !== undefined) await process(unit);
      // a stop hands the job back: records held unprocessed are read again from the recorded checkpoint
      return signal.aborted ? 'stop' : 'continue';
    },
  });
  let end: Awaited<typeof reading>;
  try {
    end = await reading;
  } catch (error) {
    // a replace whose read failed sends nothing more: its session stays incomplete, and the run says so
    if (session !== undefined)
      throw error instanceof RunStopError && !signal.aborted ? session.abandoned(error) : error;
    // the read failed for good (auth, permanent, retries spent): the records read before it are still recorded
    const held = error instanceof RunStopError && !signal.aborted ? coalescer?.take() : undefined;
    if (held !== undefined) await process(held);
    throw error;
  }
  if (end === 'stopped') return 'stopped';
  const rest = coalescer?.take();
  if (rest !== undefined) await process(rest);
  // the read is complete: the session's last batch (or, with nothing to send, nothing and a warning)
  await session?.finish();
  if (mirror && unreadable > 0)
    core.logger.warn(
      { runId: run.id, flow: flow.name, unreadable },
      'mirror mode deletes nothing this run: some source rows could not be read (see the dead letters)',
    );
  else if (mirror) await deleteUnseen(core, ctx, run.id, signal);
  await finishRun(core, run.id);
  return 'finished';
}

/**
 * The queue gave a run job up (its workers died on every attempt before the run advanced: a record that crashes
 * the worker, an out-of-memory kill): the run is failed with the reason instead of staying `running` with no job
 * behind it. Running the flow again resumes from its last checkpoint.
 */
export async function handleGivenUpRunJob(core: RunnerCore, job: GivenUpJob<RunJobData>): Promise<void> {
  const run = await core.repos.runs.get(job.data.runId);
  if (run === undefined || FINISHED.has(run.status)) return;
  await failRun(
    core,
    run.id,
    new RunStopError({
      kind: 'retryable',
      message: `the queue gave the run up (${job.reason}): its workers stopped on every attempt before it got past a page. Look for a crash or an out-of-memory kill in the worker logs, then run the flow again: it resumes from its last checkpoint`,
    }),
  );
}

/**
 * Activation (fencing): the job is only activated while this worker still holds it (a worker that dequeued it,
 * stalled, and lost it to another does nothing), and the run only while nobody else works it (a fresh heartbeat
 * means its owner is alive: the job waits until that heartbeat would be stale). Activating bumps the lease.
 */
async function activate(
  core: RunnerCore,
  job: QueueJob<RunJobData>,
): Promise<{ lease: RunLease; run: Run } | { result: JobResult }> {
  if (job.held !== undefined && !(await job.held())) {
    core.logger.warn({ runId: job.data.runId }, 'run job no longer held by this worker; not activated');
    return { result: undefined };
  }
  const now = Date.now();
  const activation = await core.repos.runs.activate(job.data.runId, now, now - core.leaseMs, core.now());
  if ('refused' in activation) {
    if (activation.refused !== 'live') return { result: undefined };
    const delayMs = Math.max(100, activation.staleAt - now + 100);
    core.logger.info({ runId: job.data.runId, delayMs }, 'run is being worked by another worker; checking again later');
    return { result: { reschedule: { delayMs } } };
  }
  return { lease: new RunLease(job.data.runId, activation.lease, now), run: activation.run };
}

/**
 * The owner's heartbeat: stamps the run while the flight works it; the flight aborts as soon as the stamp is
 * refused (another worker took the run over) or could not be written for as long as the lease lasts.
 */
function startHeartbeat(core: RunnerCore, lease: RunLease): () => void {
  let beating = false;
  const timer = setInterval(
    () => {
      if (beating || lease.lost) return;
      beating = true;
      const now = Date.now();
      holdsLease(core.store.db, lease, now)
        .then((held) => {
          if (held) lease.lastBeat = now;
          else lease.lose();
        })
        .catch((error: unknown) => {
          if (Date.now() - lease.lastBeat < core.leaseMs) return;
          const message = error instanceof Error ? error.message : String(error);
          core.logger.warn({ runId: lease.runId, err: message }, 'run heartbeat could not be written; stopping');
          lease.lose();
        })
        .finally(() => (beating = false));
    },
    Math.max(50, Math.floor(core.leaseMs / 4)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** The RUN_QUEUE handler. `closing` aborts when the runner closes (in addition to the job's own signal). */
export async function handleRunJob(
  core: RunnerCore,
  job: QueueJob<RunJobData>,
  closing: AbortSignal,
): Promise<JobResult> {
  if (job.signal.aborted || closing.aborted) return { reschedule: { delayMs: 0 } };
  const before = await core.repos.runs.get(job.data.runId);
  if (before === undefined || FINISHED.has(before.status)) return;
  const activated = await activate(core, job);
  if ('result' in activated) return activated.result;
  const { lease } = activated;
  const run = activated.run;
  if (before.status === 'queued') core.metrics.jobLatency(RUN_QUEUE, Math.max(0, core.now() - run.createdAt) / 1000);
  const signal = AbortSignal.any([job.signal, closing, lease.controller.signal]);
  const stopHeartbeat = startHeartbeat(core, lease);
  let finished = false;
  try {
    const result = await withLease(lease, () => workRun(core, job, run, signal));
    finished = result === undefined;
    return result;
  } catch (error) {
    if (lease.lost || isLeaseLost(error)) {
      finished = true;
      core.metrics.leaseLost?.();
      core.logger.warn(
        { runId: run.id, lease: lease.lease },
        'run taken over by another worker; this worker stopped (its late writes were refused)',
      );
      return;
    }
    throw error;
  } finally {
    stopHeartbeat();
    // handed back or retried: the next activation need not wait for this heartbeat to go stale
    if (!finished && !lease.lost) await core.repos.runs.releaseLease(run.id, lease.lease).catch(() => undefined);
  }
}

async function workRun(
  core: RunnerCore,
  job: QueueJob<RunJobData>,
  run: Run,
  signal: AbortSignal,
): Promise<JobResult | undefined> {
  // A run resumes from its checkpoint: once it has recorded one in this attempt, the queue forgets the attempts
  // (crashed workers included) used before, so a long run survives any number of worker deaths as long as it
  // advances between them; a run that kills its worker before it advances still runs out of attempts.
  let progressed = false;
  const onProgress = async () => {
    if (progressed) return;
    progressed = true;
    try {
      await job.progressed?.();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      core.logger.warn({ runId: run.id, err: message }, 'could not tell the queue that the run advanced');
    }
  };
  try {
    await reviewInterruptedWrite(core, run);
    const outcome = await executeRun(core, run, signal, { onProgress });
    if (outcome === 'stopped') {
      const lease = currentLease();
      if (lease?.lost) throw new LeaseLostError(run.id, lease.lease);
      core.logger.info({ runId: run.id }, 'run interrupted at a page boundary; handing it back');
      return { reschedule: { delayMs: 0 } };
    }
    return undefined;
  } catch (error) {
    if (isLeaseLost(error) || currentLease()?.lost) throw error;
    if (error instanceof RunStopError) {
      await failRun(core, run.id, error);
      return undefined;
    }
    if (signal.aborted) {
      core.logger.info({ runId: run.id }, 'run interrupted mid-page; handing it back (the page is processed again)');
      return { reschedule: { delayMs: 0 } };
    }
    const message = error instanceof Error ? error.message : String(error);
    core.logger.error({ runId: run.id, attempt: job.attempt, err: message }, 'run failed unexpectedly');
    if (job.attempt < RUN_JOB_ATTEMPTS) throw error;
    await failRun(core, run.id, new RunStopError({ kind: 'retryable', message: `the run failed: ${message}` }));
    return undefined;
  }
}
