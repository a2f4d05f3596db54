import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { threadCpuMs } from './cpu-clock';
import { compileMapping } from './engine';
import { MappingCompileError, toMappingError } from './errors';
import type { CompiledMapping, MapResult, MappingDefinition, MappingEngineOptions, MappingError } from './types';

/**
 * The body of a mapping evaluation worker thread (see worker-pool.ts). It compiles each mapping once (cached per
 * thread by the key the pool gives it) and evaluates one record per message with the in-thread engine, reporting the
 * CPU time the record took.
 */

export interface WorkerRequest {
  id: number;
  key: string;
  /** Sent the first time this worker sees `key`. */
  mapping?: MappingDefinition;
  options?: MappingEngineOptions;
  record: unknown;
}

export type WorkerReply =
  { id: number; result: MapResult; cpuMs: number } | { id: number; compileError: MappingError; cpuMs: number };

/** Posted once the worker has loaded (the pool's watchdog starts with the first request, not with the start-up). */
export interface WorkerReady {
  ready: true;
}

const MAX_CACHED = 50;
const compiled = new Map<string, CompiledMapping | MappingError>();

export function mappingKey(mapping: MappingDefinition, options: MappingEngineOptions | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([mapping, options ?? {}]))
    .digest('hex');
}

function compiledFor(request: WorkerRequest): CompiledMapping | MappingError {
  const cached = compiled.get(request.key);
  if (cached) return cached;
  if (!request.mapping) {
    return { code: 'guardrail.worker', message: 'the evaluation worker lost this mapping; retry the request' };
  }
  let entry: CompiledMapping | MappingError;
  try {
    entry = compileMapping(request.mapping, request.options);
  } catch (err) {
    entry =
      err instanceof MappingCompileError
        ? err.mappingError
        : toMappingError(err, request.mapping.expression, 'compile');
  }
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(request.key, entry);
  return entry;
}

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  const started = threadCpuMs();
  const mapping = compiledFor(request);
  if (!('evaluate' in mapping)) return { id: request.id, compileError: mapping, cpuMs: threadCpuMs() - started };
  const result = await mapping.evaluate(request.record);
  return { id: request.id, result, cpuMs: threadCpuMs() - started };
}

/** Set in workerData by the pool, so importing this module elsewhere (types, mappingKey) starts nothing. */
export const WORKER_ROLE = 'connector-hub.mapping-evaluator';

if (parentPort && (workerData as { role?: string } | null)?.role === WORKER_ROLE) {
  const port = parentPort;
  port.on('message', (request: WorkerRequest) => {
    handle(request).then(
      (reply) => port.postMessage(reply),
      (err: unknown) =>
        port.postMessage({
          id: request.id,
          result: { ok: false, error: { code: 'evaluate.error', message: String(err) } },
          cpuMs: 0,
        } satisfies WorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerReady);
}
