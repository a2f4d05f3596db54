import { engineRunner, HAND_OVER, type EngineRunner } from './compiler';
import { MappingCompileError, toMappingError } from './errors';
import { getCompiledExpression } from './expression-cache';
import { checkDeadline, createYielder, explainGuardrail, resolveEngineOptions } from './guardrails';
import { beginEvaluation, endEvaluation, type EvaluationState } from './limits';
import { OutputError, toPlainJson } from './plain-json';
import { isSkipMarker } from './stdlib/skip';
import type {
  CompiledMapping,
  MapResult,
  MappingDefinition,
  MappingEngineOptions,
  MappingError,
  ResolvedEngineOptions,
} from './types';
import { createRecordValidator, type JsonSchema, type RecordValidator } from './validation';

/**
 * The mapping engine: compile a mapping once (cached per id + version + content hash), then evaluate records.
 * `evaluate` never throws: every failure is one record's MapResult with a plain MappingError.
 */

function fail(error: MappingError): MapResult {
  return { ok: false, error };
}

/** Deepest output record accepted (a deeper one is a guardrail.stack error, not a JS stack overflow). */
const MAX_OUTPUT_DEPTH = 1000;

/** Compiled code runs a page's records back to back for up to this long before other work gets a turn. */
const PAGE_SLICE_MS = 10;

/**
 * Evaluations on this thread run one at a time: JSONata evaluates as a chain of microtasks, so two evaluations
 * started together would interleave and each would be charged the other's CPU time.
 */
let turn: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = turn.then(work, work);
  turn = run.catch(() => undefined);
  return run;
}

function validatorFor(
  schema: JsonSchema | undefined,
  code: 'input.invalid' | 'output.invalid',
  mappingId: string,
): RecordValidator | undefined {
  if (!schema) return undefined;
  try {
    return createRecordValidator(schema, code);
  } catch (err) {
    const error = err as MappingError;
    const side = code === 'input.invalid' ? 'source' : 'target';
    throw new MappingCompileError({ ...error, message: `${side} schema: ${error.message}` }, mappingId);
  }
}

class Compiled implements CompiledMapping {
  constructor(
    readonly id: string,
    readonly version: string,
    readonly expressionHash: string,
    private readonly text: string,
    private readonly runner: EngineRunner,
    private readonly options: ResolvedEngineOptions,
    private readonly validateInput: RecordValidator | undefined,
    private readonly validateOutput: RecordValidator | undefined,
  ) {
    this.evaluate = this.evaluate.bind(this);
    this.evaluatePage = this.evaluatePage.bind(this);
  }

  evaluate(record: unknown): Promise<MapResult> {
    return oneAtATime(() => this.evaluateNow(record));
  }

  private async evaluateNow(record: unknown, interpreterOnly = false): Promise<MapResult> {
    const inputError = this.validateInput?.(record);
    if (inputError) return fail(inputError);
    const evaluation = beginEvaluation();
    let raw: unknown;
    try {
      raw = await (interpreterOnly ? this.runner.interpret : this.runner.run)(record, evaluation);
    } catch (err) {
      return fail(explainGuardrail(toMappingError(err, this.text, 'evaluate'), this.options));
    } finally {
      endEvaluation(evaluation);
    }
    return this.finish(raw, evaluation);
  }

  /**
   * performance.now() right after the last compiled record's code ran: the end of that record's CPU budget check
   * and the start of the next record's (the page loop reads the wall clock once per record).
   */
  private clock = 0;

  /** the evaluation state of compiled records, reset for each (they run one at a time, synchronously) */
  private readonly syncEvaluation: EvaluationState = {
    cpuStart: 0,
    wallStart: 0,
    steps: 0,
    allocated: 0,
    plainOutput: false,
  };

  /**
   * The compiled code without a promise per record; undefined when the record needs the interpreter. `now` is the
   * wall clock at the start of the record (the CPU clock is read from it at most every few ms: cpu-clock.ts).
   */
  private evaluateSync(
    record: unknown,
    runSync: NonNullable<EngineRunner['runSync']>,
    now: number,
  ): MapResult | undefined {
    this.clock = now;
    const inputError = this.validateInput?.(record);
    if (inputError) return fail(inputError);
    const evaluation = beginEvaluation(now, this.syncEvaluation);
    let raw: unknown;
    try {
      raw = runSync(record, evaluation);
    } catch (err) {
      return fail(explainGuardrail(toMappingError(err, this.text, 'evaluate'), this.options));
    } finally {
      endEvaluation(evaluation);
      this.clock = performance.now();
    }
    return raw === HAND_OVER ? undefined : this.finish(raw, evaluation, this.clock);
  }

  private finish(raw: unknown, evaluation: ReturnType<typeof beginEvaluation>, now?: number): MapResult {
    const late = checkDeadline(evaluation, this.options, now);
    if (late) return fail(late);
    let value: unknown = raw;
    try {
      // compiled code proves most outputs plain JSON within the size limit as it builds them (compiler/output.ts)
      if (!evaluation.plainOutput) {
        value = toPlainJson(raw, { maxSize: this.options.maxOutputSize, maxDepth: MAX_OUTPUT_DEPTH });
      }
    } catch (err) {
      if (err instanceof OutputError) return fail(err.mappingError);
      return fail(explainGuardrail(toMappingError(err, this.text, 'evaluate'), this.options));
    }
    if (value === undefined) {
      return fail({ code: 'output.empty', message: 'The expression produced no value for this record' });
    }
    // an explicit $skip() is a decision, not an output: it is not validated against the target schema
    if (isSkipMarker(value)) return { ok: true, value };
    const outputError = this.validateOutput?.(value);
    return outputError ? fail(outputError) : { ok: true, value };
  }

  /**
   * A record the compiled code handed over, on the interpreter. The interpreter is asynchronous, so stack traces are
   * left as they are here: switching them off across its awaits would switch them off for whatever else the thread
   * runs meanwhile (compiled code reports most errors exactly and hands over few records).
   */
  private async rerun(record: unknown): Promise<MapResult> {
    return this.evaluateNow(record, true);
  }

  async evaluatePage(records: readonly unknown[]): Promise<MapResult[]> {
    const results: MapResult[] = [];
    const yieldNow = createYielder();
    const runSync = this.runner.runSync;
    if (runSync) {
      // compiled code: records run synchronously, a slice of the page per turn of this thread's evaluations
      await this.runner.ready;
      let next = 0;
      while (next < records.length) {
        next = await oneAtATime(async () => {
          const sliceStart = performance.now();
          this.clock = sliceStart;
          let index = next;
          while (index < records.length) {
            const record = records[index++];
            const result = this.evaluateSync(record, runSync, this.clock);
            if (result) results.push(result);
            else {
              results.push(await this.rerun(record));
              this.clock = performance.now();
            }
            if (this.clock - sliceStart > PAGE_SLICE_MS) break;
          }
          return index;
        });
        await yieldNow();
      }
      return results;
    }
    for (const record of records) {
      results.push(await this.evaluate(record));
      await yieldNow();
    }
    return results;
  }
}

/**
 * Compiles a mapping. Throws MappingCompileError (with `.mappingError`: code, line, column, token) when the
 * expression does not parse, uses a regex RE2 cannot run, or a schema is invalid.
 */
export function compileMapping(mapping: MappingDefinition, opts?: MappingEngineOptions): CompiledMapping {
  const options = resolveEngineOptions(opts);
  const compiled = getCompiledExpression(mapping.id, mapping.version, mapping.expression, options);
  const validateSource = options.validateSource ?? mapping.source?.validate ?? false;
  const inputValidator = validateSource ? validatorFor(mapping.source?.schema, 'input.invalid', mapping.id) : undefined;
  const outputValidator = options.validateOutput
    ? validatorFor(mapping.target?.schema, 'output.invalid', mapping.id)
    : undefined;
  // the compiled JSONata subset when the whole expression compiles, else the interpreter (compiler/index.ts)
  const runner = engineRunner(compiled.expression, mapping.expression, options);
  return new Compiled(
    mapping.id,
    mapping.version ?? compiled.hash,
    compiled.hash,
    mapping.expression,
    runner,
    options,
    inputValidator,
    outputValidator,
  );
}

/** Compile-and-evaluate for previews (CLI, API, UI): never throws, a compile error is returned as the result. */
export async function previewMapping(
  mapping: MappingDefinition,
  input: unknown,
  opts?: MappingEngineOptions,
): Promise<MapResult> {
  try {
    return await compileMapping(mapping, opts).evaluate(input);
  } catch (err) {
    if (err instanceof MappingCompileError) return fail(err.mappingError);
    return fail(toMappingError(err, mapping.expression, 'compile'));
  }
}
