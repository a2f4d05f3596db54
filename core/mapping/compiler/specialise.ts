import type { Code, CompiledState } from './compile';
import type { Runtime } from './functions';
import { append, Rerun, step } from './runtime';

/**
 * Per-site JavaScript for the two hottest node shapes: simple paths (`a.b.c`, `$v.b.c`) and output object
 * constructors (output.ts). Written as closures, every path in every mapping ran the same function, so V8 saw every
 * record shape of every mapping at its property loads and stores (megamorphic: a hash-table probe per access) and
 * could inline none of the member calls. Generated with `new Function` from the node's constant field names, each
 * site is its own function with its own feedback: loads and stores of a mapping's fields are monomorphic, a member's
 * code is a constant call target (inlinable), and field names are literals. CPU profiles of the bench's small
 * mappings showed these two closures and the GC they caused as the largest share over the hand-written versions.
 *
 * The generated code does exactly what the closures did (structures.ts `compilePath`, output.ts
 * `compileOutputObject`); the only text put into it from the expression is field names, as JSON string literals.
 * The equivalence tests (test/core/mapping/compiler) run both shapes against the interpreter.
 */

const literal = (name: string): string => JSON.stringify(name);

/** `value` is a JSONata function value (runtime.ts `isFunction`), written for an object operand. */
const isFunctionObject = (value: string): string =>
  `(${value}._jsonata_function === true || ${value}._jsonata_lambda === true)`;

/**
 * The statements of a simple path (structures.ts `compilePath`) in a labelled block: `target` gets the value of the
 * names looked up in turn from `context` (the first name; `first` undefined) or from the value already in `target`
 * (`first` set: the first step's value was put there). A context or step value that is an array makes `fallback`
 * (a call of the general path evaluation, from the context) the value.
 */
function pathStatements(
  label: string,
  target: string,
  context: string,
  firstName: string | undefined,
  names: readonly string[],
  fallback: string,
): string[] {
  const lines = [`${label}: {`];
  if (firstName !== undefined) {
    lines.push(
      `if (Array.isArray(${context})) { ${target} = ${fallback}; break ${label}; }`,
      `if (${context} === null || typeof ${context} !== 'object' || !hasOwn.call(${context}, ${literal(firstName)}) || ` +
        `${isFunctionObject(context)}) { ${target} = undefined; break ${label}; }`,
      `${target} = ${context}[${literal(firstName)}];`,
    );
  }
  for (const name of names) {
    lines.push(
      `if (${target} === undefined) break ${label};`,
      `if (Array.isArray(${target})) { ${target} = ${fallback}; break ${label}; }`,
      `if (${target} === null || typeof ${target} !== 'object' || ${isFunctionObject(target)}) ` +
        `{ ${target} = undefined; break ${label}; }`,
      `${target} = hasOwn.call(${target}, ${literal(name)}) ? ${target}[${literal(name)}] : undefined;`,
    );
  }
  lines.push(`if (Array.isArray(${target})) ${target} = ${fallback};`, '}');
  return lines;
}

/**
 * A simple path's code (structures.ts `compilePath`): the first step is the name `firstName` looked up in the
 * context, or (`firstName` undefined) the value of `first`; then each of `names` looked up in turn. Anything over an
 * array goes to `fallback` (the general path evaluation).
 */
export function simplePathCode(
  firstName: string | undefined,
  first: Code,
  names: readonly string[],
  fallback: Code,
): Code {
  const lines = [
    'let current;',
    ...(firstName === undefined ? ['current = first(input, frame, state);'] : []),
    ...pathStatements('path', 'current', 'input', firstName, names, 'fallback(input, frame, state)'),
    'return current;',
  ];
  const factory = new Function(
    'first',
    'fallback',
    'hasOwn',
    `'use strict';\nreturn function path(input, frame, state) {\n${lines.join('\n')}\n};`,
  ) as (first: Code, fallback: Code, hasOwn: typeof Object.prototype.hasOwnProperty) => Code;
  return factory(first, fallback, Object.prototype.hasOwnProperty);
}

/** As output.ts `memberSize`: the JSON size of a member, or -1 when it is not proven plain JSON. */
export type MemberSize = (value: unknown, state: CompiledState) => number;

/**
 * An output object constructor's code (output.ts `compileOutputObject`): literal, distinct, non-reserved keys; the
 * value codes in key order; `keySizes[k]` is key k's share of the JSON size.
 */
export function outputObjectCode(
  keys: readonly string[],
  values: readonly Code[],
  keySizes: readonly number[],
  memberSize: MemberSize,
  /** per value: the names of a simple path of names from the context, written inline (its code the fallback) */
  inlinePaths: readonly (readonly string[] | undefined)[] = [],
): Code {
  const params = values.map((_, k) => `v${k}`);
  const lines: string[] = [
    'let data = input;',
    'if (Array.isArray(input)) data = group(input, state);',
    'const result = {};',
    'let size = 2;',
    'let value;',
    'let member;',
  ];
  keys.forEach((key, k) => {
    const path = inlinePaths[k];
    if (path) {
      lines.push(...pathStatements(`p${k}`, 'value', 'data', path[0], path.slice(1), `v${k}(data, frame, state)`));
    } else {
      lines.push(`value = v${k}(data, frame, state);`);
    }
    lines.push(
      'if (value !== undefined) {',
      `  result[${literal(key)}] = value;`,
      '  if (size >= 0) {',
      '    member = memberSize(value, state);',
      `    size = member < 0 ? -1 : size + ${keySizes[k]} + member;`,
      '  }',
      '}',
    );
  });
  lines.push('if (size >= 0) {', '  state.plainValue = result;', '  state.plainSize = size;', '}', 'return result;');
  const factory = new Function(
    'group',
    'memberSize',
    'hasOwn',
    ...params,
    `'use strict';\nreturn function object(input, frame, state) {\n${lines.join('\n')}\n};`,
  ) as (
    group: typeof groupContext,
    memberSize: MemberSize,
    hasOwn: typeof Object.prototype.hasOwnProperty,
    ...values: Code[]
  ) => Code;
  return factory(groupContext, memberSize, Object.prototype.hasOwnProperty, ...values);
}

/** An object constructor over an array context: every item falls in every (literal) key's group. */
function groupContext(list: unknown[], state: CompiledState): unknown {
  if (list.length === 0) throw new Rerun('an object constructor over an empty array');
  let data = list[0];
  for (let index = 1; index < list.length; index++) data = append(data, list[index], state);
  return data;
}

/** The function table getter and `apply` of functions.ts, passed in (specialise.ts imports no compiler module). */
export type Apply = (proc: unknown, args: unknown[], input: unknown, state: CompiledState, runtime: Runtime) => unknown;

/**
 * A call's code (compile.ts `compileCall`, the ordinary case): the procedure, then the arguments left to right into
 * one array, then `apply` — with the context as the call's input, or for a tail call the input of the lambda's own
 * caller — and, with `normalise`, JSONata's sequence normalisation of the result. Per site, the procedure's and each
 * argument's code are constant call targets.
 */
export function callCode(
  proc: Code,
  args: readonly Code[],
  tail: boolean,
  normalise: { keepArray: boolean } | undefined,
  runtime: () => Runtime,
  apply: Apply,
  normalize: (value: unknown, keepArray: boolean) => unknown,
): Code {
  const params = args.map((_, a) => `a${a}`);
  const values = params.map((a) => `${a}(i, f, s)`).join(', ');
  const input = tail ? 'f.callInput' : 'i';
  const norm = (value: string) => (normalise ? `normalize(${value}, ${normalise.keepArray})` : value);
  const lines = ['const fn = proc(i, f, s);'];
  if (args.length === 1) {
    // a pure lambda's generated body (pure-lambda.ts), called directly: what `apply` would do for it (a step of
    // the guardrails, then the body with the lambda's own input) without the argument array and dispatch
    lines.push(
      'const x = a0(i, f, s);',
      'if (typeof fn === "object" && fn !== null && fn.fast !== undefined && s.bindings === undefined) {',
      '  step(s);',
      `  return ${norm(`fn.fast(x, fn.input, ${input}, s)`)};`,
      '}',
      `return ${norm(`apply(fn, [x], ${input}, s, runtime())`)};`,
    );
  } else {
    lines.push(`return ${norm(`apply(fn, [${values}], ${input}, s, runtime())`)};`);
  }
  const factory = new Function(
    'proc',
    'runtime',
    'apply',
    'normalize',
    'step',
    ...params,
    `'use strict';\nreturn function call(i, f, s) {\n${lines.join('\n')}\n};`,
  ) as (
    proc: Code,
    runtime: () => Runtime,
    apply: Apply,
    normalize: unknown,
    stepFn: typeof step,
    ...args: Code[]
  ) => Code;
  return factory(proc, runtime, apply, normalize, step, ...args);
}

/** What reuse.ts hands to `reuseCode`: the helpers its condition uses. */
export interface ReuseHelpers {
  runtime: () => Runtime;
  apply: Apply;
  normalize: (value: unknown, keepArray: boolean) => unknown;
  isDeepEqual: (lhs: unknown, rhs: unknown) => boolean;
  isPrimitive: (value: unknown) => boolean;
  /** the procedure value is a compiled lambda that is pure (one argument) */
  pureLambda: (fn: unknown) => boolean;
  /** the procedure value is a compiled lambda */
  isLambda: (fn: unknown) => boolean;
}

/**
 * reuse.ts's `f(x) != "" ? f(x) : …` condition, per site: the test call as `callCode` makes it (normalised), the
 * comparison, then the test's value when the call is pure and its value primitive, else the branch's own code.
 */
export function reuseCode(
  proc: Code,
  args: readonly Code[],
  rhs: Code,
  negate: boolean,
  builtIn: boolean,
  then: Code,
  otherwise: Code | undefined,
  helpers: ReuseHelpers,
): Code {
  const params = args.map((_, a) => `a${a}`);
  const values = params.map((a) => `${a}(i, f, s)`).join(', ');
  const pure = builtIn ? '!h.isLambda(fn)' : `h.pureLambda(fn) && ${args.length === 1}`;
  const test = negate ? 'value !== undefined && r !== undefined && !equal' : 'equal';
  const lines = [
    'const fn = proc(i, f, s);',
    `const value = h.normalize(h.apply(fn, [${values}], i, s, h.runtime()), false);`,
    'const r = rhs(i, f, s);',
    'const equal = value !== undefined && r !== undefined && h.isDeepEqual(value, r);',
    `if (${test}) {`,
    `  if (${pure} && h.isPrimitive(value) && s.bindings === undefined) return value;`,
    '  return then(i, f, s);',
    '}',
    otherwise ? 'return otherwise(i, f, s);' : 'return undefined;',
  ];
  const factory = new Function(
    'proc',
    'rhs',
    'then',
    'otherwise',
    'h',
    ...params,
    `'use strict';\nreturn function reuse(i, f, s) {\n${lines.join('\n')}\n};`,
  ) as (proc: Code, rhs: Code, then: Code, otherwise: Code | undefined, h: ReuseHelpers, ...args: Code[]) => Code;
  return factory(proc, rhs, then, otherwise, helpers, ...args);
}
