import { openApiBed, type ApiBed } from './helpers';

/**
 * A run's records through the path users take (file connections → runner → API): what it created and held back
 * (skipped by the mapping, with the reason), each named by e-mail; `held` counted on the run and the flow; a rerun
 * that reads nothing new lists nothing.
 */
describe('the records of a run', () => {
  let bed: ApiBed;
  beforeAll(async () => {
    bed = await openApiBed();
  });
  afterAll(() => bed.close());

  it('lists created and held records by e-mail with the reason, and counts held apart', async () => {
    bed.file('consent.csv', 'id,email,consent\n1,ann@x.io,yes\n2,bob@x.io,no\n3,cy@x.io,yes\n');
    const source = await bed.fileConnection('consent-in', { path: 'consent.csv' });
    const target = await bed.fileConnection('consent-out', { output: 'consent-out.ndjson' });
    const engineer = bed.as('engineer');
    await engineer
      .post('/mappings', {
        name: 'consent-email',
        version: '1',
        expression: 'consent = "yes" ? { "id": id, "email": email } : $skip("no marketing consent")',
        fixtures: [{ input: { id: '1', email: 'a@x.io', consent: 'yes' }, expected: { id: '1', email: 'a@x.io' } }],
      })
      .expect(201);
    const flow = await engineer
      .post('/flows', {
        name: 'consent',
        source: { connection: source.name, stream: 'records' },
        mapping: { id: 'consent-email' },
        target: { connection: target.name, action: 'writeRecords' },
        trigger: { type: 'manual' },
        mode: 'upsert',
      })
      .expect(201);
    await engineer.post(`/flows/${flow.body.id}/enable`).expect(200);
    const started = await engineer.post(`/flows/${flow.body.id}/run`).expect(202);
    const run = await bed.waitForRun(started.body.runId);
    expect(run.status).toBe('succeeded');

    const records = await bed.as('viewer').get(`/runs/${run.id}/records`).expect(200);
    expect(records.body.totals).toEqual({ created: 2, updated: 0, held: 1, failed: 0, review: 0 });
    expect(records.body.items).toEqual([
      expect.objectContaining({ outcome: 'created', recordKey: '1', label: 'ann@x.io' }),
      expect.objectContaining({ outcome: 'created', recordKey: '3', label: 'cy@x.io' }),
      expect.objectContaining({ outcome: 'held', recordKey: '2', label: 'bob@x.io', reason: 'no marketing consent' }),
    ]);
    const shown = await bed.as('viewer').get(`/runs/${run.id}`).expect(200);
    expect(shown.body.counts).toMatchObject({ created: 2, unchanged: 1, held: 1 });
    const detail = await bed.as('viewer').get('/flows/consent').expect(200);
    expect(detail.body.status.totals).toMatchObject({ created: 2, held: 1 });
    expect(detail.body.status.recentRuns[0].counts.held).toBe(1);

    // a rerun that reads nothing new lists nothing
    const again = await engineer.post(`/flows/${flow.body.id}/run`).expect(202);
    const rerun = await bed.waitForRun(again.body.runId);
    const rerecords = await bed.as('viewer').get(`/runs/${rerun.id}/records`).expect(200);
    expect(rerecords.body).toEqual({
      items: [],
      totals: { created: 0, updated: 0, held: 0, failed: 0, review: 0 },
      listedPerOutcome: 10_000,
    });
  });
});
