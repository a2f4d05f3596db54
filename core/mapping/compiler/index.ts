import jsonata from 'jsonata';
import { Decline, type AstNode } from './analyse';
import { withoutStackTraces } from '../stack-traces';
import { compileAst, EXACT, type CompiledState, type Program } from './compile';
import type { Runtime } from './functions';
import { Rerun, type RunState } from './runtime';
import { loadRuntime } from './table';
import type { ResolvedEngineOptions } from '../types';

/**
 * The compiled JSONata subset. `compileExpression` turns the expressions mappings use (paths, constructors,
 * conditionals, operators, blocks and bindings, lambdas, built-in, stdlib and higher-order calls, predicates) into
 * synchronous JavaScript closures with the interpreter's exact semantics; an expression with anything else is
 * declined and stays on the interpreter. At run time the compiled code hands a record to the interpreter whenever it
 * meets something it does not reproduce exactly (any error, an async function, a value the guardrails must account
 * for): results, errors and their messages are therefore the interpreter's.
 *
 * Guardrails on the compiled path: built-ins are the interpreter's own function objects with limits.ts's size checks
 * (table.ts); sequences over `maxSequence` and results the per-record allocation budget would count go to the
 * interpreter; the CPU-time limit is checked every 256 loop iterations and lambda calls (runtime.ts `step`);
 * expressions whose evaluation depth the compiler cannot bound under `maxDepth` (recursion) are not compiled
 * (analyse.ts); function values in the output fail in the engine's output copy exactly as before. Literal tables
 * (`$COUNTRIES := { … }`) are built once per compiled expression, not per record (structures.ts `literalValue`).
 */

export { Decline } from './analyse';
export { Rerun } from './runtime';
export type { Program, CompiledState } from './compile';
export { loadRuntime } from './table';

export type CompileOutcome =
  { ok: true; program: Program; bindRuntime(runtime: Runtime): void } | { ok: false; reason: string };

/** Compiles expression text (parsed again: the engine's own AST has its `&` rewritten by limits.ts). */
export function compileExpression(text: string, maxDepth: number): CompileOutcome {
  let runtime: Runtime | undefined;
  try {
    const ast = jsonata(text).ast() as unknown as AstNode;
    const program = compileAst(
      ast,
      () => {
        if (!runtime) throw new Rerun('function table not loaded');
        return runtime;
      },
      maxDepth,
    );
    return {
      ok: true,
      program,
      bindRuntime(loaded) {
        runtime = loaded;
      },
    };
  } catch (err) {
    if (err instanceof Decline) return { ok: false, reason: err.reason };
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Evaluation state of limits.ts (the fields the compiled path reads and resets). */
export interface EngineEvaluation {
  cpuStart: number;
  wallStart: number;
  allocated: number;
  /** set by `runSync`: the value it returned is proven plain JSON within the output size limit (output.ts) */
  plainOutput?: boolean;
}

export type EngineRun = (record: unknown, evaluation: EngineEvaluation) => Promise<unknown>;

const programs = new WeakMap<object, CompileOutcome>();
let enabled = true;
const counters = { compiled: 0, handedToInterpreter: 0 };

/** Records evaluated by compiled code, and those it handed to the interpreter (this thread, since start). */
export function compiledMappingStats(): { compiled: number; handedToInterpreter: number } {
  return { ...counters };
}

/** Turns the compiled path on or off for mappings compiled from now on (the equivalence tests compare both). */
export function useCompiledMappings(on: boolean): void {
  enabled = on;
}

/** Returned by `runSync` when the record needs the interpreter (see `Rerun`). */
export const HAND_OVER: unique symbol = Symbol('hand over to the interpreter');

export interface EngineRunner {
  /** evaluates one record: the compiled code, or the interpreter when it must take over or nothing compiled */
  run: EngineRun;
  /** the compiled code alone, synchronously (no promise per record): a value, HAND_OVER, or a thrown timeout */
  runSync?: (record: unknown, evaluation: EngineEvaluation) => unknown;
  /** the interpreter alone */
  interpret: EngineRun;
  /** settles (never rejects) once the compiled code can run, or is known not to: its function table loaded or not */
  ready: Promise<void>;
  compiled: boolean;
  reason?: string;
}

/**
 * The engine's evaluator for a compiled JSONata expression: the compiled program when the whole expression
 * compiles, else the interpreter. Compiled once per cached expression.
 */
export function engineRunner(
  expression: jsonata.Expression,
  text: string,
  options: ResolvedEngineOptions,
): EngineRunner {
  const interpret: EngineRun = (record) => expression.evaluate(record);
  const plain = { run: interpret, interpret, ready: Promise.resolve(), compiled: false };
  if (!enabled) return { ...plain, reason: 'compiled mappings turned off' };
  let outcome = programs.get(expression);
  if (!outcome) {
    outcome = compileExpression(text, options.maxDepth);
    programs.set(expression, outcome);
  }
  if (!outcome.ok) return { ...plain, reason: outcome.reason };
  const { program, bindRuntime } = outcome;
  let loaded = false;
  const { timeoutMs, maxDepth, maxSequence, maxStringLength, maxAllocation, defaultCountry, citySynonyms } = options;
  const limits = [timeoutMs, maxDepth, maxSequence, maxStringLength, maxAllocation];
  const fingerprint = JSON.stringify([...limits, defaultCountry ?? '', citySynonyms]);
  // never rejects: if the function table cannot be loaded, every record goes to the interpreter
  const ready = loadRuntime(fingerprint, options).then(
    (runtime) => {
      bindRuntime(runtime);
      loaded = true;
    },
    () => undefined,
  );
  // one state for this runner's records, reset for each: runSync runs them one at a time and nothing keeps it
  const state: CompiledState & RunState = {
    maxSequence: options.maxSequence,
    timeoutMs: options.timeoutMs,
    cpuStart: 0,
    wallStart: 0,
    steps: 0,
    root: undefined,
    bindings: undefined,
    plainValue: undefined,
    plainSize: 0,
    environment: undefined,
  };
  const runSync = (record: unknown, evaluation: EngineEvaluation): unknown => {
    if (!loaded) return HAND_OVER;
    state.cpuStart = evaluation.cpuStart;
    state.wallStart = evaluation.wallStart;
    state.steps = 0;
    state.root = record;
    state.plainValue = undefined;
    state.plainSize = 0;
    state.environment = undefined; // $now / $millis: a timestamp per record, as the interpreter takes
    // JSONata's errors ($error, $number's D3030, …) capture a stack trace nothing reads (toMappingError keeps code,
    // message, position and token): none is captured while this synchronous code runs
    return withoutStackTraces(() => {
      try {
        const result = program.run(wrapInput(record), state);
        evaluation.plainOutput =
          result !== undefined && result === state.plainValue && (state.plainSize ?? 0) <= options.maxOutputSize;
        counters.compiled++;
        return result;
      } catch (err) {
        if (isTimeout(err)) throw err;
        if (typeof err === 'object' && err !== null && EXACT in err) {
          counters.compiled++;
          throw err;
        }
        counters.handedToInterpreter++;
        // anything else: the interpreter gives the exact result or error (allocation counted afresh)
        evaluation.allocated = 0;
        return HAND_OVER;
      }
    });
  };
  const run: EngineRun = async (record, evaluation) => {
    if (!loaded) await ready;
    const result = runSync(record, evaluation); // HAND_OVER while the table is not loaded
    return result === HAND_OVER ? expression.evaluate(record) : result;
  };
  return { run, runSync, interpret, ready, compiled: true };
}
function isTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'D1012';
}

/** As `evaluate` does: a JSON array input is wrapped in a singleton sequence (`outerWrapper`). */
export function wrapInput(input: unknown): unknown {
  if (!Array.isArray(input) || (input as { sequence?: boolean }).sequence === true) return input;
  const wrapped = [input] as unknown[] & { sequence: boolean; outerWrapper: boolean };
  wrapped.sequence = true;
  wrapped.outerWrapper = true;
  return wrapped;
}
