import { Decline, type AstNode } from './analyse';
import { compileNode, type Code, type Compiler } from './compile';
import {
  boolize,
  evaluateComparison,
  evaluateIncludes,
  evaluateNumeric,
  evaluateRange,
  isDeepEqual,
  isNumeric,
} from './runtime';

/** Binary operators and unary minus, compiled as compile.ts compiles every node (see there). */

/** A string, number, true, false or null literal, without predicates. */
function isPrimitiveLiteral(node: AstNode): boolean {
  if (node.predicate || node.stages || node.keepArray || node.group !== undefined) return false;
  if (node.type !== 'string' && node.type !== 'number' && node.type !== 'value') return false;
  const value = node.value;
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

export function compileBinary(node: AstNode, compiler: Compiler): Code {
  const op = String(node.value);
  const lhs = compileNode(node.lhs as AstNode, compiler);
  const boolean = op === 'and' || op === 'or';
  if (boolean) compiler.nested++;
  const rhs = compileNode(node.rhs as AstNode, compiler);
  if (boolean) compiler.nested--;
  switch (op) {
    case 'and':
      return (i, f, s) => boolize(lhs(i, f, s)) && boolize(rhs(i, f, s));
    case 'or':
      return (i, f, s) => boolize(lhs(i, f, s)) || boolize(rhs(i, f, s));
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return (i, f, s) => {
        const l = lhs(i, f, s);
        return evaluateNumeric(l, rhs(i, f, s), op);
      };
    case '=':
    case '!=': {
      const negate = op === '!=';
      const right = node.rhs as AstNode;
      if (isPrimitiveLiteral(right)) {
        // `x = "string"`: against a primitive, isDeepEqual is ===
        const literal = right.value;
        return (i, f, s) => {
          const l = lhs(i, f, s);
          if (l === undefined) return false;
          return negate ? l !== literal : l === literal;
        };
      }
      return (i, f, s) => {
        const l = lhs(i, f, s);
        const r = rhs(i, f, s);
        if (l === undefined || r === undefined) return false;
        return negate ? !isDeepEqual(l, r) : isDeepEqual(l, r);
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (i, f, s) => {
        const l = lhs(i, f, s);
        return evaluateComparison(l, rhs(i, f, s), op);
      };
    case '&':
      return (i, f, s) => {
        const l = lhs(i, f, s);
        return compiler.runtime().concat(l, rhs(i, f, s));
      };
    case '..':
      return (i, f, s) => {
        const l = lhs(i, f, s);
        return evaluateRange(l, rhs(i, f, s), s);
      };
    case 'in':
      return (i, f, s) => {
        const l = lhs(i, f, s);
        return evaluateIncludes(l, rhs(i, f, s));
      };
    default:
      throw new Decline(`operator ${op}`);
  }
}

export function compileUnaryMinus(node: AstNode, compiler: Compiler): Code {
  const operand = compileNode(node.expression as AstNode, compiler);
  return (i, f, s) => {
    const value = operand(i, f, s);
    if (value === undefined) return undefined;
    if (isNumeric(value)) return -value;
    throw { code: 'D1002', value };
  };
}
