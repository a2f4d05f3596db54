import { resolve } from 'node:path';
import { diffValues, formatReport, runFixtures, testMappings } from '../../../core/mapping';

const MAPPINGS = resolve(__dirname, '../../../mappings');
const FIXTURES = resolve(__dirname, '../../fixtures/mappings');

describe('fixture runner', () => {
  it('passes every fixture of every shipped mapping, including negative fixtures', async () => {
    const report = await testMappings(MAPPINGS);
    const failures = report.mappings.filter((m) => !m.passed).map((m) => m.mappingId);
    expect(failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.totals.mappings).toBe(17);
    expect(report.totals.failed).toBe(0);
    for (const mapping of report.mappings) {
      const negative = mapping.fixtures.filter((f) => f.result && !f.result.ok);
      expect(negative.length).toBeGreaterThan(0);
      expect(mapping.fixtures.length).toBeGreaterThan(negative.length);
    }
    expect(formatReport(report)).toMatch(/7 mappings \(0 failed\), \d+ fixtures: \d+ passed, 0 failed/);
  });

  it('passes negative fixtures that expect each guardrail', async () => {
    const report = await runFixtures(resolve(FIXTURES, 'guardrails'));
    expect(report.fixtures.map((f) => [f.name, f.passed])).toEqual([
      ['tail-recursive loop hits the timeout', true],
      ['huge range is refused', true],
      ['catastrophic-backtracking regex runs in linear time', true],
    ]);
    expect(report.passed).toBe(true);
  });

  it('fails a mapping whose expression does not compile, with line and column', async () => {
    const report = await runFixtures(resolve(FIXTURES, 'broken-syntax'));
    expect(report.passed).toBe(false);
    expect(report.error).toMatchObject({ code: 'compile.syntax', line: 4, column: 1, token: '}' });
    expect(report.excerpt).toBe('4 | }\n    ^');
  });

  it('fails an evaluation error with its line and column', async () => {
    const report = await runFixtures(resolve(FIXTURES, 'broken-eval'));
    const [fixture] = report.fixtures;
    expect(fixture.passed).toBe(false);
    expect(fixture.result).toMatchObject({
      ok: false,
      error: { code: 'evaluate.error', jsonataCode: 'T2001', line: 4, column: 18 },
    });
    expect(fixture.excerpt).toContain('4 |   "total": Price * Quantity');
  });

  it('reports a value mismatch as a structured diff and an invalid output by field', async () => {
    const report = await runFixtures(resolve(FIXTURES, 'broken-output'));
    expect(report.fixtures.map((f) => f.passed)).toEqual([true, false, false]);
    expect(report.fixtures[1].diffs).toEqual([
      { path: '/email', kind: 'changed', expected: 'B@Example.com', actual: 'b@example.com' },
    ]);
    expect(report.fixtures[2].result).toMatchObject({ ok: false, error: { code: 'output.invalid', field: '/email' } });
  });

  it('formats a failing report readably and marks it not ok', async () => {
    const report = await testMappings(FIXTURES);
    expect(report.ok).toBe(false);
    const text = formatReport(report);
    expect(text).toContain('FAIL  broken-syntax');
    expect(text).toContain('compile.syntax [S0211] at line 4, column 1 near "}"');
    expect(text).toContain('/email: expected "B@Example.com", got "b@example.com"');
    expect(text).toContain('output.invalid (field /email)');
    expect(text).toContain('evaluate.error [T2001] at line 4, column 18');
    expect(text).toContain('ok    guardrails  3/3 fixtures');
    expect(text).toMatch(/4 mappings \(3 failed\), 7 fixtures: 4 passed, 3 failed$/);
  });

  it('reports a path with no mappings as a failure', async () => {
    const report = await testMappings(resolve(FIXTURES, 'schemas'));
    expect(report.ok).toBe(false);
    expect(report.error?.code).toBe('mappings.none');
  });
});

describe('diffValues', () => {
  it('lists missing, unexpected and changed leaves by JSON pointer', () => {
    expect(diffValues({ a: 1, b: { c: [1, 2] }, 'x/y': 1 }, { a: 2, b: { c: [1] }, d: true, 'x/y': 1 })).toEqual([
      { path: '/a', kind: 'changed', expected: 1, actual: 2 },
      { path: '/b/c/1', kind: 'missing', expected: 2 },
      { path: '/d', kind: 'unexpected', actual: true },
    ]);
    expect(diffValues({ a: [1] }, { a: [1] })).toEqual([]);
    expect(diffValues([1], { 0: 1 })).toEqual([{ path: '/', kind: 'changed', expected: [1], actual: { 0: 1 } }]);
  });
});
