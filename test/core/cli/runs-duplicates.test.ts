import { CliBed } from './helpers';

/** `hub runs show` reports identity collisions: `duplicates: n`, and each duplicate in the failure list. */
describe('hub runs show: duplicates', () => {
  let bed: CliBed;
  afterEach(() => bed.cleanup());

  it('shows the number of duplicates and lists them, without counting them as failed', async () => {
    bed = new CliBed();
    await bed.fileConnection('exports', { path: 'contacts.csv' });
    await bed.fileConnection('clean', { output: 'out.ndjson' });
    const enabled = await bed.hub(
      'flows',
      'enable',
      'clean-contact-list',
      '--connection',
      'contacts=exports',
      '--connection',
      'cleaned=clean',
    );
    expect(enabled.code).toBe(0);
    const runId = await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      const run = await hub.repos.runs.create({ flowId: flow.id, trigger: 'manual' }, 1_000_000);
      await hub.repos.runs.start(run.id, 1_000_500);
      await hub.repos.runs.addCounts(run.id, { read: 4, created: 2, unchanged: 2 });
      await hub.repos.runs.recordFailures(run.id, [
        { recordKey: 'row-1', failureKind: 'duplicate', reason: 'duplicate of source record row-3: …' },
        { recordKey: 'row-2', failureKind: 'duplicate', reason: 'duplicate of source record row-4: …' },
      ]);
      await hub.repos.runs.finish(run.id, { status: 'succeeded' }, 1_004_500);
      return run.id;
    });
    const text = await bed.hub('runs', 'show', runId);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('failed 0, dead-lettered 0');
    expect(text.stdout).toContain('duplicates: 2 (');
    expect(text.stdout).toMatch(/row-1\s+duplicate\s+duplicate of source record row-3/);
  });

  it('hub dlq list shows one row per failing record, with its attempts', async () => {
    bed = new CliBed();
    await bed.fileConnection('exports', { path: 'contacts.csv' });
    await bed.fileConnection('clean', { output: 'out.ndjson' });
    await bed.hub(
      'flows',
      'enable',
      'clean-contact-list',
      '--connection',
      'contacts=exports',
      '--connection',
      'cleaned=clean',
    );
    await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      for (let run = 1; run <= 3; run++)
        await hub.repos.deadLetters.addMany(
          ['row-3', 'row-7'].map((recordKey) => ({
            flowId: flow.id,
            recordKey,
            reason: `refused (run ${run})`,
            failureKind: 'permanent',
          })),
          1_000_000 + run,
        );
    });
    const text = await bed.hub('dlq', 'list', '--flow', 'clean-contact-list');
    expect(text.code).toBe(0);
    const rows = text.stdout.split('\n').filter((line) => line.startsWith('dlq_'));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/refused \(run 3\)\s+\S+\s+3\s+/);
  });
});
