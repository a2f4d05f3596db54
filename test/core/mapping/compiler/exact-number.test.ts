import { compiledAndInterpreted } from './helpers';

/**
 * `$number(…)` failing (D3030) where the interpreter evaluates one thing at a time is reported by the compiled code
 * with the interpreter's exact error (compile.ts `exactNumberError`) instead of evaluating the record again on the
 * interpreter; inside lambdas, and/or and what the interpreter evaluates concurrently (object constructor values,
 * array constructors of several items) the record still goes to the interpreter. Either way: the interpreter's
 * result, error code, message, line, column and token.
 */

const both = (expression: string, input: unknown) => compiledAndInterpreted('compiled-exact-number', expression, input);

const input = {
  x: 'abc',
  y: 'x"y\u2028z',
  big: '1e400',
  ok: '12',
  obj: { a: 1 },
  items: [{ v: '1' }, { v: 'two' }, { v: '3' }],
};

describe('$number errors on the compiled path', () => {
  it.each([
    ['at the top', '$number(x)'],
    ['in a block, bound before the output', '( $q := $number(x); { "q": $q } )'],
    ['per item of a path in a one-item array', '[items.( $n := $number(v); { "n": $n } )]'],
    ['a value with quotes and a line separator', '$number(y)'],
    ['a number too large', '( $n := $number(big); $n )'],
    ['in a predicate', 'items[$number(v) > 1].v'],
    ['in an argument of another call', '$string($number(x))'],
    ['an operand', '$number(x) + 1'],
    ['in a condition', 'ok = "12" ? $number(x) : 0'],
    ['after a good one', '( $a := $number(ok); $b := $number(x); $a + $b )'],
  ])('%s: the interpreter’s error without the interpreter', async (_label, expression) => {
    const { compiled, interpreted, handedOver } = await both(expression, input);
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(false);
    expect(handedOver).toBe(0);
  });

  it.each([
    ['two object values', '{ "a": $number(x), "b": $number(y) }'],
    ['one object value', '{ "a": $number(x), "b": 1 }'],
    ['two array items', '[$number(x), $number(y)]'],
    ['a lambda', '( $f := function($v) { $number($v) }; $f(x) )'],
    ['the right side of and', 'ok = "12" and $number(x) > 1'],
    ['an object (a signature error)', '$number(obj)'],
    ['an object value in a path', 'items.{ "n": $number(v) }'],
  ])('%s: handed to the interpreter, same error', async (_label, expression) => {
    const { compiled, interpreted } = await both(expression, input);
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(false);
  });

  it('leaves numbers that cast alone', async () => {
    const { compiled, interpreted, handedOver } = await both('[$number(ok), $number("0x1F"), $number(true)]', input);
    expect(compiled).toEqual(interpreted);
    expect(compiled.ok).toBe(true);
    expect(handedOver).toBe(0);
  });

  it.each([
    '-1.5e3',
    '00012',
    '12',
    '0.25',
    ' 12',
    '1.',
    '.5',
    'Infinity',
    '1e400',
    '-0',
    '0x1F',
    '0b101',
    '',
    '1_000',
  ])('casts %j as JSONata does (native $number)', async (text) => {
    const { compiled, interpreted } = await both('( $n := $number(t); { "n": $n, "t": $type($n) } )', { t: text });
    expect(compiled).toEqual(interpreted);
  });
});
