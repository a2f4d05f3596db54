import jsonata from 'jsonata';
import { coarseThreadCpuMs, threadCpuMs } from './cpu-clock';
import type { ResolvedEngineOptions } from './types';

/**
 * Size and CPU limits enforced inside an evaluation, so one expression cannot exhaust the thread it runs on:
 *
 * - built-ins that can produce a string or array much larger than their input are checked *before* they allocate
 *   (`$pad` width, `$join` total length, `$string`/`$clone` serialised size, `$split` item count, `&` operands);
 * - every string- or array-producing built-in is rebound (a compiled expression may rebind a name) to a wrapper that
 *   checks its result: a string over `maxStringLength` or an array over `maxSequence` fails the record, and large
 *   results are added up per evaluation against `maxAllocation` (many strings each under the limit still stop);
 * - the `&` operator is not a function, so its AST nodes are rewritten when the expression is compiled into calls
 *   of `$__hubConcat`, which checks the operand sizes and then concatenates exactly as JSONata does (`$string` of
 *   each operand); inside `$eval` the same rewrite runs from JSONata's node-entry hook;
 * - the CPU time of this thread is checked every few AST nodes against `timeoutMs` (not the wall clock), from the
 *   `stack` option JSONata reads on entry to every node (a getter: no extra promise turn per node, unlike the hooks).
 *
 * Evaluations on one thread run one at a time (engine.ts), so the state of "the" current evaluation is module-level.
 */

export interface ThrownGuardrail {
  code: string;
  message: string;
  value?: number;
  position?: number;
  token?: string;
}

interface AstNode {
  type: string;
  value?: unknown;
  position?: number;
  lhs?: AstNode;
  rhs?: AstNode;
  procedure?: AstNode;
  arguments?: AstNode[];
}

interface Frame {
  bind(name: string | symbol, value: unknown): void;
}

export interface EvaluationState {
  cpuStart: number;
  /** performance.now() at the start: a thread's CPU time never runs ahead of the wall clock, so while less wall
   * time than the limit has passed the (costlier) CPU clock need not be read. */
  wallStart: number;
  steps: number;
  allocated: number;
  /** the compiled code's output is proven plain JSON: the engine need not copy it (compiler/output.ts) */
  plainOutput: boolean;
}

type Implementation = (this: unknown, ...args: unknown[]) => unknown;
interface BuiltIn {
  implementation: Implementation;
  signature?: { definition: string };
}

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const CONCAT = '__hubConcat';
/** CPU time is read every this many AST nodes (a read costs about 1 µs; a node a few µs). */
const CPU_CHECK_EVERY = 32;
/** Strings shorter than this are not added to the allocation total (they are the common case and cheap). */
const ACCOUNT_FROM = 1024;

function guardrail(code: string, message: string, extra: Partial<ThrownGuardrail> = {}): ThrownGuardrail {
  return { code, message, ...extra };
}

export function stringLimitError(length: number, options: ResolvedEngineOptions, what: string): ThrownGuardrail {
  return guardrail(
    'guardrail.string',
    `${what} would be ${length} characters long, over the maximum string length of ${options.maxStringLength}`,
    { value: options.maxStringLength },
  );
}

function sequenceLimitError(length: number, options: ResolvedEngineOptions, what: string): ThrownGuardrail {
  return guardrail(
    'guardrail.sequence',
    `A sequence exceeded the maximum length of ${options.maxSequence} items: ${what} has ${length} items`,
    { value: options.maxSequence },
  );
}

function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

/**
 * Whether the JSON text of `value` (as `$string` would write it) is longer than `budget` characters. Walks at most
 * `budget` nodes, so a value built by doubling (shared sub-objects, exponential when written out) is refused early.
 */
export function serialisedSizeExceeds(value: unknown, budget: number, prettify = false): boolean {
  let size = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: item, depth } = stack.pop() as { value: unknown; depth: number };
    if (prettify) size += 2 * depth + 1;
    if (typeof item === 'string') size += item.length + 2;
    else if (typeof item === 'number') size += 24;
    else if (typeof item === 'boolean' || item === null) size += 5;
    else if (Array.isArray(item)) {
      size += 2 + item.length;
      for (const member of item) stack.push({ value: member, depth: depth + 1 });
    } else if (typeof item === 'object' && item !== null && !isFunctionValue(item)) {
      size += 2;
      for (const [key, member] of Object.entries(item)) {
        size += key.length + 4;
        stack.push({ value: member, depth: depth + 1 });
      }
    }
    if (size > budget) return true;
  }
  return false;
}

// --- the evaluation running on this thread ---

let current: EvaluationState | undefined;

/**
 * Called by the engine right before an evaluation starts (evaluations on a thread never overlap). `now` is
 * performance.now() as the caller last read it (a page reads the clock once per record, not three times).
 */
export function beginEvaluation(now = performance.now(), reuse?: EvaluationState): EvaluationState {
  const cpuStart = coarseThreadCpuMs(now);
  if (!reuse) {
    current = { cpuStart, wallStart: now, steps: 0, allocated: 0, plainOutput: false };
    return current;
  }
  // the engine's page loop reuses one state for its synchronous records: no allocation per record
  reuse.cpuStart = cpuStart;
  reuse.wallStart = now;
  reuse.steps = 0;
  reuse.allocated = 0;
  reuse.plainOutput = false;
  current = reuse;
  return reuse;
}

export function endEvaluation(state: EvaluationState): void {
  if (current === state) current = undefined;
}

function account(size: number, options: ResolvedEngineOptions): void {
  if (size < ACCOUNT_FROM || !current) return;
  current.allocated += size;
  if (current.allocated > options.maxAllocation) {
    throw guardrail(
      'guardrail.memory',
      `The expression built more than ${options.maxAllocation} characters/items of strings and arrays for one record (the per-record allocation limit)`,
      { value: options.maxAllocation },
    );
  }
}

/** What `jsonata()` gets as options: `stack` is read on entry to every AST node, so its getter checks CPU time. */
export function guardedJsonataOptions(
  options: ResolvedEngineOptions,
  base: jsonata.JsonataOptions,
): jsonata.JsonataOptions {
  const guarded = { ...base };
  Object.defineProperty(guarded, 'stack', {
    enumerable: true,
    get(): number {
      const state = current;
      if (
        state &&
        ++state.steps % CPU_CHECK_EVERY === 0 &&
        performance.now() - state.wallStart > options.timeoutMs &&
        threadCpuMs() - state.cpuStart > options.timeoutMs
      ) {
        throw { code: 'D1012', value: options.timeoutMs };
      }
      return options.maxDepth;
    },
  });
  return guarded;
}

// --- JSONata's own built-ins, looked up once (evaluation is async, so they are ready by the first real call) ---

/**
 * Every built-in that returns a string or an array: its JSONata signature, and the parameter list and arity of its
 * implementation. JSONata reads both from a native function (arity for higher-order calls, `toString()` for partial
 * application such as `$substring(?, 1)`), so each wrapper copies them; `wrappedBuiltInMismatches()` checks them
 * against the installed JSONata (a test runs it).
 */
const SIGNATURES = {
  string: ['<x-b?:s>', 'arg, prettify = false', 1],
  substring: ['<s-nn?:s>', 'str, start, length', 3],
  substringBefore: ['<s-s:s>', 'str, chars', 2],
  substringAfter: ['<s-s:s>', 'str, chars', 2],
  lowercase: ['<s-:s>', 'str', 1],
  uppercase: ['<s-:s>', 'str', 1],
  trim: ['<s-:s>', 'str', 1],
  pad: ['<s-ns?:s>', 'str, width, char', 3],
  match: ['<s-f<s:o>n?:a<o>>', 'str, regex, limit', 3],
  replace: ['<s-(sf)(sf)n?:s>', 'str, pattern, replacement, limit', 4],
  split: ['<s-(sf)n?:a<s>>', 'str, separator, limit', 3],
  join: ['<a<s>s?:s>', 'strs, separator', 2],
  formatNumber: ['<n-so?:s>', 'value, picture, options', 3],
  formatBase: ['<n-n?:s>', 'value, radix', 2],
  formatInteger: ['<n-s:s>', 'value, picture', 2],
  map: ['<af>', 'arr, func', 2],
  zip: ['<a+>', '', 0],
  filter: ['<af>', 'arr, func', 2],
  keys: ['<x-:a<s>>', 'arg', 1],
  lookup: ['<x-s:x>', 'input, key', 2],
  append: ['<xx:a>', 'arg1, arg2', 2],
  spread: ['<x-:a<o>>', 'arg', 1],
  reverse: ['<a:a>', 'arr', 1],
  each: ['<o-f:a>', 'obj, func', 2],
  sort: ['<af?:a>', 'arr, comparator', 2],
  shuffle: ['<a:a>', 'arr', 1],
  distinct: ['<x:x>', 'arr', 1],
  base64encode: ['<s-:s>', 'str', 1],
  base64decode: ['<s-:s>', 'str', 1],
  encodeUrlComponent: ['<s-:s>', 'str', 1],
  encodeUrl: ['<s-:s>', 'str', 1],
  decodeUrlComponent: ['<s-:s>', 'str', 1],
  decodeUrl: ['<s-:s>', 'str', 1],
  eval: ['<sx?:x>', 'expr, focus', 2],
  fromMillis: ['<n-s?s?:s>', 'millis, picture, timezone', 3],
  clone: ['<(oa)-:o>', 'arg', 1],
} as const satisfies Record<string, readonly [string, string, number]>;
type WrappedName = keyof typeof SIGNATURES;
const WRAPPED = Object.keys(SIGNATURES) as WrappedName[];

let originals: Record<WrappedName, BuiltIn> | undefined;
const originalsReady: Promise<void> = (async () => {
  const all = WRAPPED.map((name) => `"${name}": $${name}`).join(', ');
  originals = (await jsonata(`{ ${all} }`).evaluate({})) as Record<WrappedName, BuiltIn>;
})();

function callOriginal(name: WrappedName, self: unknown, args: unknown[]): unknown {
  if (originals) return originals[name].implementation.apply(self, args);
  return originalsReady.then(() => (originals as Record<WrappedName, BuiltIn>)[name].implementation.apply(self, args));
}

/** Differences between the table above and the installed JSONata's built-ins (empty when they agree). */
export async function wrappedBuiltInMismatches(): Promise<string[]> {
  await originalsReady;
  const found = originals as Record<WrappedName, BuiltIn & { signature?: { definition: string } }>;
  const problems: string[] = [];
  for (const name of WRAPPED) {
    const [signature, params, arity] = SIGNATURES[name];
    const original = found[name];
    const text = /\(([^)]*)\)/.exec(original.implementation.toString())?.[1];
    if (original.signature?.definition !== signature)
      problems.push(`${name}: signature ${original.signature?.definition}`);
    if (text !== params) problems.push(`${name}: parameters (${text})`);
    if (original.implementation.length !== arity) problems.push(`${name}: arity ${original.implementation.length}`);
  }
  return problems;
}

/** Gives a wrapper the parameter list and arity JSONata reads from the original. */
function lookAlike(name: WrappedName, wrapper: Implementation): Implementation {
  const [, params, arity] = SIGNATURES[name];
  Object.defineProperty(wrapper, 'length', { value: arity });
  Object.defineProperty(wrapper, 'toString', { value: () => `function (${params}) { [guarded ${name}] }` });
  return wrapper;
}

/** V8's own "Invalid string length" / "Invalid array length" become guardrail errors, not `evaluate.error`. */
function fromRangeError(err: unknown, options: ResolvedEngineOptions, what: string): unknown {
  if (!(err instanceof RangeError)) return err;
  if (/string length/i.test(err.message)) {
    return guardrail(
      'guardrail.string',
      `${what} produced a string over the maximum string length of ${options.maxStringLength}`,
      { value: options.maxStringLength },
    );
  }
  if (/array length/i.test(err.message)) {
    return guardrail(
      'guardrail.sequence',
      `${what} produced an array over the maximum length of ${options.maxSequence} items`,
      {
        value: options.maxSequence,
      },
    );
  }
  return err;
}

function checkResult(result: unknown, options: ResolvedEngineOptions, what: string): unknown {
  if (typeof result === 'string') {
    if (result.length > options.maxStringLength)
      throw stringLimitError(result.length, options, `The result of ${what}`);
    account(result.length, options);
  } else if (Array.isArray(result)) {
    if (result.length > options.maxSequence) throw sequenceLimitError(result.length, options, `the result of ${what}`);
    account(result.length, options);
  }
  return result;
}

type Check = (args: unknown[], self: unknown) => unknown[];

function guarded(name: WrappedName, options: ResolvedEngineOptions, before?: Check): Implementation {
  const what = `$${name}`;
  return function (this: unknown, ...args: unknown[]): unknown {
    try {
      const result = callOriginal(name, this, before ? before(args, this) : args);
      if (result instanceof Promise) {
        return result.then(
          (value: unknown) => checkResult(value, options, what),
          (err: unknown) => Promise.reject(fromRangeError(err, options, what)),
        );
      }
      return checkResult(result, options, what);
    } catch (err) {
      throw fromRangeError(err, options, what);
    }
  };
}

function stringSize(value: unknown, options: ResolvedEngineOptions, prettify = false): number {
  if (value === undefined || isFunctionValue(value)) return 0;
  if (typeof value === 'string') return value.length;
  if (typeof value !== 'object' || value === null) return 24;
  return serialisedSizeExceeds(value, options.maxStringLength, prettify) ? Number.POSITIVE_INFINITY : 0;
}

function prechecks(options: ResolvedEngineOptions): Partial<Record<WrappedName, Check>> {
  const max = options.maxStringLength;
  return {
    pad: (args) => {
      const [str, width] = args;
      if (typeof str === 'string' && typeof width === 'number' && Math.abs(Math.trunc(width)) > max) {
        throw stringLimitError(Math.abs(Math.trunc(width)), options, `$pad to width ${width}`);
      }
      return args;
    },
    join: (args) => {
      const [items, separator] = args;
      if (Array.isArray(items)) {
        const sep = typeof separator === 'string' ? separator.length : 0;
        let total = Math.max(0, items.length - 1) * sep;
        for (const item of items) total += typeof item === 'string' ? item.length : 0;
        if (total > max) throw stringLimitError(total, options, 'The result of $join');
      }
      return args;
    },
    string: (args) => {
      const [value, prettify] = args;
      if (typeof value === 'object' && value !== null && stringSize(value, options, prettify === true) > max) {
        throw stringLimitError(Number.POSITIVE_INFINITY, options, 'The result of $string');
      }
      return args;
    },
    clone: (args) => {
      if (serialisedSizeExceeds(args[0], options.maxOutputSize)) {
        throw guardrail('guardrail.output', `$clone of a value over ${options.maxOutputSize} JSON characters`, {
          value: options.maxOutputSize,
        });
      }
      return args;
    },
    split: (args) => {
      const [str, separator, limit] = args;
      // one item more than allowed: a longer result is refused by the result check
      const cap = options.maxSequence + 1;
      return str === undefined ? args : [str, separator, typeof limit === 'number' ? Math.min(limit, cap) : cap];
    },
  };
}

/** `$eval` parses its own AST: its `&` nodes are rewritten by a node-entry hook bound for the call's duration. */
function guardedEval(evaluate: Implementation): Implementation {
  const rewrite = (expr: AstNode): void => {
    if (expr.type === 'binary' && expr.value === '&') rewriteConcat(expr);
  };
  return function (this: unknown, ...args: unknown[]): unknown {
    const frame = (this as { environment?: Frame }).environment;
    frame?.bind(ENTRY, rewrite);
    const done = () => frame?.bind(ENTRY, undefined);
    try {
      const result = evaluate.apply(this, args);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    } catch (err) {
      done();
      throw err;
    }
  };
}

function concatenate(options: ResolvedEngineOptions): Implementation {
  return function (this: unknown, lhs: unknown, rhs: unknown): unknown {
    const total = stringSize(lhs, options) + stringSize(rhs, options);
    if (total > options.maxStringLength) throw { ...stringLimitError(total, options, 'The result of &'), token: '&' };
    let result: unknown;
    if ((lhs === undefined || typeof lhs === 'string') && (rhs === undefined || typeof rhs === 'string')) {
      result = (lhs ?? '') + (rhs ?? '');
    } else {
      // JSONata's `&` writes each operand with $string
      const text = (value: unknown) => (value === undefined ? '' : callOriginal('string', this, [value]));
      const [left, right] = [text(lhs), text(rhs)];
      if (left instanceof Promise || right instanceof Promise) {
        return Promise.all([left, right]).then(([l, r]) => checkResult(`${l ?? ''}${r ?? ''}`, options, '&'));
      }
      result = `${(left as string | undefined) ?? ''}${(right as string | undefined) ?? ''}`;
    }
    return checkResult(result, options, '&');
  } as Implementation;
}

/** `a & b` → `$__hubConcat(a, b)`, in place. */
function rewriteConcat(node: AstNode): void {
  const { lhs, rhs, position } = node;
  delete node.lhs;
  delete node.rhs;
  node.type = 'function';
  node.value = '(';
  node.procedure = { type: 'variable', value: CONCAT, position };
  node.arguments = [lhs as AstNode, rhs as AstNode];
}

function rewriteAllConcats(node: unknown, seen = new Set<unknown>()): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  for (const child of Object.values(node)) rewriteAllConcats(child, seen);
  const ast = node as AstNode;
  if (ast.type === 'binary' && ast.value === '&' && ast.lhs && ast.rhs) rewriteConcat(ast);
}

/** Installs the checked built-ins on a freshly compiled expression and rewrites its `&` operators. */
export function installLimits(expression: jsonata.Expression, options: ResolvedEngineOptions): void {
  const before = prechecks(options);
  for (const name of WRAPPED) {
    let implementation = guarded(name, options, before[name]);
    if (name === 'eval') implementation = guardedEval(implementation);
    expression.registerFunction(name, lookAlike(name, implementation), SIGNATURES[name][0]);
  }
  // no signature: the operands arrive exactly as `&` sees them (undefined, sequences, functions included)
  expression.assign(CONCAT, { _jsonata_function: true, implementation: concatenate(options) });
  rewriteAllConcats(expression.ast());
}
