import { Decline, type AstNode } from './analyse';
import type { Code, Compiler } from './compile';
import { bindsInFrame, compileNode } from './compile';
import { simplePathCode } from './specialise';
import {
  append,
  boolean,
  checkLength,
  createSequence,
  isArrayOfNumbers,
  isNumeric,
  isSequence,
  normalize,
  Rerun,
  sequenceOf,
  step,
  type RunState,
  type Sequence,
} from './runtime';

/**
 * Paths, predicates and constructors: `evaluatePath`, `evaluateStep`, `evaluateFilter`, the `[` and `{` cases of
 * `evaluateUnary` and `evaluateGroupExpression` of jsonata-js 2.2, synchronously. Paths of plain field names over
 * objects take a short cut that gives the same result without building a sequence per step.
 */

type Filter = (input: unknown, frame: Parameters<Code>[1], state: Parameters<Code>[2]) => unknown;

const RESERVED_KEYS = new Set(['_jsonata_lambda', '_jsonata_function']);

export function compileFilter(predicate: AstNode, compiler: Compiler): Filter {
  if (predicate.type === 'number') {
    const value = Math.floor(predicate.value as number);
    return (input) => {
      let results: unknown = createSequence();
      const list = Array.isArray(input) ? input : sequenceOf(input);
      const index = value < 0 ? list.length + value : value;
      const item = list[index];
      if (item !== undefined) {
        if (Array.isArray(item)) results = item;
        else (results as unknown[]).push(item);
      }
      return results;
    };
  }
  const test = compileNode(predicate, compiler);
  return (input, frame, state) => {
    const results = createSequence();
    const list = Array.isArray(input) ? input : sequenceOf(input);
    for (let index = 0; index < list.length; index++) {
      step(state);
      const item = list[index];
      let res = test(item, frame, state);
      if (isNumeric(res)) res = [res];
      if (isArrayOfNumbers(res)) {
        for (const ires of res as number[]) {
          let ii = Math.floor(ires);
          if (ii < 0) ii = list.length + ii;
          if (ii === index) results.push(item);
        }
      } else if (boolean(res)) {
        results.push(item);
      }
    }
    checkLength(results, state);
    return results;
  };
}

interface CompiledStep {
  code: Code;
  stages: Filter[];
  consarray: boolean;
  last: boolean;
}

function evaluateStep(st: CompiledStep, input: unknown, frame: Parameters<Code>[1], state: Parameters<Code>[2]) {
  const result = createSequence();
  const list = input as unknown[];
  for (let ii = 0; ii < list.length; ii++) {
    step(state);
    let res = st.code(list[ii], frame, state);
    for (const stage of st.stages) res = stage(res, frame, state);
    if (res !== undefined) result.push(res);
  }
  checkLength(result, state);
  if (st.last && result.length === 1 && Array.isArray(result[0]) && !isSequence(result[0]))
    return result[0] as unknown[];
  const resultSequence = createSequence();
  for (const res of result) {
    if (!Array.isArray(res) || (res as Sequence).cons) resultSequence.push(res);
    else for (const value of res) resultSequence.push(value);
  }
  checkLength(resultSequence, state);
  return resultSequence;
}

/** `a.b.c` or `$v.b.c`: no stages, no array flags. */
export function isSimplePath(node: AstNode): boolean {
  if (node.keepSingletonArray) return false;
  return (node.steps ?? []).every(
    (s, index) =>
      (s.type === 'name' || (s.type === 'variable' && index === 0)) &&
      !s.stages &&
      !s.predicate &&
      !s.keepArray &&
      s.group === undefined,
  );
}

/**
 * A path's code. With `normalised`, the code applies JSONata's sequence normalisation itself (a simple path's short
 * cut never builds a sequence, so only its slow branch needs it) and the caller must not add it again.
 */
export function compilePath(node: AstNode, compiler: Compiler, normalised = false, lastStep?: Code): Code {
  if (node.tuple) throw new Decline('tuple paths (@, #)');
  const all = node.steps ?? [];
  const steps: CompiledStep[] = all.map((s, index) => {
    if (s.tuple || s.focus !== undefined || s.index !== undefined || s.ancestor !== undefined) {
      throw new Decline('focus, index or parent bindings');
    }
    if (s.type === 'sort' || s.type === 'parent') throw new Decline(`${s.type} step`);
    const stages = (s.stages ?? []).map((stage) => {
      if (stage.type !== 'filter') throw new Decline(`${stage.type} stage`);
      return compileFilter(stage.expr, compiler);
    });
    return {
      // `lastStep`: the caller's code for the last step (output.ts: an output object per item)
      code: lastStep && index === all.length - 1 ? lastStep : compileNode(s, compiler),
      stages,
      consarray: index === 0 && !!s.consarray,
      last: index === all.length - 1,
    };
  });
  const firstIsVariable = all[0]?.type === 'variable';
  const keepSingletonArray = !!node.keepSingletonArray;
  const slow: Code = (input, frame, state) => {
    let inputSequence: unknown = Array.isArray(input) && !firstIsVariable ? input : sequenceOf(input);
    let resultSequence: unknown;
    for (const st of steps) {
      resultSequence = st.consarray
        ? st.code(inputSequence, frame, state)
        : evaluateStep(st, inputSequence, frame, state);
      if (resultSequence === undefined || (resultSequence as unknown[]).length === 0) break;
      inputSequence = resultSequence;
    }
    if (keepSingletonArray) {
      let r = resultSequence as Sequence;
      if (Array.isArray(r) && r.cons && !r.sequence) r = sequenceOf(r);
      r.keepSingleton = true;
      resultSequence = r;
    }
    return resultSequence;
  };
  if (!isSimplePath(node)) return normalised ? (i, f, s) => normalize(slow(i, f, s), false) : slow;
  const fallback: Code = normalised ? (i, f, s) => normalize(slow(i, f, s), false) : slow;
  const names = all.slice(1).map((s) => String(s.value));
  const firstName = firstIsVariable ? undefined : String(all[0].value);
  // one generated function per path (specialise.ts): the closure shared by all paths was megamorphic
  return simplePathCode(firstName, steps[0].code, names, fallback);
}

/** The value of a constructor made only of literals (bound once per compiled mapping), or `literal: false`. */
export function literalValue(node: AstNode): { literal: boolean; value?: unknown } {
  if (node.predicate || node.group !== undefined || node.keepArray) return { literal: false };
  if (node.type === 'string' || node.type === 'number' || node.type === 'value') {
    return { literal: true, value: node.value };
  }
  if (node.type !== 'unary') return { literal: false };
  if (node.value === '[') {
    const result: unknown[] = [];
    for (const item of node.expressions ?? []) {
      const member = literalValue(item);
      if (!member.literal) return { literal: false };
      if (member.value === undefined) continue;
      if (item.value === '[' || !Array.isArray(member.value)) result.push(member.value);
      else result.push(...(member.value as unknown[]));
    }
    if (node.consarray) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
    return { literal: true, value: result };
  }
  if (node.value === '{') {
    const result = Object.create(null) as Record<string, unknown>;
    for (const [key, value] of node.lhs as AstNode[][]) {
      if (key.type !== 'string' || RESERVED_KEYS.has(String(key.value))) return { literal: false };
      if (Object.prototype.hasOwnProperty.call(result, String(key.value))) return { literal: false };
      const member = literalValue(value);
      if (!member.literal) return { literal: false };
      if (member.value !== undefined) result[String(key.value)] = member.value;
    }
    return { literal: true, value: result };
  }
  return { literal: false };
}

/** An array constructor's compiled members. */
export interface ArrayItem {
  code: Code;
  /** The member is itself an array constructor: kept as one member, not flattened into this array. */
  nested: boolean;
}

/** An array constructor's members, compiled. */
export function compileArrayItems(node: AstNode, compiler: Compiler): ArrayItem[] {
  const all = node.expressions ?? [];
  // the interpreter evaluates two or more items concurrently (exactNumberError in compile.ts)
  const concurrent = all.length > 1 ? 1 : 0;
  compiler.concurrent += concurrent;
  try {
    return all.map((e) => ({ code: compileNode(e, compiler), nested: e.value === '[' }));
  } finally {
    compiler.concurrent -= concurrent;
  }
}

/** The members of an array constructor as JSONata builds them: undefined left out, array values flattened in. */
export function arrayMembers(items: readonly ArrayItem[], ...[i, f, s]: Parameters<Code>): unknown[] {
  const result: unknown[] = [];
  for (const item of items) {
    const value = item.code(i, f, s);
    if (value === undefined) continue;
    if (item.nested || !Array.isArray(value)) result.push(value);
    else for (const member of value) result.push(member);
    if (result.length > s.maxSequence) throw new Rerun('array over the maximum length');
  }
  return result;
}

function compileArray(node: AstNode, compiler: Compiler): Code {
  const items = compileArrayItems(node, compiler);
  const cons = !!node.consarray;
  return (i, f, s) => {
    const result = arrayMembers(items, i, f, s);
    if (cons) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
    return result;
  };
}

function compileObject(node: AstNode, compiler: Compiler): Code {
  const pairs = node.lhs as AstNode[][];
  const keys: string[] = [];
  for (const [key] of pairs) {
    if (key.type !== 'string') throw new Decline('computed object keys');
    const name = String(key.value);
    if (RESERVED_KEYS.has(name) || keys.includes(name)) throw new Decline('reserved or repeated object key');
    keys.push(name);
  }
  // the interpreter evaluates the values concurrently (Promise.all), so whether a value sees a variable another one
  // binds depends on how their awaits interleave: not reproduced
  if (pairs.some(([, value]) => bindsInFrame(value))) throw new Decline('a bind in an object constructor value');
  compiler.concurrent++;
  const values = pairs.map(([, value]) => compileNode(value, compiler));
  compiler.concurrent--;
  return (input, frame, state) => {
    const result = Object.create(null) as Record<string, unknown>;
    if (!Array.isArray(input)) {
      for (let k = 0; k < keys.length; k++) {
        const value = values[k](input, frame, state);
        if (value !== undefined) result[keys[k]] = value;
      }
      return result;
    }
    // an array context is grouped: every item falls in every (literal) key's group
    const list = input as unknown[];
    // JSONata pushes `undefined` into an empty context array here; it may be a constant table shared by records
    if (list.length === 0) throw new Rerun('an object constructor over an empty array');
    let data: unknown = undefined;
    for (let index = 0; index < list.length; index++) data = index === 0 ? list[0] : append(data, list[index], state);
    for (let k = 0; k < keys.length; k++) {
      const value = values[k](data, frame, state as RunState & Parameters<Code>[2]);
      if (value !== undefined) result[keys[k]] = value;
    }
    return result;
  };
}

export function compileConstructor(node: AstNode, compiler: Compiler): Code {
  if (node.value === '[') return compileArray(node, compiler);
  if (node.value === '{') return compileObject(node, compiler);
  throw new Decline(`unary ${String(node.value)}`);
}
