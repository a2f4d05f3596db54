import { compileMapping } from '../../../../core/mapping';
import { compileExpression, useCompiledMappings } from '../../../../core/mapping/compiler';
import { compiledAndInterpreted } from './helpers';

/**
 * Generated per-site code (compiler/specialise.ts) — simple paths and output object constructors written as one
 * JavaScript function each, with the expression's field names as string literals — gives the interpreter's results:
 * names that need escaping or look like indexes or prototype members, paths through arrays, nulls, strings and
 * function values, object constructors over an array context.
 */

const both = (expression: string, input: unknown) => compiledAndInterpreted('compiled-specialise', expression, input);

const record = {
  name: 'Ann',
  'a"b': 'quote',
  'back\\slash': 'slash',
  'line\u2028sep': 'separator',
  '0': 'zero',
  '10': 'ten',
  ключ: 'unicode',
  nested: { deep: { value: 7 }, list: [{ value: 1 }, { value: 2 }], none: null, text: 'str' },
  none: null,
  items: [{ name: 'x' }, { name: 'y' }],
  empty: [],
};

describe('generated per-site code', () => {
  it.each([
    ['keys that need escaping', '{ "a\\"b": `a"b`, "back\\\\slash": `back\\slash`, "ключ": `ключ` }'],
    ['a line separator in a key', '{ "line\u2028sep": `line\u2028sep` }'],
    ['keys that look like indexes, in JSON order', '{ "10": `10`, "b": name, "0": `0` }'],
    ['keys that name prototype members', '{ "constructor": constructor, "toString": toString, "x": name.toString }'],
    ['a path through objects', '{ "v": nested.deep.value, "missing": nested.missing.value }'],
    ['a path through an array', '{ "v": nested.list.value, "n": items.name }'],
    ['a path through null and a string', '{ "a": nested.none.value, "b": nested.text.length, "c": none.x }'],
    ['a path that ends at an array', '{ "items": items, "empty": empty }'],
    ['a path from a variable', '( $n := nested; { "v": $n.deep.value, "l": $n.list.value } )'],
    ['a path from a function value', '( $f := function($x) { $x }; { "v": $f.name, "w": $f.a.b } )'],
    ['a path from a built-in', '{ "v": $string.name }'],
    ['an object constructor over a function value', '( $f := function() { 1 }; $f.{ "v": name, "w": a.b } )'],
    ['an object constructor over a string', 'name.{ "v": length, "w": a.b }'],
    ['an object constructor over grouped items', '{ "n": items.name, "all": { "n": name } }'],
    ['an object constructor over an array context', 'items.{ "n": name, "all": $$.name }'],
    ['an object constructor inside a condition', 'name = "Ann" ? { "n": name, "q": `a"b` } : { "x": 1 }'],
  ] as const)('%s: same result as the interpreter', async (_label, expression) => {
    expect(compileExpression(expression, 200).ok).toBe(true);
    const { compiled, interpreted } = await both(expression, record);
    expect(compiled).toEqual(interpreted);
    expect(JSON.stringify(compiled)).toBe(JSON.stringify(interpreted)); // member order too
  });

  it.each([
    ['an array input', [record, { name: 'Bob' }]],
    ['a string input', 'text'],
    ['a null input', null],
  ] as const)('%s: same result as the interpreter', async (_label, input) => {
    const expression = '{ "n": name, "v": nested.deep.value }';
    const { compiled, interpreted } = await both(expression, input);
    expect(compiled).toEqual(interpreted);
  });
});

describe('frames and call sites', () => {
  it.each([
    [
      'binds past the block capacity',
      '( $a := 1; name = "Ann" ? ($b := 2) : ($c := 3); $d := $b + 1; [$a, $b, $c, $d] )',
    ],
    ['a name bound again', '( $a := 1; $a := $a + 1; $b := ($a := 10; $a); [$a, $b] )'],
    ['a binding to nothing hides the outer one', '( $a := 1; ( $a := missing; $exists($a) ) )'],
    ['a lambda called with fewer arguments than parameters', '( $f := function($x, $y) { [$x, $y] }; $f(1) )'],
    ['a lambda called with more arguments than parameters', '( $f := function($x) { $x }; $f(1, 2) )'],
    ['a binding inside a lambda', '( $f := function($x, $y) { ( $z := $x + $y; $x := 5; [$x, $y, $z] ) }; $f(1, 2) )'],
    ['a binding in a lambda frame itself', '( $f := function($x) { $y := $x * 2 }; [$f(1), $f(2)] )'],
    ['a lambda that closes over a variable bound after it', '( $f := function() { $later }; $later := "set"; $f() )'],
    ['a closure over a loop variable', '( $fs := [1, 2, 3].( $n := $; function() { $n } ); $fs.$() )'],
    ['a tail call in a lambda body', '( $f := function($x) { $substring($x, 1) }; items.$f(name) )'],
    ['a pure lambda called in turn by $map', '( $t := function($v) { $uppercase($v) }; $map(["a", "b"], $t) )'],
    ['a pure lambda called on its own result', '( $t := function($v) { $v & "!" }; $t($t($t(name))) )'],
    ['a pure lambda given a lambda', '( $t := function($v) { $type($v) }; $t(function($x) { $x }) )'],
    ['a pure lambda per item', '[1, 2].( $n := $; $t := function($v) { $v * 2 }; $t($n) )'],
    ['a pure lambda whose call fails', '( $t := function($v) { $v + 1 }; [$t(1), $t("x")] )'],
    [
      'a reused pure result',
      '( $t := function($v) { $trim($v) }; { "a": $t(name) != "" ? $t(name), "b": $t(name) = "x" ? $t(name) : "no" } )',
    ],
    [
      'calls with no, one and several arguments',
      '[$count([]), $uppercase(name), $substring(name, 1, 1), $join(["a", "b"], "-")]',
    ],
    ['a call in apply form', 'name ~> $uppercase() ~> $substring(0, 2)'],
    ['a regex literal evaluated per item', 'items.$match(name, /[a-z]/)'],
    ['a regex literal matched repeatedly', '$match("a1b2c3", /[0-9]/).match'],
    [
      'a regex literal inside its own callback',
      '$replace("banana", /an/, function($m) { $replace($m.match, /an/, "AN") })',
    ],
    ['a call of a variable that is not a function', '( $x := 1; $x() )'],
  ] as const)('%s: same result as the interpreter', async (_label, expression) => {
    expect(compileExpression(expression, 200).ok).toBe(true);
    const { compiled, interpreted } = await both(expression, record);
    expect(compiled).toEqual(interpreted);
  });

  it('a pure lambda that failed on one record runs on the next', async () => {
    const expression = '( $t := function($v) { $v + 1 }; { "n": $t(n) } )';
    const mapping = compileMapping({ id: 'compiled-specialise-pure', version: '1', expression });
    const failed = await mapping.evaluate({ n: 'x' });
    expect(failed.ok).toBe(false);
    expect(await mapping.evaluate({ n: 1 })).toEqual({ ok: true, value: { n: 2 } });
    expect(await mapping.evaluatePage([{ n: 'y' }, { n: 2 }, { n: 3 }])).toEqual([
      failed.ok ? undefined : { ok: false, error: { ...failed.error, message: expect.any(String) } },
      { ok: true, value: { n: 3 } },
      { ok: true, value: { n: 4 } },
    ]);
  });

  it.each([
    ['a bind at the top level', '$exists($x) ? "seen: " & $x : ($x := n)', true],
    ['a bind in a block', '( $seen := $exists($x); $x := n; $seen ? "seen" : $x )', true],
    // the interpreter evaluates an object's values concurrently: whether "after" sees $x is not reproduced
    ['a bind in an object value (declined)', '{ "before": $exists($x), "x": $x := n, "after": $x }', false],
    ['a bind in a block in an object value', '{ "x": ($x := n; $x), "after": $x }', true],
  ] as const)("%s: no record sees another record's bindings", async (_label, expression, compiles) => {
    expect(compileExpression(expression, 200).ok).toBe(compiles);
    const records = [{ n: 1 }, { n: 2 }, { n: 3 }];
    const page = await compileMapping({ id: 'compiled-specialise-root', version: expression, expression }).evaluatePage(
      records,
    );
    useCompiledMappings(false);
    try {
      const interpreted = await compileMapping({
        id: 'compiled-specialise-root-i',
        version: expression,
        expression,
      }).evaluatePage(records);
      expect(page).toEqual(interpreted);
    } finally {
      useCompiledMappings(true);
    }
  });
});
