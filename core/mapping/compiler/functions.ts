import { Re2RegExp } from '../re2-regexp';
import {
  createSequence,
  isFunction,
  isPromise,
  refusePromise,
  Rerun,
  step,
  type RunState,
  type Sequence,
} from './runtime';

/**
 * Calling functions from compiled code: compiled lambdas, JSONata's built-ins and the hub's registered functions
 * (the very function objects the interpreter uses, guardrail wrappers included: see table.ts), or the synchronous
 * versions in natives.ts.
 */

interface Signature {
  validate(args: unknown[], context: unknown): unknown[];
}

/** Where table.ts puts the synchronous version of a built-in on its function object. */
export const NATIVE = Symbol('native version');

export interface FunctionDefinition {
  _jsonata_function: true;
  [NATIVE]?: Native;
  implementation: (this: unknown, ...args: unknown[]) => unknown;
  signature?: Signature;
}

/** A lambda (`function($x) { … }`) of compiled code: callable directly, and a function value to JSONata. */
/** What a lambda node compiles to: its parameters, signature and body (shared by every lambda value it makes). */
export interface LambdaDefinition {
  /** the parameter nodes: JSONata reads a lambda's arity from `arguments.length` */
  params: readonly unknown[];
  signature: Signature | undefined;
  /** one parameter, and the body's value depends on it alone (purity.ts): calls may be remembered */
  pure: boolean;
  /** the body as one generated function (pure-lambda.ts), when it is in that subset */
  fast?: (arg: unknown, input: unknown, callInput: unknown, state: never) => unknown;
  run(input: unknown, frame: unknown, args: unknown[], state: RunState, callInput: unknown): unknown;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/** A lambda value (`function($x) { … }`) of compiled code: callable directly, and a function value to JSONata. */
export class CompiledLambda {
  readonly _jsonata_lambda = true;
  /**
   * The generated body of a pure lambda without a signature (pure-lambda.ts), which a call site with one argument
   * calls directly (specialise.ts `callCode`) when no evaluation bindings could shadow what it calls.
   */
  readonly fast: LambdaDefinition['fast'];
  constructor(
    private readonly definition: LambdaDefinition,
    /** the context and scope the lambda was made in (JSONata evaluates the body there) */
    readonly input: unknown,
    private readonly frame: unknown,
  ) {
    this.fast = definition.signature === undefined ? definition.fast : undefined;
  }

  get signature(): Signature | undefined {
    return this.definition.signature;
  }

  /** its value depends on its one argument alone (purity.ts) */
  get pure(): boolean {
    return this.definition.pure;
  }

  get arguments(): readonly unknown[] {
    return this.definition.params;
  }

  /**
   * the last call of a pure lambda with a primitive argument and result (purity.ts), with its caller's input: a
   * built-in called in tail position takes its missing or mistyped context argument from there (`$string()`,
   * `$substring(5, 1)`), so the same argument from another context may give another result
   */
  private remembered = false;
  private lastArgument: unknown = undefined;
  private lastCallInput: unknown = undefined;
  private lastResult: unknown = undefined;

  invoke(args: unknown[], state: RunState, callInput: unknown): unknown {
    const definition = this.definition;
    // evaluation bindings (tests) could shadow a built-in the purity check assumed
    if (!definition.pure || args.length !== 1 || (state as { bindings?: unknown }).bindings !== undefined) {
      return definition.run(this.input, this.frame, args, state, callInput);
    }
    const argument = args[0];
    if (this.remembered && Object.is(argument, this.lastArgument) && callInput === this.lastCallInput) {
      return this.lastResult;
    }
    const result = definition.run(this.input, this.frame, args, state, callInput);
    if (isPrimitive(argument) && isPrimitive(result)) {
      this.remembered = true;
      this.lastArgument = argument;
      this.lastCallInput = callInput;
      this.lastResult = result;
    }
    return result;
  }
}

export type Native = (args: unknown[], state: RunState, runtime: Runtime) => unknown;

/** Everything a compiled expression needs at run time besides its own code. */
export interface Runtime {
  /** the function objects by name, as the interpreter sees them */
  functions: Record<string, FunctionDefinition>;
  concat: (lhs: unknown, rhs: unknown) => unknown;
  options: { sequence: number };
}

/** A sequence factory for JSONata's own built-ins, with JSONata's push limit (D2015). */
function checkedSequenceFactory(max: number): (...items: unknown[]) => Sequence {
  return function createChecked(...items: unknown[]): Sequence {
    const sequence = createSequence();
    sequence.push = function push(...more: unknown[]): number {
      if (sequence.length + more.length > max) throw { code: 'D2015', value: max };
      return Array.prototype.push.apply(sequence, more);
    };
    if (items.length === 1) sequence.push(items[0]);
    return sequence;
  };
}

const sequenceFactories = new Map<number, (...items: unknown[]) => Sequence>();

export function focus(input: unknown, runtime: Runtime, state: RunState): unknown {
  let createChecked = sequenceFactories.get(runtime.options.sequence);
  if (!createChecked) {
    createChecked = checkedSequenceFactory(runtime.options.sequence);
    sequenceFactories.set(runtime.options.sequence, createChecked);
  }
  // $toMillis/$fromMillis read the evaluation's timestamp from the environment, as the interpreter sets it
  const environment = (state.environment ??= { timestamp: new Date(), lookup: nothing, bind: nothing });
  return { input, options: runtime.options, createSequence: createChecked, environment };
}

function nothing(): undefined {
  return undefined;
}

/** JSONata's type letter of a value (signature.js `getSymbol`), as a digit 1–7: f s n b l a o, m. */
function symbol(value: unknown): number {
  if (isFunction(value)) return 1;
  switch (typeof value) {
    case 'string':
      return 2;
    case 'number':
      return 3;
    case 'boolean':
      return 4;
    case 'object':
      return value === null ? 5 : Array.isArray(value) ? 6 : 7;
    default:
      return 0;
  }
}

/** Arguments whose letters fit one key: 8^17 · 2 is still an exact double. */
const MAX_KEYED_ARGUMENTS = 16;

/**
 * Argument letters for which a signature's validation returned the arguments unchanged, or unchanged followed by
 * undefined for optional parameters not given (`$string(x)` is validated to `[x, undefined]` by `<x-b?:s>`): the
 * number kept is the validated length. For a signature without array parameters (no coercion to arrays, no checks of
 * array members) the outcome depends only on those letters and on whether the context is undefined (a missing
 * argument taken from a defined context is never undefined, so such an outcome is never kept), so the same letters
 * need not be validated again. The letters are kept as one number (a base-8 digit per argument after a leading 1, so
 * lengths differ too, then a bit for an undefined context): no string is built per call.
 */
const UNCHANGED = Symbol('argument letters validated unchanged');
type CachedSignature = Signature & { definition?: string; [UNCHANGED]?: Map<number, number> | null };

/** Whether `validated` is `args` followed by nothing but undefined. */
function paddedOnly(args: unknown[], validated: unknown[]): boolean {
  if (validated.length < args.length) return false;
  for (let i = 0; i < validated.length; i++) {
    if (validated[i] !== (i < args.length ? args[i] : undefined)) return false;
  }
  return true;
}

export function validate(signature: CachedSignature, args: unknown[], context: unknown): unknown[] {
  let known = signature[UNCHANGED];
  if (known === undefined) {
    // null: the signature has array parameters, whose validation depends on more than the letters
    const params = /^<([^:>]*)/.exec(signature.definition ?? '')?.[1] ?? 'a';
    known = params.includes('a') ? null : new Map<number, number>();
    signature[UNCHANGED] = known;
  }
  if (known === null || args.length > MAX_KEYED_ARGUMENTS) return signature.validate(args, context);
  let letters = 1;
  for (let i = 0; i < args.length; i++) letters = letters * 8 + symbol(args[i]);
  letters = letters * 2 + (context === undefined ? 1 : 0);
  const length = known.get(letters);
  if (length === args.length) return args;
  if (length !== undefined) {
    const padded = args.slice();
    while (padded.length < length) padded.push(undefined);
    return padded;
  }
  const validated = signature.validate(args, context);
  if (paddedOnly(args, validated)) known.set(letters, validated.length);
  return validated;
}

/** `apply`/`applyInner` of the interpreter, synchronously. */
export function apply(proc: unknown, args: unknown[], input: unknown, state: RunState, runtime: Runtime): unknown {
  // a compiled lambda first: it has no `_jsonata_function`, whose lookup on it would miss
  if (proc instanceof CompiledLambda) {
    const validated = proc.signature ? validate(proc.signature, args, input) : args;
    step(state);
    return proc.invoke(validated, state, input);
  }
  if (typeof proc === 'object' && proc !== null && (proc as FunctionDefinition)._jsonata_function === true) {
    const definition = proc as FunctionDefinition;
    const validated = definition.signature ? validate(definition.signature, args, input) : args;
    const native = definition[NATIVE];
    if (native) return native(validated, state, runtime);
    const implementation = definition.implementation;
    // an arrow function (the hub's stdlib) has no `this`: it needs no focus object
    let result =
      implementation.prototype === undefined
        ? implementation(...validated)
        : implementation.apply(focus(input, runtime, state), validated);
    if (typeof result === 'object' && result !== null && Symbol.iterator in result) {
      const iterator = result as unknown as { next?: unknown };
      if (typeof iterator.next === 'function')
        result = (iterator.next as () => { value: unknown }).call(iterator).value;
    }
    if (isPromise(result)) refusePromise(result);
    return result;
  }
  if (typeof proc === 'function') {
    const result: unknown = (proc as (...a: unknown[]) => unknown).apply(input, args);
    if (isPromise(result)) refusePromise(result);
    return result;
  }
  if (typeof proc === 'object' && proc !== null && (proc as { _jsonata_lambda?: unknown })._jsonata_lambda === true) {
    throw new Rerun('a lambda from outside the compiled code');
  }
  throw { code: 'T1006' };
}

/** A regex literal as JSONata evaluates it: a matcher closure over a fresh RE2 regex. */
export function regexMatcher(value: RegExp | Re2RegExp): (str: string, fromIndex?: number) => unknown {
  const re = new Re2RegExp(value);
  const closure = (str: string, fromIndex?: number): unknown => {
    re.lastIndex = fromIndex || 0;
    const match = re.exec(str);
    if (match === null) return undefined;
    const result = {
      match: match[0],
      start: match.index,
      end: match.index + match[0].length,
      groups: match.slice(1),
      next: (): unknown => {
        if (re.lastIndex >= str.length) return undefined;
        const next = closure(str, re.lastIndex) as { match: string } | undefined;
        if (next && next.match === '') throw { code: 'D1004', value: value.source };
        return next;
      },
    };
    return result;
  };
  return closure;
}

/** Built-ins the compiler declines: async in JSONata and not rewritten here, or tied to the interpreter. */
export const DECLINED_FUNCTIONS = new Set(['sort', 'single', 'sift', 'eval', 'now', 'millis']);
