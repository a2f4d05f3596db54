import { CliBed } from './helpers';

describe('hub runs / hub dlq (in-process)', () => {
  let bed: CliBed;
  let flowId: string;
  let runId: string;

  beforeEach(async () => {
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
    ({ flowId, runId } = await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      const run = await hub.repos.runs.create({ flowId: flow.id, trigger: 'manual' }, 1_000_000);
      await hub.repos.runs.start(run.id, 1_000_500);
      await hub.repos.runs.addCounts(run.id, { read: 3, created: 2, failed: 1, deadLettered: 1 });
      await hub.repos.runs.recordFailures(run.id, [
        { recordKey: 'row-3', reason: 'Email "not-an-email" is not valid', failureKind: 'mapping', field: '/email' },
      ]);
      await hub.repos.runs.finish(run.id, { status: 'partial' }, 1_004_500);
      await hub.repos.deadLetters.add({
        flowId: flow.id,
        runId: run.id,
        recordKey: 'row-3',
        reason: 'Email "not-an-email" is not valid',
        failureKind: 'mapping',
        field: '/email',
        source: { Email: 'not-an-email' },
      });
      return { flowId: flow.id, runId: run.id };
    }));
  });
  afterEach(() => bed.cleanup());

  it('runs show: counts, durations and per-record failures', async () => {
    const text = await bed.hub('runs', 'show', runId);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run ${runId} of flow clean-contact-list: partial (trigger: manual)`);
    expect(text.stdout).toContain('waited 0.5s, ran 4.0s');
    expect(text.stdout).toContain('read 3, unchanged 0, created 2, updated 0, deleted 0, failed 1, dead-lettered 1');
    expect(text.stdout).toMatch(/row-3\s+mapping\s+\/email\s+Email "not-an-email" is not valid/);

    const record = JSON.parse((await bed.hub('runs', 'show', runId, '--json')).stdout);
    expect(record).toMatchObject({
      id: runId,
      flowId,
      flowName: 'clean-contact-list',
      status: 'partial',
      durations: { queuedMs: 500, runningMs: 4000 },
      failures: [{ recordKey: 'row-3', field: '/email' }],
      moreFailures: false,
    });
  });

  it('runs show of an unknown run fails with one line', async () => {
    const result = await bed.hub('runs', 'show', 'run_nope');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: no run with id "run_nope"; see `hub runs list` or `hub flows status <flow>`\n');
  });

  it('runs list shows the flow by name', async () => {
    const result = await bed.hub('runs', 'list', '--flow', 'clean-contact-list');
    expect(result.stdout).toMatch(new RegExp(`${runId}\\s+clean-contact-list\\s+partial\\s+manual\\s+3\\s+2\\s+1`));
  });

  it('dlq list: pending dead letters, by flow, as a table or JSON', async () => {
    const text = await bed.hub('dlq', 'list', '--flow', 'clean-contact-list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /dlq_\S+\s+clean-contact-list\s+row-3\s+pending\s+mapping\s+\/email\s+Email "not-an-email"/,
    );
    const letters = JSON.parse((await bed.hub('dlq', 'list', '--json')).stdout);
    expect(letters).toEqual([expect.objectContaining({ recordKey: 'row-3', source: { Email: 'not-an-email' } })]);
    expect(JSON.parse((await bed.hub('dlq', 'list', '--status', 'replayed', '--json')).stdout)).toEqual([]);
    const bad = await bed.hub('dlq', 'list', '--status', 'lost');
    expect(bad.code).toBe(2);
  });

  it('flows status counts the run and the pending dead letter', async () => {
    const status = await bed.hub('flows', 'status', 'clean-contact-list');
    expect(status.stdout).toContain('totals: read 3, unchanged 0, created 2, updated 0, deleted 0, failed 1');
    expect(status.stdout).toContain('pending dead letters: 1 (hub dlq list --flow clean-contact-list)');
  });

  it('dlq replay needs ids or --flow', async () => {
    const result = await bed.hub('dlq', 'replay');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give dead-letter ids or --flow <flow>');
  });
});

describe('every new command answers --help with an example', () => {
  const commands = [
    ['flows', 'list'],
    ['flows', 'show'],
    ['flows', 'create'],
    ['flows', 'update'],
    ['flows', 'enable'],
    ['flows', 'disable'],
    ['flows', 'run'],
    ['flows', 'status'],
    ['flows', 'templates'],
    ['runs', 'list'],
    ['runs', 'show'],
    ['dlq', 'list'],
    ['dlq', 'replay'],
    ['worker'],
  ];
  it.each(commands)('%s %s', async (...command) => {
    const bed = new CliBed();
    try {
      const result = await bed.hub(...command.filter((c): c is string => typeof c === 'string'), '--help');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Examples?:\n {2}\$ /);
    } finally {
      bed.cleanup();
    }
  });
});
