import {
  boolean,
  createSequence,
  isFunction,
  isNumeric,
  isPromise,
  lookup,
  refusePromise,
  Rerun,
  step,
  type RunState,
} from './runtime';
import { apply, focus, type Native, type Runtime } from './functions';

/**
 * Synchronous versions of built-ins: those JSONata implements as async functions ($map, $filter, $reduce, $each,
 * $contains, $match, $replace, $split) and short cuts for the string functions mappings call most — transcribed
 * from jsonata-js 2.2 src/functions.js (MIT licence). A result long enough to count against the guardrails'
 * per-record allocation budget is left to the interpreter (Rerun), which does that accounting.
 */

export function arity(func: unknown): number {
  const f = func as { arity?: unknown; implementation?: unknown; length?: unknown; arguments?: unknown[] };
  if (typeof f.arity === 'number') return f.arity;
  if (typeof f.implementation === 'function') return f.implementation.length;
  if (typeof f.length === 'number') return f.length;
  return f.arguments?.length ?? 0;
}

function hofArgs(func: unknown, arg1: unknown, arg2: unknown, arg3: unknown): unknown[] {
  const args = [arg1];
  const length = arity(func);
  if (length >= 2) args.push(arg2);
  if (length >= 3) args.push(arg3);
  return args;
}

interface Match {
  match: string;
  start: number;
  end: number;
  groups: string[];
  next: unknown;
}

function callMatcher(matcher: unknown, str: string | undefined, state: RunState, runtime: Runtime): Match | undefined {
  const result = (
    typeof matcher === 'function'
      ? (matcher as (s: unknown) => unknown)(str)
      : apply(matcher, [str], null, state, runtime)
  ) as Match | undefined;
  if (isPromise(result)) refusePromise(result);
  if (
    result &&
    !(
      typeof result.start === 'number' ||
      (result as { end: unknown }).end === 'number' ||
      Array.isArray(result.groups) ||
      isFunction(result.next)
    )
  ) {
    throw { code: 'T1010' };
  }
  return result;
}

/** Strings and arrays this long go through the guardrails' per-record accounting: the interpreter takes over. */
const ACCOUNTED_FROM = 1024;

function sized<T>(result: T): T {
  if ((typeof result === 'string' || Array.isArray(result)) && result.length >= ACCOUNTED_FROM) {
    throw new Rerun('a large result (accounted by the guardrails)');
  }
  return result;
}

const map: Native = ([arr, func], state, runtime) => {
  if (arr === undefined) return undefined;
  const list = arr as unknown[];
  const result = createSequence();
  for (let i = 0; i < list.length; i++) {
    const res = apply(func, hofArgs(func, list[i], i, list), null, state, runtime);
    if (res !== undefined) result.push(res);
  }
  return sized(result);
};

const filter: Native = ([arr, func], state, runtime) => {
  if (arr === undefined) return undefined;
  const list = arr as unknown[];
  const result = createSequence();
  for (let i = 0; i < list.length; i++) {
    if (boolean(apply(func, hofArgs(func, list[i], i, list), null, state, runtime))) result.push(list[i]);
  }
  return sized(result);
};

const reduce: Native = ([sequence, func, init], state, runtime) => {
  if (sequence === undefined) return undefined;
  const list = sequence as unknown[];
  const n = arity(func);
  if (n < 2) throw { code: 'D3050', index: 1 };
  let result: unknown;
  let index: number;
  if (init === undefined && list.length > 0) {
    result = list[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  while (index < list.length) {
    const args = [result, list[index]];
    if (n >= 3) args.push(index);
    if (n >= 4) args.push(list);
    result = apply(func, args, null, state, runtime);
    index++;
  }
  return result;
};

const each: Native = ([obj, func], state, runtime) => {
  const result = createSequence();
  const keys = typeof obj === 'object' && obj !== null ? Object.keys(obj) : [];
  for (const key of keys) {
    const value = apply(func, hofArgs(func, (obj as Record<string, unknown>)[key], key, obj), null, state, runtime);
    if (value !== undefined) result.push(value);
  }
  return sized(result);
};

const contains: Native = ([str, token], state, runtime) => {
  if (str === undefined || token === undefined) return undefined;
  if (typeof token === 'string') return (str as string).indexOf(token) !== -1;
  return callMatcher(token, str as string, state, runtime) !== undefined;
};

const match: Native = ([str, regex, limit], state, runtime) => {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw { value: limit, code: 'D3040', index: 3 };
  const result = createSequence();
  if (limit === undefined || (limit as number) > 0) {
    let count = 0;
    let matches = callMatcher(regex, str as string, state, runtime);
    while (matches !== undefined && (limit === undefined || count < (limit as number))) {
      result.push({ match: matches.match, index: matches.start, groups: matches.groups });
      matches = callMatcher(matches.next, undefined, state, runtime);
      count++;
      step(state);
    }
  }
  return sized(result);
};

function substitute(replacement: string, regexMatch: Match): string {
  let out = '';
  let position = 0;
  let index = replacement.indexOf('$', position);
  while (index !== -1 && position < replacement.length) {
    out += replacement.substring(position, index);
    position = index + 1;
    const dollarVal = replacement.charAt(position);
    if (dollarVal === '$') {
      out += '$';
      position++;
    } else if (dollarVal === '0') {
      out += regexMatch.match;
      position++;
    } else {
      const maxDigits =
        regexMatch.groups.length === 0 ? 1 : Math.floor(Math.log(regexMatch.groups.length) * Math.LOG10E) + 1;
      index = parseInt(replacement.substring(position, position + maxDigits), 10);
      if (maxDigits > 1 && index > regexMatch.groups.length) {
        index = parseInt(replacement.substring(position, position + maxDigits - 1), 10);
      }
      if (!Number.isNaN(index)) {
        if (regexMatch.groups.length > 0) {
          const submatch = regexMatch.groups[index - 1];
          if (submatch !== undefined) out += submatch;
        }
        position += index.toString().length;
      } else {
        out += '$';
      }
    }
    index = replacement.indexOf('$', position);
  }
  return out + replacement.substring(position);
}

const replace: Native = ([str, pattern, replacement, limit], state, runtime) => {
  if (str === undefined) return undefined;
  const text = str as string;
  if (pattern === '') throw { code: 'D3010', value: pattern, index: 2 };
  if ((limit as number) < 0) throw { code: 'D3011', value: limit, index: 4 };
  if (limit !== undefined && (limit as number) <= 0) return sized(text);
  let result = '';
  let position = 0;
  let count = 0;
  if (typeof pattern === 'string') {
    let index = text.indexOf(pattern, position);
    while (index !== -1 && (limit === undefined || count < (limit as number))) {
      result += text.substring(position, index) + (replacement as string);
      position = index + pattern.length;
      count++;
      index = text.indexOf(pattern, position);
      if (result.length >= ACCOUNTED_FROM) throw new Rerun('a large result (accounted by the guardrails)');
    }
    return sized(result + text.substring(position));
  }
  let matches = callMatcher(pattern, text, state, runtime);
  if (matches === undefined) return sized(text);
  while (matches !== undefined && (limit === undefined || count < (limit as number))) {
    result += text.substring(position, matches.start);
    const replacedWith =
      typeof replacement === 'string'
        ? substitute(replacement, matches)
        : apply(replacement, [matches], null, state, runtime);
    if (typeof replacedWith !== 'string') throw { code: 'D3012', value: replacedWith };
    result += replacedWith;
    if (result.length >= ACCOUNTED_FROM) throw new Rerun('a large result (accounted by the guardrails)');
    position = matches.start + matches.match.length;
    count++;
    step(state);
    matches = callMatcher(matches.next, undefined, state, runtime);
  }
  return sized(result + text.substring(position));
};

const split: Native = ([str, separator, limit], state, runtime) => {
  if (str === undefined) return undefined;
  const text = str as string;
  if ((limit as number) < 0) throw { code: 'D3020', value: limit, index: 3 };
  let result: string[] = [];
  if (limit === undefined || (limit as number) > 0) {
    if (typeof separator === 'string') {
      result = text.split(separator, limit as number | undefined);
    } else {
      let count = 0;
      let matches = callMatcher(separator, text, state, runtime);
      if (matches !== undefined) {
        let start = 0;
        while (matches !== undefined && (limit === undefined || count < (limit as number))) {
          result.push(text.substring(start, matches.start));
          start = matches.end;
          step(state);
          if (result.length >= ACCOUNTED_FROM) throw new Rerun('a large result (accounted by the guardrails)');
          matches = callMatcher(matches.next, undefined, state, runtime);
          count++;
        }
        if (limit === undefined || count < (limit as number)) result.push(text.substring(start));
      } else {
        result.push(text);
      }
    }
  }
  return sized(result);
};

/** The table's own function (guardrail wrapper included), for the cases a native short cut leaves to it. */
function delegate(name: string, args: unknown[], state: RunState, runtime: Runtime): unknown {
  return runtime.functions[name].implementation.apply(focus(undefined, runtime, state), args);
}

// Short cuts for the string built-ins mappings call most (each a few lines of src/functions.js): JSONata's
// versions sit behind the guardrail wrapper, one more call and an argument array per call.
const string: Native = (args, state, runtime) => {
  const arg = args[0];
  if (typeof arg === 'string') return sized(arg);
  // a finite number: JSON.stringify of it, a non-integer rounded to 15 significant digits (src/functions.js `string`)
  if (typeof arg === 'number' && Number.isFinite(arg)) {
    return String(Number.isInteger(arg) ? arg : Number(arg.toPrecision(15)));
  }
  return arg === undefined ? undefined : delegate('string', args, state, runtime);
};
/** The decimal numbers JSONata's `$number` casts with parseFloat (src/functions.js `number`). */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
/**
 * A string of 1–15 ASCII digits after an optional minus — most quantities and ids — as parseFloat reads it (exactly:
 * 15 digits are within a double's integer precision), without the regex; NaN for anything else.
 */
function shortInteger(str: string): number {
  const n = str.length;
  const negative = n > 0 && str.charCodeAt(0) === 45;
  const first = negative ? 1 : 0;
  if (n === first || n - first > 15) return NaN;
  let value = 0;
  for (let i = first; i < n; i++) {
    const digit = str.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}
/** `$number` of a number or a decimal string; anything else (hex, booleans, errors) is JSONata's own version. */
const number: Native = (args, state, runtime) => {
  const arg = args[0];
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string') {
    const integer = shortInteger(arg);
    if (integer === integer) return integer; // not NaN
  }
  if (typeof arg === 'string' && DECIMAL.test(arg)) {
    const result = parseFloat(arg);
    if (!Number.isNaN(result) && Number.isFinite(Number(arg))) return result;
  }
  return arg === undefined ? undefined : delegate('number', args, state, runtime);
};
const lowercase: Native = ([str]) => (str === undefined ? undefined : sized((str as string).toLowerCase()));
const uppercase: Native = ([str]) => (str === undefined ? undefined : sized((str as string).toUpperCase()));
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * JSONata's `$trim` of a string — every run of spaces, tabs and line breaks made one space, then a space at either
 * end removed (src/functions.js `trim`: a regex replace and two substrings) — in one scan: the ends are cut by index,
 * and only a string with a tab, a line break or two spaces inside is rebuilt. Mappings trim nearly every field they
 * read, and messy input is padded more often than not (two thirds of the order lines' values in the bench's data).
 */
export function trimString(str: string): string {
  const n = str.length;
  let start = 0;
  while (start < n && isSpace(str.charCodeAt(start))) start++;
  let end = n;
  while (end > start && isSpace(str.charCodeAt(end - 1))) end--;
  for (let i = start; i < end; i++) {
    const c = str.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c === 32 && str.charCodeAt(i + 1) === 32)) return collapse(str, start, end);
  }
  return start === 0 && end === n ? str : str.slice(start, end);
}

/** The words of str[start, end) — it starts and ends with one — joined by single spaces. */
function collapse(str: string, start: number, end: number): string {
  let result = '';
  let word = start;
  for (let i = start; i < end; i++) {
    if (!isSpace(str.charCodeAt(i))) continue;
    if (word >= 0) {
      result += (result === '' ? '' : ' ') + str.slice(word, i);
      word = -1;
    }
    if (i + 1 < end && !isSpace(str.charCodeAt(i + 1))) word = i + 1;
  }
  return result + (result === '' ? '' : ' ') + str.slice(word, end);
}
const trim: Native = ([str]) => (str === undefined ? undefined : sized(trimString(str as string)));
const join: Native = ([strs, separator]) => {
  if (strs === undefined) return undefined;
  return sized((strs as string[]).join(separator === undefined ? '' : (separator as string)));
};
const lookupField: Native = ([input, key], state) => sized(lookup(input, key as string, state));
const exists: Native = ([arg]) => arg !== undefined;
const not: Native = ([arg]) => (arg === undefined ? undefined : !boolean(arg));
const toBoolean: Native = ([arg]) => boolean(arg);
const count: Native = ([args]) => (args === undefined ? 0 : (args as unknown[]).length);
const type: Native = ([value]) => {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (isNumeric(value)) return 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (isFunction(value)) return 'function';
  return 'object';
};

/** Built-ins the compiled code runs itself, by name (JSONata's versions are async, or behind one more call). */
/** What `DIRECT` functions return when the argument is not theirs: the caller takes the general call. */
export const GENERAL = Symbol('general call');

/**
 * One-argument natives for the common argument — a string of ordinary size, a finite number for `$string` — with
 * exactly the general call's result (its signature leaves such an argument as it is, and the native returns the
 * same); anything else is GENERAL. For generated code (pure-lambda.ts), which calls them without an argument array.
 */
export const DIRECT: Readonly<Record<string, (x: unknown) => unknown>> = {
  string: (x) => {
    if (typeof x === 'string') return x.length < ACCOUNTED_FROM ? x : GENERAL;
    if (typeof x === 'number' && Number.isFinite(x)) return String(Number.isInteger(x) ? x : Number(x.toPrecision(15)));
    return GENERAL;
  },
  trim: (x) => (typeof x === 'string' && x.length < ACCOUNTED_FROM ? trimString(x) : GENERAL),
  lowercase: (x) => {
    if (typeof x !== 'string') return GENERAL;
    const result = x.toLowerCase();
    return result.length < ACCOUNTED_FROM ? result : GENERAL;
  },
  uppercase: (x) => {
    if (typeof x !== 'string') return GENERAL;
    const result = x.toUpperCase();
    return result.length < ACCOUNTED_FROM ? result : GENERAL;
  },
};

export const NATIVES: Record<string, Native> = {
  map,
  filter,
  reduce,
  each,
  contains,
  match,
  replace,
  split,
  string,
  number,
  lowercase,
  uppercase,
  trim,
  join,
  lookup: lookupField,
  exists,
  not,
  boolean: toBoolean,
  count,
  type,
};
