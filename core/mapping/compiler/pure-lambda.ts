import type { AstNode } from './analyse';
import type { CompiledState, Compiler } from './compile';
import { apply, NATIVE, type FunctionDefinition, type Runtime } from './functions';
import { DIRECT, GENERAL, NATIVES } from './natives';
import { boolean, isDeepEqual, normalize } from './runtime';

/**
 * One generated JavaScript function per pure lambda body (purity.ts): its parameter a JavaScript parameter, its
 * calls of built-ins direct, no frame. Mappings call helpers such as
 * `$text := function($v) { $v ? $trim($string($v)) : "" }` for nearly every field they read (11 calls per
 * HubSpot deal with its lines); run as a tree of closures with a frame per call, those calls were a quarter of the
 * compiled hubspot-deal-to-odoo-order's time in a CPU profile (bench/README.md, "Mapping engine").
 *
 * The body is written as one expression from this subset, else the lambda keeps its closure tree (compile.ts):
 * literals, the parameter, conditions, calls of the built-ins purity.ts accepts (resolved from the function table
 * the interpreter uses, at the first call), `=`, `!=` and `&`. Each construct does what compile.ts's closure for it
 * does — the same runtime helpers, the same normalisation — so the results are the closure tree's; an error is
 * thrown as there (and, not being exact, hands the record to the interpreter). Only node kinds and JSON literals
 * reach the generated text. The equivalence tests (test/core/mapping/compiler) run these lambdas against the
 * interpreter; pure-lambda.test.ts checks that the shipped helpers are generated.
 */

/** The generated body: the argument, the lambda's own input, the caller's input (for a tail call), the state. */
export type FastBody = (arg: unknown, input: unknown, callInput: unknown, state: CompiledState) => unknown;

class Unsupported extends Error {}

interface Emitter {
  param: string;
  /** the built-ins called, by index in the generated text */
  names: string[];
}

function literal(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && Number.isFinite(value)) return Object.is(value, -0) ? '-0' : String(value);
  throw new Unsupported();
}

function plain(node: AstNode): boolean {
  return !node.predicate && !node.stages && node.group === undefined && !node.keepArray && !node.tuple;
}

/** A call of a built-in: `tail` as a thunk (the caller's input, result not normalised), else normalised. */
function emitCall(node: AstNode, e: Emitter, tail: boolean): string {
  const procedure = node.procedure as AstNode;
  if (procedure.type !== 'variable' || !plain(procedure) || !plain(node)) throw new Unsupported();
  const args = (node.arguments ?? []).map((arg) => {
    if (arg.type === 'operator') throw new Unsupported();
    return emit(arg, e, false);
  });
  let index = e.names.indexOf(String(procedure.value));
  if (index < 0) index = e.names.push(String(procedure.value)) - 1;
  const inputName = tail ? 'callInput' : 'input';
  const call =
    args.length === 1
      ? `call1(${index}, ${args[0]}, ${inputName}, s)`
      : `apply(fn(${index}), [${args.join(', ')}], ${inputName}, s, runtime())`;
  return tail ? call : `normalize(${call}, false)`;
}

function emit(node: AstNode, e: Emitter, tail: boolean): string {
  if (!plain(node)) throw new Unsupported();
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      return literal(node.value);
    case 'variable':
      if (node.value !== e.param) throw new Unsupported();
      return 'normalize(v, false)';
    case 'condition': {
      const test = emit(node.condition as AstNode, e, false);
      const then = emit(node.then as AstNode, e, tail);
      const otherwise = node.else ? emit(node.else, e, tail) : 'undefined';
      const value = `(boolean(${test}) ? ${then} : ${otherwise})`;
      return tail ? value : `normalize(${value}, false)`;
    }
    case 'lambda':
      // a call in tail position, parsed as a thunk
      if (node.thunk !== true || (node.body as AstNode | undefined)?.type !== 'function') throw new Unsupported();
      return emitCall(node.body as AstNode, e, true);
    case 'function':
      return emitCall(node, e, false);
    case 'binary': {
      const op = String(node.value);
      const lhs = emit(node.lhs as AstNode, e, false);
      const rhs = emit(node.rhs as AstNode, e, false);
      if (op === '=' || op === '!=') return `equals(${lhs}, ${rhs}, ${op === '!='})`;
      if (op === '&') return `runtime().concat(${lhs}, ${rhs})`;
      throw new Unsupported();
    }
    default:
      throw new Unsupported();
  }
}

/** `=` / `!=` as operators.ts compiles them (both sides evaluated, left first). */
function equals(lhs: unknown, rhs: unknown, negate: boolean): boolean {
  if (lhs === undefined || rhs === undefined) return false;
  return negate ? !isDeepEqual(lhs, rhs) : isDeepEqual(lhs, rhs);
}

/** The generated body of a pure one-parameter lambda, or undefined when the body is outside the subset. */
export function fastPureBody(body: AstNode, param: string, compiler: Compiler): FastBody | undefined {
  const e: Emitter = { param, names: [] };
  let text: string;
  try {
    text = emit(body, e, true);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  const names = e.names;
  const functions: (FunctionDefinition | undefined)[] = names.map(() => undefined);
  // resolved at the first call, as compile.ts resolves a built-in (the function table is bound after compiling)
  const fn = (index: number): unknown => {
    let value = functions[index];
    if (value === undefined) {
      const table = compiler.runtime().functions;
      value = Object.prototype.hasOwnProperty.call(table, names[index]) ? table[names[index]] : undefined;
      functions[index] = value;
    }
    return value;
  };
  // the one-argument natives' common case without the argument array (natives.ts DIRECT), when the function table's
  // entry is the built-in with that very native (not, say, a stdlib function of the same name)
  const direct = names.map((name) => {
    const candidate = Object.prototype.hasOwnProperty.call(DIRECT, name) ? DIRECT[name] : undefined;
    return candidate === undefined ? undefined : { candidate, checked: false, usable: false };
  });
  const call1 = (index: number, x: unknown, input: unknown, s: CompiledState): unknown => {
    const entry = direct[index];
    if (entry !== undefined) {
      if (!entry.checked) {
        const definition = fn(index) as FunctionDefinition | undefined;
        entry.usable = definition?.[NATIVE] !== undefined && definition[NATIVE] === NATIVES[names[index]];
        entry.checked = true;
      }
      if (entry.usable) {
        const result = entry.candidate(x);
        if (result !== GENERAL) return result;
      }
    }
    return apply(fn(index), [x], input, s, compiler.runtime());
  };
  const factory = new Function(
    'fn',
    'call1',
    'apply',
    'runtime',
    'normalize',
    'boolean',
    'equals',
    `'use strict';\nreturn function pureLambda(v, input, callInput, s) {\nreturn ${text};\n};`,
  ) as (
    fn: (index: number) => unknown,
    call1Fn: typeof call1,
    applyFn: typeof apply,
    runtime: () => Runtime,
    normalizeFn: typeof normalize,
    booleanFn: typeof boolean,
    equalsFn: typeof equals,
  ) => FastBody;
  return factory(fn, call1, apply, compiler.runtime, normalize, boolean, equals);
}
