import { compileMapping, type MapResult } from '../../../../core/mapping';
import {
  compiledMappingStats,
  compileExpression,
  loadRuntime,
  Rerun,
  useCompiledMappings,
  wrapInput,
  type CompiledState,
} from '../../../../core/mapping/compiler';
import { EXACT } from '../../../../core/mapping/compiler/compile';
import { resolveEngineOptions } from '../../../../core/mapping/guardrails';
import { beginEvaluation, endEvaluation } from '../../../../core/mapping/limits';
import type { MappingEngineOptions } from '../../../../core/mapping/types';

/** What one side of a comparison produced: a value, an error code, or "handed to the interpreter". */
export type Outcome =
  | { kind: 'value'; value: unknown }
  | { kind: 'error'; code: string; exact?: boolean }
  | { kind: 'rerun'; reason: string };

/** A comparable copy: sequences as plain arrays, undefined and functions marked, key order ignored. */
export function canonical(value: unknown): unknown {
  if (value === undefined) return '<undefined>';
  if (typeof value === 'function') return '<function>';
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (v._jsonata_lambda === true || v._jsonata_function === true) return '<function>';
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) out[key] = canonical(v[key]);
    return out;
  }
  return value;
}

export function errorCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Runs expression text on the compiled path alone (no fallback), with the engine's function table. */
export async function runCompiled(
  text: string,
  input: unknown,
  bindings?: Record<string, unknown>,
  opts: MappingEngineOptions = {},
): Promise<Outcome | undefined> {
  const options = resolveEngineOptions(opts);
  const outcome = compileExpression(text, options.maxDepth);
  if (!outcome.ok) return undefined;
  outcome.bindRuntime(await loadRuntime(`test:${JSON.stringify(opts)}`, options));
  const evaluation = beginEvaluation();
  const state: CompiledState = {
    maxSequence: options.maxSequence,
    timeoutMs: options.timeoutMs,
    cpuStart: evaluation.cpuStart,
    wallStart: evaluation.wallStart,
    steps: 0,
    root: input,
    bindings,
  };
  try {
    return { kind: 'value', value: outcome.program.run(wrapInput(input), state) };
  } catch (err) {
    if (err instanceof Rerun) return { kind: 'rerun', reason: err.reason };
    // exact: reported as the interpreter would, without handing the record over (exact-errors.ts)
    if (typeof err === 'object' && err !== null && EXACT in err)
      return { kind: 'error', code: errorCode(err), exact: true };
    return { kind: 'error', code: errorCode(err) };
  } finally {
    endEvaluation(evaluation);
  }
}

let comparisons = 0;

/**
 * A mapping evaluated through the engine on the compiled path, then on the interpreter (the switch restored after),
 * each under a version of its own so neither reuses the other's compilation; `handedOver` counts the records the
 * compiled path handed to the interpreter.
 */
export async function compiledAndInterpreted(
  id: string,
  expression: string,
  input: unknown,
  options?: MappingEngineOptions,
): Promise<{ compiled: MapResult; interpreted: MapResult; handedOver: number }> {
  comparisons++;
  const before = compiledMappingStats().handedToInterpreter;
  const compiled = await compileMapping({ id, version: `c${comparisons}`, expression }, options).evaluate(input);
  const handedOver = compiledMappingStats().handedToInterpreter - before;
  useCompiledMappings(false);
  try {
    const interpreted = await compileMapping({ id, version: `i${comparisons}`, expression }, options).evaluate(input);
    return { compiled, interpreted, handedOver };
  } finally {
    useCompiledMappings(true);
  }
}
