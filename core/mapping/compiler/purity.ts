import type { AstNode } from './analyse';

/**
 * Pure one-parameter lambdas, whose calls compiled code may remember. Mappings call small helpers such as
 * `$text := function($v) { $v ? $trim($string($v)) : "" }` twice with the same argument (`$text(x) != "" ?
 * $text(x)`), as JSONata expressions must; a lambda whose result depends on its argument alone gives the same
 * primitive result for the same primitive argument, so a lambda value remembers its last call (functions.ts
 * `CompiledLambda.invoke`) and the second call costs a comparison.
 *
 * "Depends on its argument alone": the body is made only of literals, its own parameter, paths over it, operators,
 * conditions, constructors and calls of the deterministic built-ins and stdlib functions below (not rebound by the
 * expression). No context (`$`, `$$`, field names on their own), no outer variables (a block may rebind them
 * between two calls), no lambdas, blocks, bindings, predicates or higher-order functions.
 */

export const DETERMINISTIC: ReadonlySet<string> = new Set([
  // JSONata built-ins without a function argument, a clock or randomness
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'contains',
  'split',
  'join',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'boolean',
  'not',
  'exists',
  'type',
  'count',
  'lookup',
  // the hub's stdlib normalisers and hashes (stdlib/index.ts)
  'normalizeEmail',
  'normalizePhone',
  'normalizeCity',
  'splitFullName',
  'sha256',
  'md5',
  'metaHash',
  'metaNormalize',
  'googleHash',
  'googleNormalize',
  'mailchimpSubscriberHash',
]);

function bare(node: AstNode): boolean {
  return !node.predicate && !node.stages && node.group === undefined && !node.keepArray && !node.tuple;
}

/** Whether a lambda body's value depends only on its parameter `param` (see above). */
export function dependsOnlyOn(node: AstNode | undefined, param: string, bound: Set<string>): boolean {
  if (!node) return true;
  if (!bare(node)) return false;
  const pure = (child: AstNode | undefined) => dependsOnlyOn(child, param, bound);
  switch (node.type) {
    case 'string':
    case 'number':
    case 'value':
      return true;
    case 'variable':
      return node.value === param;
    case 'path': {
      const steps = node.steps ?? [];
      return (
        steps.length > 0 &&
        steps[0].type === 'variable' &&
        steps[0].value === param &&
        steps.every((step, index) => bare(step) && (index === 0 || step.type === 'name'))
      );
    }
    case 'condition':
      return pure(node.condition) && pure(node.then) && pure(node.else);
    case 'binary':
      return pure(node.lhs as AstNode) && pure(node.rhs);
    case 'unary':
      if (node.value === '-') return pure(node.expression);
      if (node.value === '[') return (node.expressions ?? []).every(pure);
      if (node.value === '{')
        return (node.lhs as AstNode[][]).every(([key, value]) => key.type === 'string' && pure(value));
      return false;
    case 'function': {
      const procedure = node.procedure as AstNode;
      const name = String(procedure.value);
      return (
        procedure.type === 'variable' &&
        DETERMINISTIC.has(name) &&
        !bound.has(name) &&
        (node.arguments ?? []).every((arg) => arg.type !== 'operator' && pure(arg))
      );
    }
    case 'lambda':
      // a call in tail position is parsed as a thunk around it
      return node.thunk === true && pure(node.body);
    default:
      return false;
  }
}
