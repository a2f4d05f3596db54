import type { AstNode } from './analyse';
import type { Code, Compiler } from './compile';
import { apply, regexMatcher } from './functions';
import { normalize } from './runtime';
import { Re2RegExp } from '../re2-regexp';

/**
 * `$contains(text, /regex/)` — mappings test a field's shape this way (`$contains($sku, /^[0-9]+$/)`). JSONata
 * evaluates the literal into a matcher closure over a fresh regex, calls it through the function-call machinery and
 * builds a match object (with a `next` closure) only to test it against undefined. For a string (the only case
 * that ever matches) the answer is whether the regex matches anywhere from the start, which one regex per call site
 * answers directly: its lastIndex is set before each use (`exec` reads it only for a global regex) and nothing runs
 * between. Anything else — another type, an evaluation with bindings that could rebind `$contains` — is the general
 * call of the procedure `proc` with the value already evaluated and a matcher, as compile.ts makes it; literals RE2
 * does not compile are left to compile.ts (they throw at each evaluation, as in the interpreter).
 */
export function containsRegexCode(
  node: AstNode,
  compiler: Compiler,
  proc: Code,
  text: Code,
  keepArray: boolean,
): Code | undefined {
  const procedure = node.procedure as AstNode;
  const args = node.arguments ?? [];
  if (procedure.type !== 'variable' || procedure.value !== 'contains' || compiler.bound.has('contains'))
    return undefined;
  if (procedure.predicate || args.length !== 2) return undefined;
  const token = args[1];
  if (token.type !== 'regex' || token.predicate || token.keepArray || token.stages) return undefined;
  let re: Re2RegExp;
  try {
    re = new Re2RegExp(token.value as RegExp);
  } catch {
    return undefined;
  }
  const template = re;
  return (i, f, s) => {
    const fn = s.bindings === undefined ? undefined : proc(i, f, s);
    const value = text(i, f, s);
    if (fn === undefined && typeof value === 'string') {
      re.lastIndex = 0;
      return re.exec(value) !== null;
    }
    const result = apply(fn ?? proc(i, f, s), [value, regexMatcher(template)], i, s, compiler.runtime());
    return normalize(result, keepArray);
  };
}
