import { CliBed } from './helpers';

/**
 * `hub runs review` (fault matrix row 5, the person's side): records of non-idempotent writes interrupted by a
 * crash are listed, then resolved as done (not sent again) or retry (sent again now, through the ledger). How
 * they get there (a takeover finding a write in flight) is tested in test/core/queue/non-idempotent.test.ts.
 */
describe('hub runs review (in-process)', () => {
  let bed: CliBed;
  let ids: string[];

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
    ids = await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      const run = await hub.repos.runs.create({ flowId: flow.id, trigger: 'manual' });
      const record = (email: string) => ({
        Email: email,
        Phone: '',
        'Full name': 'Ann Lee',
        City: '',
        Country: '',
        Consent: 'yes',
      });
      await hub.repos.reviewItems.add(
        ['ann@example.com', 'bob@example.com'].map((email) => ({
          flowId: flow.id,
          runId: run.id,
          recordKey: email,
          action: 'writeRecords',
          reason: 'a non-idempotent write was in flight when its worker stopped',
          source: record(email),
          payload: { email },
        })),
        Date.now(),
      );
      return (await hub.repos.reviewItems.list({ flowId: flow.id })).map((i) => i.id);
    });
  });
  afterEach(() => bed.cleanup());

  it('lists the open items, resolves one as done and retries the other', async () => {
    const list = await bed.hub('runs', 'review');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/rev_\S+\s+clean-contact-list\s+ann@example\.com\s+writeRecords\s+open/);
    expect(list.stdout).toContain('hub runs review done <id>');

    const done = await bed.hub('runs', 'review', 'done', ids[0]);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('resolved as done');
    const again = await bed.hub('runs', 'review', 'done', ids[0]);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`error: review item ${ids[0]} is already resolved (done) (field: id)\n`);

    const retry = await bed.hub('runs', 'review', 'retry', ids[1], '--json');
    expect(retry.code).toBe(0);
    expect(JSON.parse(retry.stdout)).toMatchObject({ item: { id: ids[1], status: 'retry' }, replay: { replayed: 1 } });

    const left = JSON.parse((await bed.hub('runs', 'review', 'list', '--status', 'all', '--json')).stdout) as {
      status: string;
    }[];
    expect(left.map((i) => i.status).sort()).toEqual(['done', 'retry']);
    expect((await bed.hub('runs', 'review', 'done', 'rev_nope')).stderr).toContain('no review item with id "rev_nope"');
  });
});
