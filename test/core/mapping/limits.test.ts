import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsonata from 'jsonata';
import { compileMapping, testMappings, type MapResult, type MappingError } from '../../../core/mapping';
import { wrappedBuiltInMismatches } from '../../../core/mapping/limits';

/**
 * Size and CPU limits inside an evaluation (core/mapping/limits.ts, plain-json.ts): each runaway below used to take
 * the process down, freeze it, slip past the sequence limit or leak engine internals into the record.
 */

function expectError(result: MapResult): MappingError {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value).slice(0, 200)}`);
  return result.error;
}

const evaluate = (expression: string, input: unknown = {}, id = 'limits') =>
  compileMapping({ id, expression }).evaluate(input);

describe('size limits inside an evaluation', () => {
  it('refuses $pad to a huge width before allocating, naming the limit (used to exhaust the heap)', async () => {
    const error = expectError(await evaluate('$length($pad("", 200000000))'));
    expect(error).toMatchObject({ code: 'guardrail.string', token: 'pad', line: 1 });
    expect(error.message).toContain('maximum string length of 1000000');
    expect(expectError(await evaluate('$pad("", 5e7)')).code).toBe('guardrail.string');
    expect(expectError(await evaluate('$pad("x", -5e7, "ab")')).code).toBe('guardrail.string');
  });

  it('stops string doubling with & (in $reduce and in recursion) at the string limit', async () => {
    const reduce = expectError(await evaluate('$reduce([1..40], function($a, $i){ $a & $a }, "x")'));
    expect(reduce).toMatchObject({ code: 'guardrail.string' });
    expect(reduce.message).toContain('maximum string length');
    const recursive = expectError(
      await evaluate('($d := function($s, $n){ $n = 0 ? $s : $d($s & $s, $n - 1) }; $length($d("ab", 40)))'),
    );
    expect(recursive.code).toBe('guardrail.string');
    // the same doubling inside an $eval'd expression
    expect(
      expectError(await evaluate('$eval("$reduce([1..40], function($a, $i){ $a & $a }, \'x\')")')).message,
    ).toMatch(/maximum string length/);
  });

  it('applies the sequence limit to $split results (they used to skip it)', async () => {
    const error = expectError(await evaluate('$count($split($pad("", 300000, "a,"), ","))', {}, 'split'));
    expect(error).toMatchObject({ code: 'guardrail.sequence', token: 'split' });
    expect(error.message).toContain('maximum length of 100000 items');
    const chars = compileMapping({ id: 'split-chars', expression: '$count($split(s, ""))' }, { maxSequence: 1000 });
    expect(expectError(await chars.evaluate({ s: 'x'.repeat(5000) })).code).toBe('guardrail.sequence');
    await expect(chars.evaluate({ s: 'x'.repeat(1000) })).resolves.toEqual({ ok: true, value: 1000 });
  });

  it('refuses $join and $string results over the limit, and $string of a value built by doubling', async () => {
    const options = { maxStringLength: 1000 };
    const join = compileMapping({ id: 'join', expression: '$join(items, "--")' }, options);
    expect(expectError(await join.evaluate({ items: Array(400).fill('abc') })).code).toBe('guardrail.string');
    const doubled = '$reduce([1..60], function($a, $i){ { "l": $a, "r": $a } }, {})';
    expect(expectError(await evaluate(`$string(${doubled})`)).code).toBe('guardrail.string');
    expect(expectError(await evaluate(`${doubled} & ""`)).code).toBe('guardrail.string');
  });

  it('fails an output record built by doubling shared objects with guardrail.output, not an out-of-memory', async () => {
    const doubled = compileMapping(
      { id: 'doubled', expression: '$reduce([1..60], function($a, $i){ { "l": $a, "r": $a } }, {})' },
      { maxOutputSize: 100000 },
    );
    const error = expectError(await doubled.evaluate({}));
    expect(error.code).toBe('guardrail.output');
    expect(error.message).toContain('maximum output size of 100000');
  });

  it('adds up large strings built per record (many strings under the limit still stop)', async () => {
    // a generous CPU budget: this is about memory, and 50 strings of 1 MB may take over the default 1 s of CPU on a
    // busy machine (the time guard would then answer first)
    const many = compileMapping(
      { id: 'limits', expression: '$count([1..1000].$pad("", 999999))' },
      { timeoutMs: 20_000 },
    );
    const error = expectError(await many.evaluate({}));
    expect(error.code).toBe('guardrail.memory');
    expect(error.message).toContain('50000000');
  });

  it('turns a V8 "Invalid string length" inside $replace into a guardrail error', async () => {
    const error = expectError(await evaluate('$replace($pad("", 900000, "a"), "a", $pad("", 900000, "b"))'));
    expect(error.code).toBe('guardrail.string');
  });
});

describe('hub mappings test (the fixture runner) on runaway fixtures', () => {
  it('reports each runaway as its guardrail error, so negative fixtures can expect them', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bombs-'));
    try {
      fs.mkdirSync(path.join(root, 'schemas'));
      fs.writeFileSync(path.join(root, 'schemas', 'any.schema.json'), '{}');
      const dir = path.join(root, 'bombs');
      fs.mkdirSync(path.join(dir, 'fixtures'), { recursive: true });
      const manifest = {
        id: 'bombs',
        description: 'runaway expressions',
        source: { schema: '../schemas/any.schema.json' },
        target: { schema: '../schemas/any.schema.json' },
        expression: 'expression.jsonata',
      };
      fs.writeFileSync(path.join(dir, 'mapping.json'), JSON.stringify(manifest));
      fs.writeFileSync(
        path.join(dir, 'expression.jsonata'),
        [
          'kind = "pad" ? $length($pad("", 200000000))',
          ': kind = "double" ? $reduce([1..40], function($a, $i){ $a & $a }, "x")',
          ': kind = "split" ? $split($pad("", 900000, "a,"), ",")',
          ': { "f": $uppercase }',
        ].join('\n'),
      );
      const fixtures: [string, string, Record<string, unknown>][] = [
        ['pad', 'pad', { code: 'guardrail.string', line: 1 }],
        ['double', 'double', { code: 'guardrail.string' }],
        ['split', 'split', { code: 'guardrail.sequence' }],
        ['function', 'function', { code: 'output.function', field: '/f' }],
      ];
      for (const [name, kind, error] of fixtures) {
        const fixture = { name, input: { kind }, expected: { error } };
        fs.writeFileSync(path.join(dir, 'fixtures', `${name}.json`), JSON.stringify(fixture));
      }
      const report = await testMappings(root);
      expect(report.mappings[0].fixtures.map((f) => [f.name, f.passed])).toEqual([
        ['double', true],
        ['function', true],
        ['pad', true],
        ['split', true],
      ]);
      expect(report.ok).toBe(true);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('function values in the output', () => {
  it('reports a built-in function value as output.function naming the field (it used to leak _jsonata_function)', async () => {
    const error = expectError(await evaluate('{ "email": email, "f": $uppercase }', { email: 'a@b.c' }));
    expect(error).toMatchObject({ code: 'output.function', field: '/f' });
    expect(error.message).toContain('/f');
  });

  it('reports a lambda as output.function (it used to be misreported as a depth error)', async () => {
    const error = expectError(await evaluate('{ "tags": [1, function($x){ $x }] }'));
    expect(error).toMatchObject({ code: 'output.function', field: '/tags/1' });
    expect(expectError(await evaluate('function($x){ $x }')).field).toBe('/');
    expect(expectError(await evaluate('{ "p": $substring(?, 1) }')).code).toBe('output.function');
  });
});

describe('the time limit is CPU time', () => {
  it('does not fail a record whose evaluation was paused (wall time over the limit, CPU time under it)', async () => {
    const pause = new Int32Array(new SharedArrayBuffer(4));
    const record = {
      get name() {
        Atomics.wait(pause, 0, 0, 400); // the thread is descheduled, as on a paused or overloaded machine
        return 'Ann';
      },
    };
    const mapping = compileMapping({ id: 'paused', expression: '{ "name": name }' }, { timeoutMs: 200 });
    await expect(mapping.evaluate(record)).resolves.toEqual({ ok: true, value: { name: 'Ann' } });
  });

  it('still stops a busy loop at the CPU limit', async () => {
    const mapping = compileMapping(
      { id: 'busy', expression: '($f := function($n){ $f($n+1) }; $f(0))' },
      { timeoutMs: 100 },
    );
    const error = expectError(await mapping.evaluate({}));
    expect(error).toMatchObject({ code: 'guardrail.timeout', jsonataCode: 'D1012' });
    expect(error.message).toContain('100 ms CPU time limit');
  });
});

describe('inside the limits, results are exactly JSONata’s', () => {
  it('wraps each built-in with the signature, parameters and arity of the installed JSONata', async () => {
    await expect(wrappedBuiltInMismatches()).resolves.toEqual([]);
  });

  const expressions = [
    '"x" & 1 & true & {"b": 1} & [1, 2] & null & $uppercase & nothing',
    'nothing & nothing',
    '[1, 2, 3].($string($) & "-")',
    '{ "a": ("p" & n) }',
    '$pad("abc", 8, "-#")',
    '$pad("abc", -8)',
    '$pad(nothing, 5)',
    '$join(["a", "b", "c"], ", ")',
    '$join(["a", "b"])',
    '$string({"a": [1, 2, {"b": null}]}, true)',
    '$string(n)',
    '$string()',
    '$split("a,b,,c", ",")',
    '$split("a1b22c", /\\d+/, 2)',
    '$split("abc", "")',
    '$replace("hello world", "o", "0", 1)',
    '$replace("John Smith", /(\\w+)\\s(\\w+)/, "$2, $1")',
    'nothing.$pad("x", 3)',
    's.$string()',
    '($f := $substring(?, 1); $f("hello"))',
    '($p := $pad(?, 5, "*"); s.$p($))',
    '$map(["a", "b"], $uppercase)',
    '$map(s, function($v, $i){ $v & $i })',
    '$filter([1, 2, 3], function($v){ $v > 1 })',
    '$sort(["b", "a", "c"])',
    '$keys({"a": 1, "b": 2})',
    '$each({"a": 1}, function($v, $k){ $k & "=" & $v })',
    '$zip([1, 2], [3, 4])',
    '$match("ab12cd3", /\\d+/).match',
    '$eval("1 & 2 & \'x\'")',
    '$eval("$string(n) & \'!\'", $)',
    '"a" ~> $uppercase()',
    '$formatNumber(1234.5, "#,##0.00")',
    '$clone({"a": [1, 2]})',
  ];
  it.each(expressions)('%s', async (expression) => {
    const input = { n: 42, s: ['x', 'y'] };
    const expected = await jsonata(expression).evaluate(input);
    const result = await evaluate(expression, input, 'parity');
    if (expected === undefined) {
      expect(expectError(result).code).toBe('output.empty');
    } else {
      expect(result).toEqual({ ok: true, value: JSON.parse(JSON.stringify(expected)) });
    }
  });
});
