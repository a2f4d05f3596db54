import { Decline, boundNames, depthBound, type AstNode } from './analyse';
import { apply, DECLINED_FUNCTIONS, regexMatcher, type Runtime } from './functions';
import { compileBinary, compileUnaryMinus } from './operators';
import { Re2RegExp } from '../re2-regexp';
import { compileOutput, type OutputState } from './output';
import { compileLambda } from './lambda';
import { containsRegexCode } from './contains-regex';
import { compileReusingCondition } from './reuse';
import { EXACT, exactError, exactNumberError } from './exact-errors';
import { compileDescendants, compileWildcard } from './navigation';
import { callCode } from './specialise';
import { compileConstructor, compileFilter, compilePath, literalValue } from './structures';
import { boolean, lookup, normalize, type RunState } from './runtime';

/**
 * JSONata AST → a tree of JavaScript closures, one per node, each doing synchronously what the interpreter's
 * `evaluate` does for that node (jsonata-js 2.2 src/jsonata.js; the helpers in runtime.ts are transcriptions).
 * Anything this file does not compile throws Decline at compile time; the expression then runs on the interpreter.
 */

/**
 * A variable scope at run time (a block, a lambda call). Its variables are two parallel arrays, not a Map: a frame
 * holds a handful of names, which a scan finds sooner than a Map is built (a Map per lambda call was a measurable
 * share of a record's time). The first `size` entries are the bindings; a block's frame allocates both arrays at
 * its first binding with room for the binds the block makes itself (`capacity`), so binding does not grow them one
 * push at a time (an allocation profile showed the grown arrays as the largest allocation of a small mapping). A
 * lambda frame starts with the lambda's parameter list itself; the first binding in it copies both arrays (`shared`).
 */
export class Frame {
  /** undefined until the first binding: most frames (the root, blocks that only compute) never bind */
  names: readonly string[] | undefined = undefined;
  values: unknown[] | undefined = undefined;
  size = 0;
  shared = false;
  constructor(
    readonly parent: Frame | undefined,
    /** the input of the call that created the nearest lambda frame (JSONata validates tail calls against it) */
    public callInput: unknown,
    /** the binds the frame's block makes directly: room allocated at the first */
    private readonly capacity = 1,
  ) {}

  /** As Map.get after has: the last binding of the name in this frame. */
  find(name: string): number {
    const names = this.names;
    if (names === undefined) return -1;
    for (let k = this.size - 1; k >= 0; k--) if (names[k] === name) return k;
    return -1;
  }

  bind(name: string, value: unknown): void {
    if (this.names === undefined) {
      // room for the block's own binds; the entries past `size` are never read
      const names = this.capacity === 1 ? [name] : new Array<string>(this.capacity);
      const values = this.capacity === 1 ? [value] : new Array<unknown>(this.capacity);
      names[0] = name;
      values[0] = value;
      this.names = names;
      this.values = values;
      this.size = 1;
      return;
    }
    if (this.shared) {
      this.names = this.names.slice(0, this.size);
      this.values = (this.values as unknown[]).slice(0, this.size);
      this.shared = false;
    }
    const index = this.find(name);
    if (index >= 0) (this.values as unknown[])[index] = value;
    else {
      // within the capacity, a write in place; past it, the arrays grow
      (this.names as string[])[this.size] = name;
      (this.values as unknown[])[this.size] = value;
      this.size++;
    }
  }
}

/** Room for a block's frame: the binds among its own expressions (others, e.g. in a condition, may add more). */
export function bindCapacity(expressions: readonly AstNode[]): number {
  let count = 0;
  for (const expression of expressions) if (expression.type === 'bind') count++;
  return Math.max(1, count);
}

export type Code = (input: unknown, frame: Frame, state: CompiledState) => unknown;

export interface CompiledState extends RunState, OutputState {
  root: unknown;
  bindings: Record<string, unknown> | undefined;
}

export interface Compiler {
  runtime: () => Runtime;
  bound: Set<string>;
  /** while compiling a lambda body or the right side of and/or, where the interpreter rewrites error positions */
  nested: number;
  /**
   * while compiling what the interpreter evaluates concurrently (Promise.all): an object constructor's keys and
   * values, the items of an array constructor with more than one; which error it reports first there depends on its
   * microtask order, so errors there are never reported exactly (`exactNumberError`)
   */
  concurrent: number;
}

function lookupVariable(name: string, frame: Frame, state: CompiledState, compiler: Compiler): unknown {
  for (let f: Frame | undefined = frame; f; f = f.parent) {
    if (f.names === undefined) continue;
    const index = f.find(name);
    if (index >= 0) return (f.values as unknown[])[index];
  }
  return freeVariable(name, state, compiler);
}

function freeVariable(name: string, state: CompiledState, compiler: Compiler): unknown {
  if (name === '$') return state.root;
  if (state.bindings && Object.prototype.hasOwnProperty.call(state.bindings, name)) return state.bindings[name];
  const functions = compiler.runtime().functions;
  return Object.prototype.hasOwnProperty.call(functions, name) ? functions[name] : undefined;
}

/**
 * A variable. With `normalise` (a variable node without predicates), JSONata's sequence normalisation of its value
 * is done here rather than by one more closure around this one (compileNode).
 */
function compileVariable(node: AstNode, compiler: Compiler, normalise?: { keepArray: boolean }): Code {
  const name = String(node.value);
  const keepArray = normalise?.keepArray ?? false;
  const norm = normalise ? (value: unknown) => normalize(value, keepArray) : (value: unknown) => value;
  if (name === '') {
    return (input) =>
      norm(input && (input as { outerWrapper?: boolean }).outerWrapper ? (input as unknown[])[0] : input);
  }
  if (name !== '$' && DECLINED_FUNCTIONS.has(name) && !compiler.bound.has(name)) throw new Decline(`$${name}`);
  if (compiler.bound.has(name)) {
    if (!normalise) return (_input, frame, state) => lookupVariable(name, frame, state, compiler);
    return (_input, frame, state) => normalize(lookupVariable(name, frame, state, compiler), keepArray);
  }
  if (name === '$') return (_input, _frame, state) => norm(state.root);
  // a built-in or stdlib function: resolved once (unless evaluation bindings, as in tests, could shadow it); a
  // function value or undefined is never a sequence, so only a binding's value is normalised
  let resolved: unknown;
  let known = false;
  return (_input, _frame, state) => {
    if (state.bindings) return norm(freeVariable(name, state, compiler));
    if (!known) {
      resolved = norm(freeVariable(name, state, compiler));
      known = true;
    }
    return resolved;
  };
}

/**
 * A call. `normalise` (a call node without predicates, not in tail position): JSONata's sequence normalisation of
 * the result, done here rather than by one more closure around this one (compileNode).
 */
function compileCall(
  node: AstNode,
  compiler: Compiler,
  tail: boolean,
  applyTo?: Code,
  normalise?: { keepArray: boolean },
): Code {
  const procedure = node.procedure as AstNode;
  const proc = compileNode(procedure, compiler);
  const args = (node.arguments ?? []).map((arg) => {
    if (arg.type === 'operator') throw new Decline('partial application');
    return compileNode(arg, compiler);
  });
  const count = args.length;
  const exact =
    !applyTo &&
    !tail &&
    compiler.nested === 0 &&
    procedure.type === 'variable' &&
    procedure.value === 'error' &&
    !compiler.bound.has('error');
  if (exact) {
    const keepArray = normalise?.keepArray ?? false;
    return exactError(node, (i, f, s) => {
      const fn = proc(i, f, s);
      const values = new Array<unknown>(count);
      for (let a = 0; a < count; a++) values[a] = args[a](i, f, s);
      const result = apply(fn, values, i, s, compiler.runtime());
      return normalise ? normalize(result, keepArray) : result;
    });
  }
  if (
    !applyTo &&
    !tail &&
    compiler.nested === 0 &&
    compiler.concurrent === 0 &&
    procedure.type === 'variable' &&
    procedure.value === 'number' &&
    !compiler.bound.has('number')
  ) {
    return exactNumberError(node, proc, args, normalise !== undefined, normalise?.keepArray ?? false, compiler.runtime);
  }
  if (applyTo) {
    return (i, f, s) => {
      const fn = proc(i, f, s);
      const values = new Array<unknown>(count + 1);
      values[0] = applyTo(i, f, s);
      for (let a = 0; a < count; a++) values[a + 1] = args[a](i, f, s);
      return apply(fn, values, tail ? f.callInput : i, s, compiler.runtime());
    };
  }
  if (!tail) {
    const contains = containsRegexCode(node, compiler, proc, args[0] ?? proc, normalise?.keepArray ?? false);
    if (contains) return contains;
  }
  // one generated function per call site (specialise.ts): its procedure and arguments are constant call targets
  return callCode(proc, args, tail, normalise, compiler.runtime, apply, normalize);
}

function compileCore(node: AstNode, compiler: Compiler, tail: boolean): Code {
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value': {
      const value = node.value;
      return () => value;
    }
    case 'regex': {
      const value = node.value as RegExp;
      // compiled with RE2 once (when it compiles; else at each evaluation, which throws as the interpreter does); each
      // evaluation still gets a regex of its own, as JSONata's does, for its lastIndex
      let template: RegExp | Re2RegExp = value;
      try {
        template = new Re2RegExp(value);
      } catch {
        template = value;
      }
      return () => regexMatcher(template);
    }
    case 'name': {
      const key = String(node.value);
      return (i, _f, s) => lookup(i, key, s);
    }
    case 'variable':
      return compileVariable(node, compiler);
    case 'wildcard':
      return compileWildcard();
    case 'descendant':
      return compileDescendants();
    case 'path':
      return compilePath(node, compiler);
    case 'binary':
      return compileBinary(node, compiler);
    case 'unary':
      if (node.value === '-') return compileUnaryMinus(node, compiler);
      return compileConstructor(node, compiler);
    case 'condition': {
      const condition = compileNode(node.condition as AstNode, compiler);
      const then = compileNode(node.then as AstNode, compiler, tail);
      const otherwise = node.else ? compileNode(node.else, compiler, tail) : undefined;
      // `f(x) != "" ? f(x)`: the test's value reused (reuse.ts); not for a tail call, which JSONata defers
      const reusing = tail ? undefined : compileReusingCondition(node, compiler, then, otherwise);
      if (reusing) return reusing;
      return (i, f, s) => {
        if (boolean(condition(i, f, s))) return then(i, f, s);
        return otherwise ? otherwise(i, f, s) : undefined;
      };
    }
    case 'block': {
      const expressions = (node.expressions ?? []).map((e, index, all) =>
        compileNode(e, compiler, tail && index === all.length - 1),
      );
      const capacity = bindCapacity(node.expressions ?? []);
      return (i, f, s) => {
        const scope = new Frame(f, f.callInput, capacity);
        let result: unknown;
        for (const expression of expressions) result = expression(i, scope, s);
        return result;
      };
    }
    case 'bind': {
      const name = String((node.lhs as AstNode).value);
      const rhs = compileNode(node.rhs as AstNode, compiler);
      return (i, f, s) => {
        const value = rhs(i, f, s);
        f.bind(name, value);
        return value;
      };
    }
    case 'function':
      return compileCall(node, compiler, false);
    case 'lambda':
      if (node.thunk) return compileCall(node.body as AstNode, compiler, true);
      return compileLambda(node, compiler);
    case 'apply': {
      const rhs = node.rhs as AstNode;
      if (rhs.type !== 'function') throw new Decline('~> to a function value');
      return compileCall(rhs, compiler, false, compileNode(node.lhs as AstNode, compiler));
    }
    default:
      throw new Decline(`${node.type} expressions`);
  }
}

/** Types whose value is never a sequence: no normalisation needed. */
const PLAIN = new Set(['string', 'number', 'value', 'regex']);

/** One node: its own evaluation, then its predicates, then JSONata's sequence normalisation. */
export function compileNode(node: AstNode, compiler: Compiler, tail = false): Code {
  if (node.group !== undefined) throw new Decline('grouping');
  const constant = literalValue(node);
  if (constant.literal && (node.type === 'unary' || PLAIN.has(node.type)) && !node.predicate && !node.keepArray) {
    const value = constant.value;
    return () => value;
  }
  if (node.type === 'path' && !node.predicate && !node.keepArray) return compilePath(node, compiler, true);
  // the most frequent node with a normalised result: normalised inside its own closure
  if (node.type === 'function' && !node.predicate) {
    return compileCall(node, compiler, false, undefined, { keepArray: node.keepArray === true });
  }
  if (node.type === 'variable' && !node.predicate) {
    return compileVariable(node, compiler, { keepArray: node.keepArray === true });
  }
  let code = compileCore(node, compiler, tail);
  if (node.predicate) {
    const filters = node.predicate.map((p) => {
      if (p.type !== 'filter') throw new Decline(`${p.type} stage`);
      return compileFilter(p.expr, compiler);
    });
    const core = code;
    code = (i, f, s) => {
      let result = core(i, f, s);
      for (const filter of filters) result = filter(result, f, s);
      return result;
    };
  }
  if (PLAIN.has(node.type) && !node.predicate) return code;
  // operators (but `..`) and constructors never produce a sequence: nothing to normalise
  if (
    !node.predicate &&
    !node.keepArray &&
    (node.type === 'unary' || (node.type === 'binary' && node.value !== '..'))
  ) {
    return code;
  }
  // a thunk's result and the tail of a lambda body are not normalised (JSONata returns the tail call's raw result)
  if (node.type === 'lambda' && node.thunk) return code;
  if (tail && (node.type === 'condition' || node.type === 'block')) return code;
  const keepArray = node.keepArray === true;
  const inner = code;
  return (i, f, s) => normalize(inner(i, f, s), keepArray);
}

/** Whether a bind in the node runs in the frame the node is evaluated in: one outside every block and lambda. */
export function bindsInFrame(node: unknown): boolean {
  if (typeof node !== 'object' || node === null) return false;
  if (Array.isArray(node)) return node.some((child) => bindsInFrame(child));
  const n = node as AstNode;
  if (n.type === 'bind') return true;
  if (n.type === 'block' || (n.type === 'lambda' && !n.thunk)) return false;
  for (const [key, child] of Object.entries(n)) {
    if (key !== 'value' && key !== 'signature' && typeof child === 'object' && bindsInFrame(child)) return true;
  }
  return false;
}

export interface Program {
  run(input: unknown, state: CompiledState): unknown;
}

/** Compiles an AST; throws Decline (with the reason) when the expression is outside the compiled subset. */
export function compileAst(ast: AstNode, runtime: () => Runtime, maxDepth: number): Program {
  const bound = boundNames(ast);
  const bound2 = depthBound(ast);
  if (bound2 > maxDepth) throw new Decline(`evaluation depth up to ${bound2}, over the maximum depth ${maxDepth}`);
  const compiler: Compiler = { runtime, bound, nested: 0, concurrent: 0 };
  // the expression itself is in output position: constructors there build plain JSON (output.ts)
  const code = compileOutput(ast, compiler);
  if (bindsInFrame(ast)) {
    return {
      run(input, state) {
        return code(input, new Frame(undefined, undefined), state);
      },
    };
  }
  // nothing binds in the root frame (every bind is in a block or lambda, which make frames of their own): it stays
  // empty, so one serves every record instead of one allocated per record
  const root = new Frame(undefined, undefined);
  return {
    run(input, state) {
      return code(input, root, state);
    },
  };
}

export { EXACT };
