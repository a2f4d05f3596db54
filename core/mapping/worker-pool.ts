import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { resolveEngineOptions } from './guardrails';
import { mappingKey, WORKER_ROLE, type WorkerReady, type WorkerReply, type WorkerRequest } from './evaluation-worker';
import type { MapResult, MappingDefinition, MappingEngineOptions, MappingError } from './types';

/**
 * Mapping evaluation off the main thread, for the paths that run in the API process on a user's request (preview,
 * fixtures on save). Each worker thread has its own heap limit (`resourceLimits`): an expression that gets past the
 * engine's size checks and exhausts it kills that worker only — the record fails with `guardrail.memory` and a new
 * worker takes over. The main thread never runs the expression, so `/healthz`, webhooks and other requests keep
 * being answered while a runaway expression burns its CPU budget.
 *
 * Time is the worker's own CPU time (the engine checks it, see guardrails.ts), summed per batch against the batch
 * budget. A watchdog on the wall clock terminates a worker that does not answer at all (stuck in one native call);
 * it is generous on purpose, as it is only there for what the CPU check cannot see.
 */

export interface WorkerPoolOptions {
  /** Worker threads (default: 2, at most the CPU count). */
  size?: number;
  /** Old-generation heap of each worker, in MB (default 256). */
  memoryMb?: number;
  /** Wall-clock watchdog per record, in ms (default: max(30 s, 20 × the record time limit)). */
  watchdogMs?: number;
}

export interface BatchOptions {
  options?: MappingEngineOptions;
  /** Total CPU time (ms) the whole batch may use; records after it is spent fail with `guardrail.budget`. */
  budgetMs?: number;
}

/** A compile error of the mapping (the batch's records were not evaluated). */
export class WorkerCompileError extends Error {
  constructor(readonly mappingError: MappingError) {
    super(mappingError.message);
    this.name = 'WorkerCompileError';
  }
}

interface Slot {
  worker: Worker;
  /** Resolves when the worker has loaded (or died trying). */
  ready: Promise<void>;
  seen: Set<string>;
  dead?: boolean;
  pending?: { id: number; resolve: (reply: WorkerReply | Error) => void };
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.loader) require(workerData.loader);
require(workerData.entry);
`;

/** The worker module, and in a source checkout (this module is .ts) tsx's CommonJS hook, as bin/hub.cjs uses. */
function workerEntry(): { entry: string; loader?: string } {
  if (extname(__filename) !== '.ts') return { entry: join(__dirname, 'evaluation-worker.js') };
  return { entry: join(__dirname, 'evaluation-worker.ts'), loader: require.resolve('tsx/cjs') };
}

export class MappingWorkerPool {
  private readonly size: number;
  private readonly memoryMb: number;
  private readonly watchdogMs: number | undefined;
  private readonly idle: Slot[] = [];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private started = 0;
  private nextId = 1;
  private closed = false;

  constructor(options: WorkerPoolOptions = {}) {
    this.size = Math.max(1, options.size ?? Math.min(2, availableParallelism()));
    this.memoryMb = options.memoryMb ?? 256;
    this.watchdogMs = options.watchdogMs;
  }

  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { ...workerEntry(), role: WORKER_ROLE },
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    let loaded: () => void = () => undefined;
    const slot: Slot = { worker, seen: new Set(), ready: new Promise((resolve) => (loaded = resolve)) };
    worker.on('message', (reply: WorkerReply | WorkerReady) => {
      if ('ready' in reply) {
        loaded();
        return;
      }
      const pending = slot.pending;
      if (pending && pending.id === reply.id) {
        slot.pending = undefined;
        pending.resolve(reply);
      }
    });
    const gone = (err: Error) => {
      slot.dead = true;
      loaded();
      const pending = slot.pending;
      slot.pending = undefined;
      pending?.resolve(err);
    };
    worker.on('error', gone);
    worker.on('exit', (code) => gone(new Error(`evaluation worker exited with code ${code}`)));
    worker.unref();
    return slot;
  }

  private acquire(): Promise<Slot> {
    if (this.closed) return Promise.reject(new Error('the mapping worker pool is closed'));
    let slot = this.idle.pop();
    while (slot?.dead) {
      this.started--;
      slot = this.idle.pop();
    }
    if (slot) return Promise.resolve(slot);
    if (this.started < this.size) {
      this.started++;
      return Promise.resolve(this.spawn());
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    slot.worker.unref();
    if (slot.dead) {
      slot = this.spawn();
      slot.worker.unref();
    }
    const next = this.waiting.shift();
    if (next) {
      slot.worker.ref();
      next(slot);
    } else if (this.closed) void slot.worker.terminate();
    else this.idle.push(slot);
  }

  /** A worker died or was terminated: start a new one in its place for the batch. */
  private replace(slot: Slot): Slot {
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    return this.spawn();
  }

  private async send(slot: Slot, request: WorkerRequest, watchdogMs: number): Promise<WorkerReply | Error> {
    await slot.ready;
    if (slot.dead) return new Error('the evaluation worker could not start');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        slot.pending = undefined;
        resolve(new WatchdogError(watchdogMs));
      }, watchdogMs);
      slot.pending = {
        id: request.id,
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
      };
      slot.worker.postMessage(request);
    });
  }

  /**
   * Evaluates `records` one at a time on one worker; one MapResult per record, in order. Throws WorkerCompileError
   * when the mapping does not compile.
   */
  async evaluateBatch(
    mapping: MappingDefinition,
    records: readonly unknown[],
    batch: BatchOptions = {},
  ): Promise<MapResult[]> {
    const resolved = resolveEngineOptions(batch.options);
    const watchdogMs = this.watchdogMs ?? Math.max(30_000, 20 * resolved.timeoutMs);
    const key = mappingKey(mapping, batch.options);
    const budgetMs = batch.budgetMs ?? Number.POSITIVE_INFINITY;
    let slot = await this.acquire();
    slot.worker.ref();
    const results: MapResult[] = [];
    let spent = 0;
    try {
      for (const record of records) {
        if (spent >= budgetMs) {
          results.push(budgetSpent(budgetMs));
          continue;
        }
        const request: WorkerRequest = { id: this.nextId++, key, record };
        if (!slot.seen.has(key)) Object.assign(request, { mapping, options: batch.options });
        const reply = await this.send(slot, request, watchdogMs);
        if (reply instanceof Error) {
          results.push({ ok: false, error: workerFailure(reply, this.memoryMb, resolved.timeoutMs) });
          spent += reply instanceof WatchdogError ? watchdogMs : resolved.timeoutMs;
          slot = this.replace(slot);
          slot.worker.ref();
          continue;
        }
        slot.seen.add(key);
        spent += reply.cpuMs;
        if ('compileError' in reply) throw new WorkerCompileError(reply.compileError);
        results.push(reply.result);
      }
    } finally {
      this.release(slot);
    }
    return results;
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.idle.splice(0);
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }
}

class WatchdogError extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function budgetSpent(budgetMs: number): MapResult {
  return {
    ok: false,
    error: {
      code: 'guardrail.budget',
      message: `Not evaluated: this request's total CPU time budget of ${budgetMs} ms was used up by earlier records`,
    },
  };
}

function workerFailure(err: Error, memoryMb: number, timeoutMs: number): MappingError {
  if (err instanceof WatchdogError) {
    return {
      code: 'guardrail.timeout',
      message: `Evaluation did not finish within ${err.ms} ms (the ${timeoutMs} ms CPU time limit could not be checked inside one long call); the evaluation was stopped`,
    };
  }
  if ((err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return {
      code: 'guardrail.memory',
      message: `Evaluation exceeded the ${memoryMb} MB memory limit of the evaluation worker and was stopped`,
    };
  }
  return { code: 'guardrail.worker', message: `The evaluation worker stopped: ${err.message}` };
}

let shared: MappingWorkerPool | undefined;

/** The process-wide pool (started lazily; its idle workers do not keep the process alive). */
export function sharedMappingWorkerPool(): MappingWorkerPool {
  shared ??= new MappingWorkerPool();
  return shared;
}

/** Stops the process-wide pool (tests, shutdown). */
export async function closeSharedMappingWorkerPool(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}
