import { compileMapping, MappingCompileError, type CompiledMapping, type MapResult } from '../../../core/mapping';

function expectError(result: MapResult): Extract<MapResult, { ok: false }>['error'] {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('guardrails', () => {
  const runaway = (expression: string, id: string): CompiledMapping => compileMapping({ id, expression });

  it('stops a tail-recursive loop (never deepens the stack) with guardrail.timeout, then keeps working', async () => {
    const mapping = runaway('($f := function($n){ $f($n+1) }; $f(0))', 'guard-tail');
    const error = expectError(await mapping.evaluate({}));
    expect(error).toMatchObject({ code: 'guardrail.timeout', jsonataCode: 'D1012', line: 1 });
    expect(error.message).toMatch(/1000 ms/);
    const sane = compileMapping({ id: 'guard-after-tail', expression: '{ "n": n + 1 }' });
    await expect(sane.evaluate({ n: 1 })).resolves.toEqual({ ok: true, value: { n: 2 } });
  });

  it('stops non-tail recursion with guardrail.stack', async () => {
    const mapping = runaway('($f := function($n){ 1 + $f($n+1) }; $f(0))', 'guard-stack');
    expect(expectError(await mapping.evaluate({}))).toMatchObject({ code: 'guardrail.stack', jsonataCode: 'D1011' });
    await expect(compileMapping({ id: 'guard-ok', expression: '$sum([1,2,3])' }).evaluate({})).resolves.toEqual({
      ok: true,
      value: 6,
    });
  });

  it('refuses a huge range with guardrail.sequence, and the same mapping still evaluates other records', async () => {
    const mapping = compileMapping({
      id: 'guard-range',
      expression: 'big ? [1..100000000] : { "small": $count([1..10]) }',
    });
    const error = expectError(await mapping.evaluate({ big: true }));
    expect(error).toMatchObject({ code: 'guardrail.sequence', token: '..', line: 1 });
    await expect(mapping.evaluate({ big: false })).resolves.toEqual({ ok: true, value: { small: 10 } });
  });

  it('applies the configured sequence limit below JSONata’s own 1e7 cap', async () => {
    const mapping = compileMapping({ id: 'guard-seq', expression: '$count([1..5000])' }, { maxSequence: 1000 });
    expect(expectError(await mapping.evaluate({}))).toMatchObject({ code: 'guardrail.sequence', jsonataCode: 'D2015' });
    const roomy = compileMapping({ id: 'guard-seq', expression: '$count([1..5000])' }, { maxSequence: 10000 });
    await expect(roomy.evaluate({})).resolves.toEqual({ ok: true, value: 5000 });
  });

  it('runs a catastrophic-backtracking regex on RE2 without hanging', async () => {
    const mapping = compileMapping({
      id: 'guard-redos',
      expression: '{ "matched": $exists($match(s, /^(a+)+$/)), "ok": $contains("aaaa", /^(a+)+$/) }',
    });
    await expect(mapping.evaluate({ s: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' })).resolves.toEqual({
      ok: true,
      value: { matched: false, ok: true },
    });
  });

  it('honours a configured timeout and depth', async () => {
    const tight = compileMapping(
      { id: 'guard-config', expression: '($f := function($n){ $n > 50 ? $n : 1 + $f($n+1) }; $f(0))' },
      { maxDepth: 30 },
    );
    expect(expectError(await tight.evaluate({})).code).toBe('guardrail.stack');
    const loose = compileMapping(
      { id: 'guard-config', expression: '($f := function($n){ $n > 50 ? $n : 1 + $f($n+1) }; $f(0))' },
      { maxDepth: 2000 },
    );
    await expect(loose.evaluate({})).resolves.toEqual({ ok: true, value: 102 });
    const short = compileMapping(
      { id: 'guard-timeout', expression: '($f := function($n){ $f($n+1) }; $f(0))' },
      { timeoutMs: 50 },
    );
    expect(expectError(await short.evaluate({})).message).toMatch(/50 ms/);
  });

  it('maps a JavaScript stack overflow on deeply nested input to guardrail.stack', async () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 100000; i++) deep = { a: deep };
    const mapping = compileMapping({ id: 'guard-deep-input', expression: '$' });
    expect(expectError(await mapping.evaluate(deep)).code).toBe('guardrail.stack');
  });

  it('rejects a regex RE2 cannot run when the mapping is compiled, with its position', () => {
    const compile = () => compileMapping({ id: 'guard-backref', expression: '{\n  "x": $match(s, /(a)\\1/)\n}' });
    expect(compile).toThrow(MappingCompileError);
    try {
      compile();
    } catch (err) {
      expect((err as MappingCompileError).mappingError).toMatchObject({
        code: 'regex.unsupported',
        line: 2,
        column: 18,
        token: '/(a)\\1/',
      });
    }
  });
});
