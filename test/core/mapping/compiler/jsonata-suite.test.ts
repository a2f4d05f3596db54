import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { getCompiledExpression } from '../../../../core/mapping/expression-cache';
import { resolveEngineOptions } from '../../../../core/mapping/guardrails';
import { beginEvaluation, endEvaluation } from '../../../../core/mapping/limits';
import { canonical, errorCode, runCompiled, type Outcome } from './helpers';

/**
 * JSONata's own test suite (jsonata-js v2.2.2 test/test-suite, vendored in test/fixtures/jsonata-suite with its MIT
 * licence): for every case whose expression the compiler compiles, the compiled result must equal the suite's
 * expected result and the interpreter's (configured as the engine configures it: hub stdlib, guardrails, RE2).
 */

interface SuiteCase {
  id: string;
  expr: string;
  data?: unknown;
  dataset?: string | null;
  bindings?: Record<string, unknown>;
  result?: unknown;
  undefinedResult?: boolean;
  code?: string;
  error?: { code?: string };
  timelimit?: number;
  depth?: number;
}

const suite = JSON.parse(readFileSync(resolve(__dirname, '../../../fixtures/jsonata-suite/suite.json'), 'utf8')) as {
  version: string;
  datasets: Record<string, unknown>;
  cases: SuiteCase[];
};

function inputOf(testCase: SuiteCase): unknown {
  if ('data' in testCase) return testCase.data;
  if (testCase.dataset === null || testCase.dataset === undefined) return undefined;
  return suite.datasets[testCase.dataset];
}

async function interpret(testCase: SuiteCase, input: unknown): Promise<Outcome | undefined> {
  let expression;
  try {
    expression = getCompiledExpression('suite', undefined, testCase.expr, resolveEngineOptions()).expression;
  } catch {
    return undefined; // does not parse, or a regex RE2 refuses: the engine never evaluates it
  }
  const evaluation = beginEvaluation();
  try {
    return { kind: 'value', value: await expression.evaluate(input, testCase.bindings) };
  } catch (err) {
    return { kind: 'error', code: errorCode(err) };
  } finally {
    endEvaluation(evaluation);
  }
}

function expected(testCase: SuiteCase): Outcome | undefined {
  if (testCase.undefinedResult) return { kind: 'value', value: undefined };
  if ('result' in testCase) return { kind: 'value', value: testCase.result };
  const code = testCase.code ?? testCase.error?.code;
  return code ? { kind: 'error', code } : undefined;
}

function same(a: Outcome, b: Outcome): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'value' && b.kind === 'value') {
    return JSON.stringify(canonical(a.value)) === JSON.stringify(canonical(b.value));
  }
  return true; // both errors (the engine reports the interpreter's error either way)
}

describe(`JSONata test suite v${suite.version} on the compiled path`, () => {
  it('vendors the whole suite', () => {
    expect(suite.version).toBe('2.2.2');
    expect(suite.cases.length).toBe(1686);
  });

  it('gives the suite’s result and the interpreter’s for every case it compiles', async () => {
    const counts = {
      cases: 0,
      compiled: 0,
      passed: 0,
      handedToInterpreter: 0,
      engineDiffers: 0,
      interpreterTimedOut: 0,
      values: 0,
      errorsSameCode: 0,
      errorsOtherCode: 0,
    };
    const failures: string[] = [];
    for (const testCase of suite.cases) {
      // cases with a time or depth limit install evaluation hooks the engine does not use
      if (testCase.timelimit !== undefined || testCase.depth !== undefined) continue;
      counts.cases++;
      const input = inputOf(testCase);
      const compiled = await runCompiled(testCase.expr, input, testCase.bindings);
      if (!compiled) continue;
      counts.compiled++;
      if (compiled.kind === 'rerun') {
        counts.handedToInterpreter++;
        continue;
      }
      const reference = await interpret(testCase, input);
      const want = expected(testCase);
      const show = (o: Outcome | undefined) => JSON.stringify(o)?.slice(0, 160);
      const describeCase = () =>
        `${testCase.id}: ${testCase.expr.slice(0, 80)} → compiled ${show(compiled)}, interpreter ${show(reference)}, suite ${show(want)}`;
      if (reference?.kind === 'error' && reference.code === 'D1012') {
        // the interpreter ran out of CPU time where the compiled code did not: not a difference in results
        counts.interpreterTimedOut++;
        continue;
      }
      if (!reference || !same(compiled, reference)) {
        failures.push(describeCase());
        continue;
      }
      if (want && !same(compiled, want)) {
        // the engine's interpreter (guardrails, RE2) differs from plain JSONata here; compiled agrees with the engine
        counts.engineDiffers++;
        continue;
      }
      counts.passed++;
      if (compiled.kind === 'value') counts.values++;
      else if (reference.kind === 'error' && compiled.code === reference.code) counts.errorsSameCode++;
      else counts.errorsOtherCode++;
    }
    console.info(`JSONata suite on the compiled path: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
    expect(counts.compiled).toBeGreaterThan(900);
  });
});
