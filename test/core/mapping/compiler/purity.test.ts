import jsonata from 'jsonata';
import type { AstNode } from '../../../../core/mapping/compiler/analyse';
import { dependsOnlyOn } from '../../../../core/mapping/compiler/purity';
import { compiledAndInterpreted } from './helpers';

/**
 * Pure one-parameter lambdas remember their last call (compiler/purity.ts): which bodies count as pure, and that
 * remembering never changes a result (compiled = interpreter), including when an outer variable changes between
 * two calls of an impure lambda.
 */

function lambdaBody(text: string): { body: AstNode; param: string } {
  const ast = jsonata(text).ast() as unknown as AstNode;
  const param = String((ast.arguments as AstNode[])[0].value);
  return { body: ast.body as AstNode, param };
}

const both = (expression: string, input: unknown) => compiledAndInterpreted('compiled-purity', expression, input);

describe('pure lambdas', () => {
  it.each([
    ['function($v) { $v ? $trim($string($v)) : "" }', true],
    ['function($v) { $type($v) = "string" ? $trim($v) : "" }', true],
    ['function($v) { $lowercase($v.name) & "-" & $count($v.items) }', true],
    ['function($v) { $v & $x }', false], // an outer variable
    ['function($v) { $v & name }', false], // the context
    ['function($v) { $now() & $v }', false], // a clock
    ['function($v) { $map($v, function($i) { $i }) }', false], // a lambda
    ['function($v) { ($w := $v; $w) }', false], // a block
    ['function($v) { $v[0] }', false], // a predicate
  ])('%s: pure %s', (text, pure) => {
    const { body, param } = lambdaBody(text);
    expect(dependsOnlyOn(body, param, new Set())).toBe(pure);
  });

  it('is not pure when the expression rebinds a built-in it calls', () => {
    const { body, param } = lambdaBody('function($v) { $trim($v) }');
    expect(dependsOnlyOn(body, param, new Set(['trim']))).toBe(false);
  });

  it.each([
    [
      'a helper called twice with the same value',
      '( $t := function($v) { $v ? $trim($string($v)) : "" }; { "a": $t(name) != "" ? $t(name), "b": $t(n), "c": $t(n) & $t(missing) } )',
    ],
    [
      'an impure lambda over an outer variable that changes between calls',
      '( $x := "a"; $f := function($v) { $v & $x }; $r := $f(name); $x := "b"; { "r1": $r, "r2": $f(name) } )',
    ],
    ['a pure lambda returning objects', '( $o := function($v) { { "v": $v } }; { "l": [$o(1), $o(1)] } )'],
    [
      'a pure lambda with different arguments',
      '( $u := function($v) { $uppercase($v) }; [$u("a"), $u("b"), $u("a")] )',
    ],
    [
      'a test whose value the branch repeats (f(x) != "" ? f(x) : …)',
      '( $t := function($v) { $v ? $trim($string($v)) : "" }; { "a": $t(name) != "" ? $t(name) : "none", "b": $t(missing) != "" ? $t(missing) : "none", "c": $trim(name) != "" ? $trim(name), "d": $t(n) = "0" ? $t(n) } )',
    ],
    [
      'the same form over an impure lambda',
      '( $x := "a"; $f := function($v) { $v & $x }; $y := $f(name) != "" ? $f(name); { "y": $y } )',
    ],
    [
      'the same form over a lambda returning an object',
      '( $o := function($v) { { "v": $v } }; { "o": $o(n) != {} ? $o(n) } )',
    ],
  ])('%s: same result as the interpreter', async (_label, expression) => {
    const { compiled, interpreted } = await both(expression, { name: ' Ann  Lee ', n: 0 });
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(true);
  });
});
