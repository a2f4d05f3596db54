import type { AstNode } from './analyse';
import {
  bindCapacity,
  bindsInFrame,
  compileNode,
  Frame,
  type Code,
  type Compiler,
  type CompiledState,
} from './compile';
import { boolean, normalize } from './runtime';
import { outputObjectCode } from './specialise';
import { compileReusingCondition } from './reuse';
import { arrayMembers, compileArrayItems, compilePath, isSimplePath, literalValue } from './structures';

/**
 * The record's output built as plain JSON, where the compiler can prove it, so the engine need not copy it.
 *
 * A constructor in *output position* — the expression itself, the last expression of a block there, a branch of a
 * condition there, or a value of an output-position object constructor — builds a value nothing else in the
 * expression can observe: it only becomes (part of) the record's output. Such a constructor builds an ordinary
 * `{}` object or array (not JSONata's prototype-less object, whose dictionary mode makes every later read slow) and,
 * as it assigns each member, counts the JSON size exactly as the engine's output copy (`toPlainJson`) would. A member
 * that is a string, a finite number, a boolean, null or another proven output value is plain JSON already; anything
 * else (an object or array from the input or a function, which may alias, nest, hold undefined or be a function
 * value; a non-finite number) leaves the value unproven and the engine copies it as before. The proof is reported in
 * `state.plainValue` / `state.plainSize`: the engine skips the copy only for the value the program returned, and only
 * when its size is within the output limit (over it, the copy fails the record with the usual message).
 */

export interface OutputState {
  /** the last output value proven plain JSON (set by the constructor that built it) */
  plainValue?: unknown;
  /** its JSON size as `toPlainJson` counts it */
  plainSize?: number;
  /** output objects built by the last step of an output array's path (`[lines.{ … }]`), and their JSON size or -1 */
  stepObjects?: number;
  stepSize?: number;
}

/** Output constructors nested deeper than this are compiled as ordinary ones (the copy then checks the depth). */
const MAX_STATIC_DEPTH = 64;
const RESERVED_KEYS = new Set(['_jsonata_lambda', '_jsonata_function', '__proto__']);

function isBare(node: AstNode): boolean {
  return node.group === undefined && !node.predicate && !node.keepArray && !node.stages && !node.tuple;
}

/** JSON size of a member as `toPlainJson` counts it, or -1 when the member is not proven plain JSON. */
function memberSize(value: unknown, state: CompiledState): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'boolean':
      return 5;
    case 'number':
      return Number.isFinite(value) ? 8 : -1;
    case 'object':
      if (value === null) return 5;
      return value === state.plainValue ? (state.plainSize as number) : -1;
    default:
      return -1;
  }
}

/** The code of a node in output position (see above); any other node compiles as usual. */
export function compileOutput(node: AstNode, compiler: Compiler, depth = 0): Code {
  // a constructor made only of literals is one shared value (compileNode): the engine copies it
  if (depth > MAX_STATIC_DEPTH || !isBare(node) || literalValue(node).literal) return compileNode(node, compiler);
  if (node.type === 'unary' && node.value === '{') return compileOutputObject(node, compiler, depth);
  if (node.type === 'unary' && node.value === '[') return compileOutputArray(node, compiler, depth);
  if (node.type === 'condition') {
    // as compileNode: the condition's result is normalised (a no-op on an output value: it is never a sequence)
    const condition = compileNode(node.condition as AstNode, compiler);
    const then = compileOutput(node.then as AstNode, compiler, depth);
    const otherwise = node.else ? compileOutput(node.else, compiler, depth) : undefined;
    const reusing = compileReusingCondition(node, compiler, then, otherwise);
    if (reusing) return (i, f, s) => normalize(reusing(i, f, s), false);
    return (i, f, s) => {
      if (boolean(condition(i, f, s))) return normalize(then(i, f, s), false);
      return otherwise ? normalize(otherwise(i, f, s), false) : undefined;
    };
  }
  if (node.type === 'block') {
    const all = node.expressions ?? [];
    if (all.length === 0) return compileNode(node, compiler);
    const expressions = all.map((e, index) =>
      index === all.length - 1 ? compileOutput(e, compiler, depth) : compileNode(e, compiler),
    );
    const capacity = bindCapacity(all);
    return (i, f, s) => {
      const scope = new Frame(f, f.callInput, capacity);
      let result: unknown;
      for (const expression of expressions) result = expression(i, scope, s);
      return normalize(result, false);
    };
  }
  return compileNode(node, compiler);
}

function compileOutputObject(node: AstNode, compiler: Compiler, depth: number): Code {
  const pairs = node.lhs as AstNode[][];
  // the ordinary constructor declines it (see compileObject)
  if (pairs.some(([, value]) => bindsInFrame(value))) return compileNode(node, compiler);
  const keys: string[] = [];
  for (const [key] of pairs) {
    const name = String(key.value);
    // computed, reserved or repeated keys: the ordinary constructor (which declines them)
    if (key.type !== 'string' || RESERVED_KEYS.has(name) || keys.includes(name)) return compileNode(node, compiler);
    keys.push(name);
  }
  // the interpreter evaluates the values concurrently (exactNumberError in compile.ts)
  compiler.concurrent++;
  const values = pairs.map(([, value]) => compileOutput(value, compiler, depth + 1));
  compiler.concurrent--;
  const keySizes = keys.map((key) => key.length + 4);
  // one generated function per constructor (specialise.ts): the same steps with the keys as literals
  // a value that is a path of names from the context is looked up inline (its code still serves arrays)
  const inlinePaths = pairs.map(([, value]) =>
    value.type === 'path' && isBare(value) && isSimplePath(value) && value.steps?.[0]?.type === 'name'
      ? value.steps.map((step) => String(step.value))
      : undefined,
  );
  return outputObjectCode(keys, values, keySizes, memberSize, inlinePaths);
}

/**
 * `[lines[quantity > 0].{ … }]`: an output array whose one member is a path ending in an object constructor. The
 * path's value is nothing but the objects that step builds (a constructor's value is an object, never undefined or an
 * array, so the step pushes each and the path flattens none), and it only becomes this array's members: those
 * objects are output values too. The step builds them as output objects, counting how many it built and their size;
 * the array is proven when its members are exactly that many objects, all proven.
 */
function outputStepPath(node: AstNode): AstNode | undefined {
  const all = node.expressions ?? [];
  if (all.length !== 1) return undefined;
  const path = all[0];
  const steps = path.steps ?? [];
  if (path.type !== 'path' || !isBare(path) || path.keepSingletonArray || steps.length < 2) return undefined;
  const last = steps[steps.length - 1];
  if (last.type !== 'unary' || last.value !== '{' || !isBare(last)) return undefined;
  if (last.focus !== undefined || last.index !== undefined || last.ancestor !== undefined) return undefined;
  return path;
}

function compileOutputStepArray(path: AstNode, compiler: Compiler, depth: number): Code {
  const steps = path.steps as AstNode[];
  const object = compileOutput(steps[steps.length - 1], compiler, depth + 1);
  const counted: Code = (i, f, s) => {
    const value = object(i, f, s);
    s.stepObjects = (s.stepObjects as number) + 1;
    const size = s.stepSize as number;
    if (size >= 0) s.stepSize = value === s.plainValue && value !== undefined ? size + (s.plainSize as number) : -1;
    return value;
  };
  // as compileArrayItems compiles a path member (compileNode: normalised), with the counting last step
  const items = [{ code: compilePath(path, compiler, true, counted), nested: false }];
  return (i, f, s) => {
    // a constructor in a value of these objects may hold such an array of its own: the counts are this array's
    const outerObjects = s.stepObjects;
    const outerSize = s.stepSize;
    s.stepObjects = 0;
    s.stepSize = 0;
    const result = arrayMembers(items, i, f, s);
    const built = s.stepObjects;
    const size = s.stepSize as number;
    s.stepObjects = outerObjects;
    s.stepSize = outerSize;
    if (built === result.length && size >= 0) {
      s.plainValue = result;
      s.plainSize = 2 + result.length + size;
    }
    return result;
  };
}

function compileOutputArray(node: AstNode, compiler: Compiler, depth: number): Code {
  const path = outputStepPath(node);
  if (path) return compileOutputStepArray(path, compiler, depth);
  // members are compiled as usual: JSONata flattens an array value into this one, so they are not output values
  const items = compileArrayItems(node, compiler);
  return (i, f, s) => {
    const result = arrayMembers(items, i, f, s);
    // the `cons` flag of an array constructor only matters to a path step over it, which an output value never meets
    let size = 2 + result.length;
    for (let index = 0; index < result.length && size >= 0; index++) {
      const member = memberSize(result[index], s);
      size = member < 0 ? -1 : size + member;
    }
    if (size >= 0) {
      s.plainValue = result;
      s.plainSize = size;
    }
    return result;
  };
}
