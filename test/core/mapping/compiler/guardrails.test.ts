import { compileMapping, type MappingEngineOptions } from '../../../../core/mapping';
import { compiledMappingStats, compileExpression, loadRuntime, wrapInput } from '../../../../core/mapping/compiler';
import { resolveEngineOptions } from '../../../../core/mapping/guardrails';
import { compiledAndInterpreted } from './helpers';

/**
 * The engine's guardrails hold on the compiled path: the same error (code, message, position) as the interpreter
 * for size caps, sequence limits and function values in the output, the CPU-time limit checked by the compiled
 * code itself, and expressions whose depth the compiler cannot bound left to the interpreter.
 */

const both = (expression: string, input: unknown, options?: MappingEngineOptions) =>
  compiledAndInterpreted('compiled-guardrail', expression, input, options);

describe('guardrails on the compiled path', () => {
  it.each([
    ['a string over the maximum length', '{ "s": $pad("x", 2000000) }', {}],
    ['a join over the maximum length', '$join([1..3000].$pad("", 999, "x"), "")', {}],
    ['& over the maximum length', '$pad("", 999999, "x") & "yz"', {}],
    ['a sequence over the configured limit', '$count([1..5000])', { maxSequence: 1000 }],
    ['a path over the configured limit', '$count(items.n)', { maxSequence: 10 }],
    ['a function value in the output', '{ "f": function($x) { $x }, "n": 1 }', {}],
    ['a built-in in the output', '{ "a": [1, $uppercase] }', {}],
    ['an evaluation error', '{ "n": $number("abc") }', {}],
    ['a type error in an operator', '{ "n": name + 1 }', {}],
    ['$error from the mapping', '$error("no customer: set the customer first")', {}],
  ] as const)('%s: same result as the interpreter', async (_label, expression, options) => {
    expect(compileExpression(expression, 200).ok).toBe(true);
    const input = { name: 'Ann', items: Array.from({ length: 20 }, (_, n) => ({ n })) };
    const { compiled, interpreted } = await both(expression, input, options);
    expect(compiled.ok).toBe(false);
    expect(compiled).toEqual(interpreted);
  });

  it('reports $error itself, with the interpreter’s message, line and column', async () => {
    const expression = '(\n  $n := name;\n  $n ? { "n": $n } : $error("name: missing; set the name, then replay")\n)';
    const before = compiledMappingStats();
    const { compiled, interpreted } = await both(expression, {});
    expect(compiledMappingStats().handedToInterpreter).toBe(before.handedToInterpreter);
    expect(compiled).toEqual(interpreted);
    expect(compiled).toMatchObject({
      ok: false,
      error: { code: 'evaluate.error', jsonataCode: 'D3137', line: 3, token: 'error' },
    });
  });

  it('reports a function value in the output with output.function and the field', async () => {
    const { compiled } = await both('{ "f": function($x) { $x } }', {});
    expect(compiled).toMatchObject({ ok: false, error: { code: 'output.function', field: '/f' } });
  });

  it('stops a runaway loop in compiled code with guardrail.timeout, without the interpreter', async () => {
    const expression =
      '$reduce([1..100000], function($acc, $a) { $acc + $reduce([1..100000], function($x, $y) { $x + $y }) }, 0)';
    expect(compileExpression(expression, 200).ok).toBe(true);
    const before = compiledMappingStats();
    const result = await compileMapping({ id: 'compiled-timeout', expression }, { timeoutMs: 50 }).evaluate({});
    expect(result).toMatchObject({ ok: false, error: { code: 'guardrail.timeout', jsonataCode: 'D1012' } });
    if (!result.ok) expect(result.error.message).toMatch(/50 ms/);
    expect(compiledMappingStats().handedToInterpreter).toBe(before.handedToInterpreter);
  });

  it('stops a runaway record in the middle of a page and maps the records around it', async () => {
    const expression =
      'loop ? $reduce([1..100000], function($acc, $a) { $acc + $reduce([1..100000], function($x, $y) { $x + $y }) }, 0) : { "n": n }';
    const mapping = compileMapping({ id: 'compiled-page-timeout', expression }, { timeoutMs: 50 });
    const records = Array.from({ length: 41 }, (_, n) => ({ n, loop: n === 20 }));
    const results = await mapping.evaluatePage(records);
    expect(results[20]).toMatchObject({ ok: false, error: { code: 'guardrail.timeout' } });
    const others = results.filter((_, n) => n !== 20);
    expect(others).toEqual(records.filter((r) => !r.loop).map((r) => ({ ok: true, value: { n: r.n } })));
  });

  it('charges each record of a page its own CPU time, not the page’s', async () => {
    // each record sums 5,000 numbers (a few ms); the 50 of them together take longer than the limit
    const mapping = compileMapping(
      { id: 'compiled-page-budget', expression: '{ "sum": $reduce([1..5000], function($x, $y) { $x + $y }) }' },
      { timeoutMs: 100 },
    );
    const results = await mapping.evaluatePage(Array.from({ length: 50 }, () => ({})));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results[49]).toEqual({ ok: true, value: { sum: 12502500 } });
  });

  it('leaves recursion and expressions deeper than the depth limit to the interpreter', async () => {
    const recursive = '($f := function($n){ $n > 50 ? $n : 1 + $f($n+1) }; $f(0))';
    expect(compileExpression(recursive, 200)).toMatchObject({ ok: false });
    const deep = `${'['.repeat(40)}1${']'.repeat(40)}`;
    expect(compileExpression(deep, 200).ok).toBe(true);
    expect(compileExpression(deep, 30)).toMatchObject({ ok: false });
    const { compiled, interpreted } = await both(recursive, {}, { maxDepth: 30 });
    expect(compiled).toEqual(interpreted);
    expect(compiled).toMatchObject({ ok: false, error: { code: 'guardrail.stack' } });
  });

  it('binds a constant table once per compiled mapping, not per record', async () => {
    const outcome = compileExpression('( $T := { "ru": "RU", "de": "DE" }; $T )', 200);
    if (!outcome.ok) throw new Error(outcome.reason);
    const options = resolveEngineOptions();
    outcome.bindRuntime(await loadRuntime('constant-table-test', options));
    const run = (record: unknown) =>
      outcome.program.run(wrapInput(record), {
        maxSequence: options.maxSequence,
        timeoutMs: options.timeoutMs,
        cpuStart: 0,
        wallStart: performance.now(),
        steps: 0,
        root: record,
        bindings: undefined,
      });
    const first = run({ a: 1 });
    expect(first).toEqual({ ru: 'RU', de: 'DE' });
    expect(run({ a: 2 })).toBe(first);
  });

  it('keeps records of one mapping independent (a table returned in one output is copied)', async () => {
    const mapping = compileMapping({ id: 'compiled-table-copy', expression: '( $T := { "n": 1 }; { "t": $T } )' });
    const [a, b] = await mapping.evaluatePage([{}, {}]);
    expect(a).toEqual({ ok: true, value: { t: { n: 1 } } });
    if (a.ok && b.ok) expect((a.value as { t: unknown }).t).not.toBe((b.value as { t: unknown }).t);
  });
});
