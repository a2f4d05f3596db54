import type { AstNode } from './analyse';
import { compileNode, type Code, type Compiler } from './compile';
import { apply, CompiledLambda } from './functions';
import { DETERMINISTIC } from './purity';
import { isDeepEqual, normalize } from './runtime';
import { reuseCode } from './specialise';

/**
 * `f(x) != "" ? f(x) : …`: mappings test a helper's result and then use it, which JSONata expresses by calling the
 * helper twice. When the call is of a pure function (a pure lambda, purity.ts, or a deterministic built-in not
 * rebound by the expression), its arguments are paths, variables or literals (evaluated again, they give the same
 * values: nothing binds in between) and the result is a primitive, the second call would return the same value:
 * the condition returns the first one.
 */

/** The AST without positions, for "the same expression". */
function shape(node: AstNode): string {
  return JSON.stringify(node, (key, value: unknown) => (key === 'position' ? undefined : value));
}

function bare(node: AstNode): boolean {
  return !node.predicate && !node.stages && node.group === undefined && !node.keepArray && !node.tuple;
}

function stable(node: AstNode): boolean {
  if (!bare(node)) return false;
  if (node.type === 'string' || node.type === 'number' || node.type === 'value' || node.type === 'name') return true;
  if (node.type === 'variable') return node.value !== '';
  if (node.type === 'path') return (node.steps ?? []).every((step) => stable(step));
  return false;
}

function isPrimitive(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function');
}

/**
 * The condition's code when it has that form (the branch values are returned as the branches give them; the
 * caller normalises), else undefined.
 */
export function compileReusingCondition(
  node: AstNode,
  compiler: Compiler,
  then: Code,
  otherwise: Code | undefined,
): Code | undefined {
  const test = node.condition as AstNode;
  if (!bare(test) || test.type !== 'binary' || (test.value !== '=' && test.value !== '!=')) return undefined;
  const call = test.lhs as AstNode;
  if (call.type !== 'function' || !bare(call) || !node.then || shape(call) !== shape(node.then)) return undefined;
  const procedure = call.procedure as AstNode;
  const name = String(procedure.value);
  if (procedure.type !== 'variable' || !bare(procedure) || name === '' || name === '$' || name === 'error') {
    return undefined;
  }
  const argNodes = call.arguments ?? [];
  if (!argNodes.every(stable)) return undefined;
  const builtIn = !compiler.bound.has(name);
  if (builtIn && !DETERMINISTIC.has(name)) return undefined;
  const proc = compileNode(procedure, compiler);
  const args = argNodes.map((arg) => compileNode(arg, compiler));
  const rhs = compileNode(test.rhs as AstNode, compiler);
  const negate = test.value === '!=';
  // one generated function per condition (specialise.ts), as for calls
  return reuseCode(proc, args, rhs, negate, builtIn, then, otherwise, {
    runtime: compiler.runtime,
    apply,
    normalize,
    isDeepEqual,
    isPrimitive,
    pureLambda: (fn) => fn instanceof CompiledLambda && fn.pure,
    isLambda: (fn) => fn instanceof CompiledLambda,
  });
}
