import request from 'supertest';
import { closeSharedMappingWorkerPool } from '../../../core/mapping/worker-pool';
import { openApiBed, type ApiBed } from './helpers';

/**
 * A runaway expression saved with fixtures (they run on save) or previewed fails with a guardrail error naming the
 * limit, while the hub keeps answering: fixtures and previews run in worker threads with their own heap limit, the
 * engine caps string and array sizes inside every producing built-in, and a preview has a total CPU budget.
 * Before: `$pad("", 2e8)` in a fixture killed the process (heap out of memory), and a preview of an expression that
 * hits the 1 s limit held the event loop for the whole request.
 */

type Problem = { status: number; body: { detail?: string; errors?: { field: string; message: string }[] } };

describe('mapping guardrails through the API', () => {
  let bed: ApiBed;

  beforeAll(async () => {
    bed = await openApiBed();
  });

  afterAll(async () => {
    await closeSharedMappingWorkerPool();
    await bed.close();
  });

  const health = async () => {
    const answer = await request(bed.app).get('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ok' });
    return answer;
  };

  /** Saves a mapping whose only fixture runs `expression`; the save must fail naming the fixture and the limit. */
  async function saveFails(name: string, expression: string, limit: RegExp): Promise<void> {
    const save = bed
      .as('engineer')
      .post('/mappings', { name, version: '1', expression, fixtures: [{ name: 'runaway', input: {}, expected: 1 }] })
      .then((r) => r as unknown as Problem);
    const [saved] = await Promise.all([save, health()]);
    expect(saved.status).toBe(422);
    expect(saved.body.errors?.[0]).toMatchObject({ field: '/body/fixtures/0' });
    expect(saved.body.errors?.[0].message).toMatch(limit);
    // still up, nothing saved
    expect((await bed.as('engineer').get(`/mappings/${name}`)).status).toBe(404);
  }

  it('refuses a fixture that pads a string to 200 million characters (it used to kill the process)', async () => {
    await saveFails('pad-bomb', '$length($pad("", 200000000))', /maximum string length of 1000000/);
  });

  it('refuses a fixture that doubles a string 40 times', async () => {
    await saveFails('doubling', '$reduce([1..40], function($a, $i){ $a & $a }, "x")', /maximum string length/);
  });

  it('refuses a fixture that splits a huge string past the sequence limit', async () => {
    await saveFails('split-bomb', '$count($split($pad("", 900000, "a,"), ","))', /maximum length of 100000 items/);
  });

  it('previews 100 records of an expression that hits the 1 s CPU limit within the request budget, /healthz answering meanwhile', async () => {
    const created = await bed.as('engineer').post('/mappings', {
      name: 'spin',
      version: '1',
      expression: 'loop ? ($f := function($n){ $f($n + 1) }; $f(0)) : { "ok": true }',
      fixtures: [{ name: 'quiet', input: { loop: false }, expected: { ok: true } }],
    });
    expect(created.status).toBe(201);

    const order: string[] = [];
    const preview = bed
      .as('engineer')
      .post('/mappings/spin/preview', { records: Array.from({ length: 100 }, () => ({ loop: true })) })
      .then((r) => {
        order.push('preview');
        return r;
      });
    await health();
    order.push('healthz');
    const answer = await preview;
    // the preview evaluates off the main thread: /healthz is answered before the preview finishes
    expect(order).toEqual(['healthz', 'preview']);
    expect(answer.status).toBe(200);
    const results = answer.body.results as { ok: boolean; error?: { code: string; message: string } }[];
    expect(results).toHaveLength(100);
    expect(results[0].error).toMatchObject({ code: 'guardrail.timeout' });
    expect(results[0].error?.message).toContain('1000 ms CPU time limit');
    const codes = new Set(results.map((r) => r.error?.code));
    expect([...codes].sort()).toEqual(['guardrail.budget', 'guardrail.timeout']);
    expect(results[99].error?.message).toContain('budget of 3000 ms');
    // the hub still works: the quiet record previews fine
    const quiet = await bed.as('engineer').post('/mappings/spin/preview', { records: [{ loop: false }] });
    expect(quiet.body.results).toEqual([{ ok: true, value: { ok: true } }]);
  });

  it('fails a preview with $pad, doubling and a huge $split per record, naming the limit', async () => {
    const created = await bed.as('engineer').post('/mappings', {
      name: 'bombs',
      version: '1',
      expression:
        'kind = "pad" ? $pad("", 200000000) : kind = "double" ? $reduce([1..40], function($a, $i){ $a & $a }, "x") : kind = "split" ? $split($pad("", 900000, "a,"), ",") : { "fine": kind }',
      fixtures: [{ input: { kind: 'none' }, expected: { fine: 'none' } }],
    });
    expect(created.status).toBe(201);
    const [answer] = await Promise.all([
      bed.as('engineer').post('/mappings/bombs/preview', {
        records: [{ kind: 'pad' }, { kind: 'double' }, { kind: 'split' }, { kind: 'ok' }],
      }),
      health(),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.body.results).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'guardrail.string' }) },
      { ok: false, error: expect.objectContaining({ code: 'guardrail.string' }) },
      { ok: false, error: expect.objectContaining({ code: 'guardrail.sequence' }) },
      { ok: true, value: { fine: 'ok' } },
    ]);
  });

  it('reports a function value and a lambda in the output as output.function naming the field', async () => {
    const saved = (await bed.as('engineer').post('/mappings', {
      name: 'fn-out',
      version: '1',
      expression: '{ "email": email, "upper": $uppercase, "lambda": function($x){ $x } }',
      fixtures: [{ input: { email: 'a@example.com' }, expected: { email: 'a@example.com' } }],
    })) as unknown as Problem;
    expect(saved.status).toBe(422);
    expect(saved.body.errors?.[0].message).toMatch(/output field \/upper is a function/);

    const created = await bed.as('engineer').post('/mappings', {
      name: 'fn-out',
      version: '1',
      expression: 'fn ? { "f": function($x){ $x } } : { "email": email }',
      fixtures: [{ input: { email: 'a@example.com' }, expected: { email: 'a@example.com' } }],
    });
    expect(created.status).toBe(201);
    const preview = await bed.as('engineer').post('/mappings/fn-out/preview', { records: [{ fn: true }] });
    expect(preview.body.results).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'output.function', field: '/f' }) },
    ]);
  });
});
