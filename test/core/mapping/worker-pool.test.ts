import { MappingWorkerPool, WorkerCompileError } from '../../../core/mapping/worker-pool';

/**
 * The worker pool behind previews and fixtures on save: a worker that stops answering is terminated and replaced
 * (its record fails with a guardrail error, the other records are evaluated), a compile error is reported as such,
 * and a batch stops at its CPU budget.
 */
// starting a worker thread (TypeScript through tsx) takes a few seconds on a loaded machine
jest.setTimeout(120_000);

describe('mapping worker pool', () => {
  const pool = new MappingWorkerPool({ size: 1 });
  afterAll(async () => {
    await pool.close();
  });

  it('terminates a worker that does not answer, fails that record, and goes on with the next ones on a new worker', async () => {
    // the CPU limit is lifted, so only the pool's watchdog can stop this record
    const watched = new MappingWorkerPool({ size: 1, watchdogMs: 5000 });
    try {
      await watched.evaluateBatch({ id: 'warm-up', expression: '$' }, [{}]); // loads the stdlib in the worker
      const mapping = {
        id: 'spin-forever',
        expression: 'spin ? ($f := function($n){ $f($n + 1) }; $f(0)) : { "n": n }',
      };
      const options = { timeoutMs: 600_000 };
      const results = await watched.evaluateBatch(mapping, [{ n: 1 }, { spin: true }, { n: 3 }], { options });
      expect(results[0]).toEqual({ ok: true, value: { n: 1 } });
      expect(results[1]).toMatchObject({ ok: false, error: { code: 'guardrail.timeout' } });
      if (!results[1].ok) expect(results[1].error.message).toContain('was stopped');
      expect(results[2]).toEqual({ ok: true, value: { n: 3 } });
    } finally {
      await watched.close();
    }
  });

  it('reports a compile error of the mapping', async () => {
    await expect(pool.evaluateBatch({ id: 'broken', expression: '{ "a": ' }, [{}])).rejects.toBeInstanceOf(
      WorkerCompileError,
    );
  });

  it('stops a batch at its CPU budget: later records fail with guardrail.budget', async () => {
    const mapping = { id: 'spin', expression: '($f := function($n){ $f($n + 1) }; $f(0))' };
    const results = await pool.evaluateBatch(mapping, [{}, {}, {}, {}], { options: { timeoutMs: 50 }, budgetMs: 100 });
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.slice(0, 2)).toEqual(['guardrail.timeout', 'guardrail.timeout']);
    expect(codes.slice(2)).toEqual(['guardrail.budget', 'guardrail.budget']);
  });
});
