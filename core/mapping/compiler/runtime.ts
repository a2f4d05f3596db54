import { threadCpuMs } from '../cpu-clock';

/**
 * Values and helpers the compiled code shares with JSONata's interpreter. Each helper is a transcription of the
 * jsonata-js 2.2 function of the same name (src/jsonata.js, src/utils.js, src/functions.js; MIT licence), written
 * synchronously: the compiled code never awaits, which is where most of its speed comes from.
 *
 * Sequences are arrays flagged `sequence: true`, exactly as JSONata makes them, so values can pass between the
 * compiled code and JSONata's own built-ins unchanged.
 */

export type Sequence = unknown[] & {
  sequence?: boolean;
  keepSingleton?: boolean;
  cons?: boolean;
  outerWrapper?: boolean;
};

/**
 * Thrown by compiled code when it meets something it does not reproduce exactly (an async built-in, a value big
 * enough for the guardrails' accounting, a sequence over the limit, any error): the engine then evaluates the
 * record with the interpreter, which gives the exact result or error.
 */
export class Rerun extends Error {
  constructor(readonly reason: string) {
    super(`compiled mapping handed the record to the interpreter: ${reason}`);
    this.name = 'Rerun';
  }
}

/** What the compiled code needs from the engine while it runs one record. */
export interface RunState {
  maxSequence: number;
  timeoutMs: number;
  /** thread CPU ms and performance.now() at the start of the record (limits.ts EvaluationState) */
  cpuStart: number;
  wallStart: number;
  steps: number;
  /** what built-ins read as `this.environment` (the timestamp for $toMillis and $fromMillis) */
  environment?: { timestamp: Date; lookup(): undefined; bind(): undefined };
}

/** Loop iterations and lambda calls between two looks at the clock. */
const CHECK_EVERY = 256;

/** The CPU-time guardrail: counted steps, the clock read every CHECK_EVERY of them (not on every node). */
export function step(state: RunState): void {
  if (++state.steps % CHECK_EVERY !== 0) return;
  if (performance.now() - state.wallStart <= state.timeoutMs) return;
  if (threadCpuMs() - state.cpuStart > state.timeoutMs) {
    // the interpreter's own timeout error; errors.ts maps D1012 to guardrail.timeout
    throw { code: 'D1012', value: state.timeoutMs };
  }
}

export function createSequence(): Sequence {
  const sequence: Sequence = [];
  sequence.sequence = true;
  return sequence;
}

export function sequenceOf(item: unknown): Sequence {
  const sequence: Sequence = [item];
  sequence.sequence = true;
  return sequence;
}

/** JSONata's sequence limit (D2015), checked once a sequence is built instead of on every push. */
export function checkLength(sequence: unknown[], state: RunState): void {
  if (sequence.length > state.maxSequence) throw new Rerun('sequence over the maximum length');
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

export function isFunction(arg: unknown): boolean {
  if (typeof arg === 'function') return true;
  if (typeof arg !== 'object' || arg === null) return false;
  const v = arg as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

export function isNumeric(n: unknown): n is number {
  if (typeof n !== 'number' || Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) throw { code: 'D1001', value: n };
  return true;
}

export function isArrayOfNumbers(arg: unknown): boolean {
  return Array.isArray(arg) && arg.every((item) => isNumeric(item));
}

/** The end of JSONata's `evaluate`: empty sequence → undefined, singleton → its item (unless kept as an array). */
export function normalize(result: unknown, keepArray: boolean): unknown {
  if (typeof result !== 'object' || result === null || (result as Sequence).sequence !== true) return result;
  if (!Array.isArray(result)) return result;
  const sequence = result as Sequence & { tupleStream?: boolean };
  if (sequence.tupleStream) return result;
  if (keepArray) sequence.keepSingleton = true;
  if (sequence.length === 0) return undefined;
  if (sequence.length === 1) return sequence.keepSingleton ? sequence : sequence[0];
  return sequence;
}

export function boolean(arg: unknown): boolean | undefined {
  // a condition's test is mostly a comparison's result already
  if (arg === true || arg === false) return arg;
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return boolean(arg[0]);
    if (arg.length > 1) return arg.filter((value) => boolean(value)).length > 0;
    return false;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

export function boolize(value: unknown): boolean {
  return boolean(value) ?? false;
}

export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!isDeepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length) return false;
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  for (const key of lkeys) {
    if (!isDeepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** `fn.lookup`: a field of an object, mapped over arrays (flattening one level). */
export function lookup(input: unknown, key: string, state: RunState): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = lookup(item, key, state);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (const value of res) result.push(value);
      else result.push(res);
    }
    checkLength(result, state);
    return result;
  }
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key)) {
    if (isFunction(input)) return undefined;
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/** `fn.append` */
export function append(arg1: unknown, arg2: unknown, state: RunState): unknown {
  if (arg1 === undefined) return arg2;
  if (arg2 === undefined) return arg1;
  const first = Array.isArray(arg1) ? arg1 : sequenceOf(arg1);
  const second = Array.isArray(arg2) ? arg2 : [arg2];
  if (first.length + second.length > state.maxSequence) throw new Rerun('sequence over the maximum length');
  return first.concat(second);
}

export function evaluateNumeric(lhs: unknown, rhs: unknown, op: string): number | undefined {
  if (lhs !== undefined && !isNumeric(lhs)) throw { code: 'T2001', value: lhs };
  if (rhs !== undefined && !isNumeric(rhs)) throw { code: 'T2002', value: rhs };
  if (lhs === undefined || rhs === undefined) return undefined;
  const [l, r] = [lhs as number, rhs as number];
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    default:
      return l % r;
  }
}

export function evaluateComparison(lhs: unknown, rhs: unknown, op: string): boolean | undefined {
  const ltype = typeof lhs;
  const rtype = typeof rhs;
  const lok = ltype === 'undefined' || ltype === 'string' || ltype === 'number';
  const rok = rtype === 'undefined' || rtype === 'string' || rtype === 'number';
  if (!lok || !rok) throw { code: 'T2010', value: !(ltype === 'string' || ltype === 'number') ? lhs : rhs };
  if (ltype === 'undefined' || rtype === 'undefined') return undefined;
  if (ltype !== rtype) throw { code: 'T2009', value: lhs, value2: rhs };
  const [l, r] = [lhs as string | number, rhs as string | number];
  switch (op) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    default:
      return l >= r;
  }
}

export function evaluateIncludes(lhs: unknown, rhs: unknown): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  const list = Array.isArray(rhs) ? rhs : [rhs];
  for (const item of list) if (item === lhs) return true;
  return false;
}

export function evaluateRange(lhs: unknown, rhs: unknown, state: RunState): Sequence | undefined {
  if (lhs !== undefined && !Number.isInteger(lhs)) throw { code: 'T2003', value: lhs };
  if (rhs !== undefined && !Number.isInteger(rhs)) throw { code: 'T2004', value: rhs };
  if (lhs === undefined || rhs === undefined) return undefined;
  const [from, to] = [lhs as number, rhs as number];
  if (from > to) return undefined;
  const size = to - from + 1;
  if (size > 1e7 || size > state.maxSequence) throw new Rerun('range over the maximum length');
  const result = createSequence();
  for (let item = from; item <= to; item++) result.push(item);
  return result;
}

/** `flatten` (wildcard) */
export function flatten(arg: unknown, flattened: unknown[] = []): unknown[] {
  if (Array.isArray(arg)) for (const item of arg) flatten(item, flattened);
  else flattened.push(arg);
  return flattened;
}

export function recurseDescendants(input: unknown, results: unknown[]): void {
  if (!Array.isArray(input)) results.push(input);
  if (Array.isArray(input)) {
    for (const member of input) recurseDescendants(member, results);
  } else if (input !== null && typeof input === 'object' && !isFunction(input)) {
    for (const key of Object.keys(input)) recurseDescendants((input as Record<string, unknown>)[key], results);
  }
}

export function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'then' in value &&
    typeof (value as { then: unknown }).then === 'function'
  );
}

/** A promise the compiled code will not wait for: handled (no unhandled rejection) and handed to the interpreter. */
export function refusePromise(value: Promise<unknown>): never {
  value.then(
    () => undefined,
    () => undefined,
  );
  throw new Rerun('an asynchronous function');
}
