import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { SandboxRequest } from '../../../core/sdk';
import type { MemoryConnector } from '../../fixtures/connectors/memory';
import { createMemoryBudget, type MemoryBudget } from '../../../core/runner/budget';
import { NOOP_RUNNER_METRICS } from '../../../core/runner/metrics-port';
import { allowLoopbackForTests } from '../../helpers/outbound';
import { startHoldProxy } from '../../integration/helpers/hold-proxy';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * Edge cases of Meta `replaceAudience` through the runner: after each successful run the audience equals the
 * consented source list; a failed run leaves it as it was.
 */

const key = (email: string) => `EMAIL:${sha256Hex(email.trim().toLowerCase())}`;
const isReplace = (r: SandboxRequest) => r.method === 'POST' && r.path.endsWith('/usersreplace');
type Session = { session_id: number; batch_seq: number; last_batch_flag: boolean; estimated_num_total?: number };

describe('Meta replaceAudience edge cases through the runner (sandbox)', () => {
  // the lost-reply cases go through a proxy on 127.0.0.1
  allowLoopbackForTests();
  let h: Harness;
  let sandbox: MetaSandbox;
  let crm: MemoryConnector;
  let sessions: Session[];
  let pauses: string[];
  /** Records the runner reported to metrics as written (created + updated), as Prometheus would count them. */
  let reportedWritten: number;

  const audience = () => new Set(sandbox.state.audience(SANDBOX_AUDIENCE).members.keys());
  const people = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `person${from + i}@example.com`);
  const seedAudience = (emails: string[]) => {
    const members = sandbox.state.audience(SANDBOX_AUDIENCE).members;
    for (const email of emails) members.set(key(email), [sha256Hex(email)]);
  };
  const putPeople = (emails: string[], from = 1) =>
    emails.forEach((email, i) => crm.put({ id: `c${String(from + i).padStart(3, '0')}`, email, name: `P ${i}` }));
  const watch = (refuse: (r: SandboxRequest) => boolean = () => false) =>
    sandbox.refuseWhere((r) => {
      if (isReplace(r)) sessions.push((r.body as { session: Session }).session);
      return refuse(r);
    });
  const flow = (batchSize: number) =>
    h.flow({
      name: 'crm-to-audience',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'to-member' },
      target: { connection: 'meta', action: 'replaceAudience' },
      options: { batchSize, maxAttempts: 2 },
    });

  beforeEach(async () => {
    // Meta's default throttle wait (60 s) is shortened to 50 ms: the pause happens, the test does not sit it out
    const budget = createMemoryBudget({ windowMarginMs: 25 });
    reportedWritten = 0;
    h = await createHarness({
      deps: {
        metrics: {
          ...NOOP_RUNNER_METRICS,
          recordsWritten: (_flow, operation, n) => {
            if (operation !== 'deleted') reportedWritten += n;
          },
        },
        budget: Object.assign(Object.create(budget) as MemoryBudget, {
          pause: (key: string, _until: number, reason: string) => {
            pauses.push(reason);
            return budget.pause(key, Date.now() + 50, reason);
          },
        }),
      },
    });
    sandbox = await startSandbox({ insightDays: 0 });
    sessions = [];
    pauses = [];
    watch();
    crm = await h.connector('crm', { pageSize: 7 });
    await h.register('meta', connector, sandbox.settings as unknown as Record<string, unknown>);
    await h.mapping('to-member', 'optOut = true ? $skip("no marketing consent") : { "email": email }');
  });
  afterEach(async () => {
    await h.close();
    await sandbox.close();
    clearMetaBackoff();
  });

  it('batchSize 1: one member per batch, numbered 1…n, only the last one last', async () => {
    await flow(1);
    putPeople(people(3));
    seedAudience(['old@example.com']);
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(sessions.map((s) => [s.batch_seq, s.last_batch_flag])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(audience()).toEqual(new Set(people(3).map(key)));
  });

  it('exactly a multiple of the batch size, with held-back and failing records read last', async () => {
    await flow(10);
    putPeople(people(20));
    crm.put({ id: 'c021', email: 'nope@example.com', name: 'No', optOut: true });
    crm.put({ id: 'c022', email: 'nope2@example.com', name: 'No', optOut: true });
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(sessions.map((s) => [s.batch_seq, s.last_batch_flag])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(sessions[1]!.estimated_num_total).toBe(20);
    expect(audience()).toEqual(new Set(people(20).map(key)));
  });

  it.each([
    ['two pages apart', 'c013'],
    ['in one page', 'c0025'],
  ])('the same person twice in the source (%s) stays in the audience, run and rerun', async (_, twin) => {
    await flow(10);
    putPeople(people(12));
    crm.put({ id: twin, email: 'person1@example.com', name: 'Twin' });
    const run = await h.run('crm-to-audience');
    expect(run.status).not.toBe('failed');
    expect(audience()).toEqual(new Set(people(12).map(key)));
    const rerun = await h.run('crm-to-audience');
    expect(rerun.status).not.toBe('failed');
    expect(audience()).toEqual(new Set(people(12).map(key)));
  });

  it('a 429 (code 17) on a middle batch pauses the connection; the same session goes on and completes', async () => {
    await flow(10);
    putPeople(people(25));
    let n = 0;
    watch((r) => {
      if (isReplace(r) && ++n === 2) sandbox.throttleNext({ code: 17, regainMinutes: 0 });
      return false;
    });
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(audience()).toEqual(new Set(people(25).map(key)));
    expect(new Set(sessions.map((s) => s.session_id)).size).toBe(1);
    expect(sessions.map((s) => [s.batch_seq, s.last_batch_flag])).toEqual([
      [1, false],
      [2, false],
      [2, false],
      [3, true],
    ]);
    expect(pauses).toHaveLength(1);
  });

  it('an auth error on the last batch: the run fails as auth, the audience stays as it was', async () => {
    await flow(10);
    putPeople(people(25));
    seedAudience(['old@example.com']);
    sandbox.refuseWhere(
      (r) => {
        if (isReplace(r)) sessions.push((r.body as { session: Session }).session);
        return isReplace(r) && (r.body as { session: Session }).session.last_batch_flag;
      },
      { status: 401, body: { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } } },
    );
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(run.error?.message).toMatch(/the audience was left as it was/);
    expect(audience()).toEqual(new Set([key('old@example.com')]));
  });

  it('an auth error on a middle batch: the run says once that the audience was left as it was', async () => {
    await flow(10);
    putPeople(people(25));
    seedAudience(['old@example.com']);
    sandbox.refuseWhere((r) => isReplace(r) && (r.body as { session: Session }).session.batch_seq === 2, {
      status: 401,
      body: { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } },
    });
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(run.error?.message.match(/the audience was left as it was/g)).toHaveLength(1);
    expect(audience()).toEqual(new Set([key('old@example.com')]));
  });

  it('a middle batch refused as a whole: the run says once that the audience was left as it was', async () => {
    await flow(10);
    putPeople(people(25));
    watch((r) => isReplace(r) && r.body !== undefined && (r.body as { session: Session }).session.batch_seq === 2);
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/^batch 2 of the replace session was refused as a whole/);
    expect(run.error?.message.match(/the audience was left as it was/g)).toHaveLength(1);
  });

  it('a flow edited from addAudienceMembers to replaceAudience sends the whole list (old links aside)', async () => {
    const stored = await h.flow({
      name: 'crm-to-audience',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'to-member' },
      target: { connection: 'meta', action: 'addAudienceMembers' },
      options: { batchSize: 10, maxAttempts: 2 },
    });
    putPeople(people(12));
    expect((await h.run('crm-to-audience')).status).toBe('succeeded');
    seedAudience(['old@example.com']);
    await h.repos.flows.update(stored.id, {
      definition: { ...stored.definition, target: { connection: 'meta', action: 'replaceAudience' } },
    });
    putPeople(people(3, 13), 13);
    sessions = [];
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(audience()).toEqual(new Set(people(15).map(key)));
    expect(sessions.map((s) => s.batch_seq)).toEqual([1, 2]);
  });

  it.each([2, 3])(
    'a session refused at batch %i counts nothing as created or updated (nothing took effect); the rerun counts all',
    async (refused) => {
      await flow(10);
      putPeople(people(25));
      watch((r) => isReplace(r) && (r.body as { session: Session }).session.batch_seq === refused);
      const run = await h.run('crm-to-audience');
      expect(run.status).toBe('failed');
      expect(run.counts).toMatchObject({ created: 0, updated: 0 });
      // the metrics say what the run says: nothing written
      expect(reportedWritten).toBe(0);

      watch();
      const rerun = await h.run('crm-to-audience');
      expect(rerun.status).toBe('succeeded');
      expect(rerun.counts.created + rerun.counts.updated).toBe(25);
      expect(reportedWritten).toBe(25);
      expect(audience()).toEqual(new Set(people(25).map(key)));
    },
  );

  it('a dry run after a run shows every member a real run would send again, none as unchanged', async () => {
    await flow(10);
    putPeople(people(12));
    crm.put({ id: 'c900', email: 'nope@example.com', name: 'No consent', optOut: true });
    expect((await h.run('crm-to-audience')).status).toBe('succeeded');
    sessions = [];
    const report = await h.runner.dryRun('crm-to-audience');
    expect(sessions).toHaveLength(0);
    expect(report.records.filter((r) => r.decision === 'unchanged')).toHaveLength(0);
    expect(report.records.filter((r) => r.decision === 'create' || r.decision === 'update')).toHaveLength(12);
    expect(report.records.find((r) => r.sourceKey === 'c900')).toMatchObject({ decision: 'skip-filtered' });
    // the records alone would not say that the audience is replaced as a whole
    expect(report.notes).toEqual([expect.stringMatching(/^replaceAudience replaces the whole set on every run/)]);
  });

  it('a dry run says when a real run would send nothing: an empty source, or everyone held back', async () => {
    await flow(10);
    const empty = await h.runner.dryRun('crm-to-audience');
    expect(empty.notes).toEqual([
      expect.stringMatching(/replaces the whole set/),
      expect.stringMatching(/^a run would send nothing: the source has no records/),
    ]);
    crm.put({ id: 'c901', email: 'nope@example.com', name: 'No consent', optOut: true });
    const held = await h.runner.dryRun('crm-to-audience');
    expect(held.notes?.[1]).toMatch(
      /^a run would send nothing: every record is held back or invalid, so the run would fail/,
    );
    // and the real run does what the note says
    expect((await h.run('crm-to-audience')).status).toBe('failed');
    expect(sessions).toHaveLength(0);
  });

  it.each([2, 3])(
    'a lost reply on batch %i: the batch goes again with the same batch_seq and the session completes',
    async (lostSeq) => {
      const proxy = await startHoldProxy(sandbox.url);
      try {
        await h.register('meta-proxied', connector, { ...sandbox.settings, baseUrl: proxy.url });
        await h.flow({
          name: 'proxied',
          source: { connection: 'crm', stream: 'contacts' },
          mapping: { id: 'to-member' },
          target: { connection: 'meta-proxied', action: 'replaceAudience' },
          options: { batchSize: 10, maxAttempts: 3 },
        });
        putPeople(people(25));
        seedAudience(['old@example.com']);
        let lost = false;
        proxy.intercept((r) => {
          if (lost || !r.path.includes('/usersreplace')) return undefined;
          const { session } = JSON.parse(r.body) as { session: Session };
          if (session.batch_seq !== lostSeq) return undefined;
          lost = true;
          return { lose: true };
        });
        const run = await h.run('proxied');
        expect(run.error).toBeUndefined();
        expect(run.status).toBe('succeeded');
        expect(lost).toBe(true);
        expect(audience()).toEqual(new Set(people(25).map(key)));
        expect(sessions.map((s) => s.batch_seq)).toEqual(lostSeq === 2 ? [1, 2, 2, 3] : [1, 2, 3, 3]);
        expect(new Set(sessions.map((s) => s.session_id)).size).toBe(1);
        expect(run.counts).toMatchObject({ created: 25, failed: 0 });
      } finally {
        await proxy.close();
      }
    },
  );

  it('twins: when the record that won the e-mail changes it, its twin still keeps the person in the audience', async () => {
    await flow(10);
    putPeople(people(12));
    crm.put({ id: 'c013', email: 'person1@example.com', name: 'Twin' });
    expect((await h.run('crm-to-audience')).status).not.toBe('failed');
    crm.put({ id: 'c001', email: 'moved@example.com', name: 'Moved' });
    const rerun = await h.run('crm-to-audience');
    expect(rerun.status).not.toBe('failed');
    expect(audience()).toEqual(new Set([...people(12), 'moved@example.com'].map(key)));
  });

  it('twins: when the record that won the e-mail opts out, its consenting twin keeps the person in', async () => {
    await flow(10);
    putPeople(people(12));
    crm.put({ id: 'c013', email: 'person1@example.com', name: 'Twin' });
    expect((await h.run('crm-to-audience')).status).not.toBe('failed');
    crm.put({ id: 'c001', email: 'person1@example.com', name: 'Out', optOut: true });
    const rerun = await h.run('crm-to-audience');
    expect(rerun.status).not.toBe('failed');
    expect(audience()).toEqual(new Set(people(12).map(key)));
  });

  it('the counts of a rerun say the members were sent again (updated), not that they joined (created)', async () => {
    await flow(10);
    putPeople(people(12));
    const first = await h.run('crm-to-audience');
    expect(first.counts).toMatchObject({ created: 12, updated: 0 });
    putPeople(['new@example.com'], 13);
    const rerun = await h.run('crm-to-audience');
    expect(rerun.counts).toMatchObject({ read: 13, created: 1, updated: 12, unchanged: 0 });
  });

  it('a dead letter of a member fixed since stays open after a run that did not complete, closes after one that did', async () => {
    await flow(10);
    putPeople(['not an address', ...people(12, 2)]);
    expect((await h.run('crm-to-audience')).status).toBe('partial');
    const stored = (await h.repos.flows.get('crm-to-audience'))!;
    expect(await h.repos.deadLetters.list({ flowId: stored.id, status: 'pending' })).toHaveLength(1);
    crm.put({ id: 'c001', email: 'person1@example.com', name: 'Fixed' });
    // read after the fixed member (the source reads in order of change): its batch is accepted, the last one refused
    putPeople(people(12, 100), 100);
    watch((r) => isReplace(r) && (r.body as { session: Session }).session.last_batch_flag);
    expect((await h.run('crm-to-audience')).status).toBe('failed');
    expect(audience().has(key('person1@example.com'))).toBe(false);
    expect(await h.repos.deadLetters.list({ flowId: stored.id, status: 'pending' })).toHaveLength(1);
    watch();
    expect((await h.run('crm-to-audience')).status).toBe('succeeded');
    expect(await h.repos.deadLetters.list({ flowId: stored.id, status: 'pending' })).toHaveLength(0);
    expect(audience().has(key('person1@example.com'))).toBe(true);
  });

  it('every person read withdrew consent: nothing is sent and the run fails saying the audience still holds them', async () => {
    await flow(10);
    seedAudience(people(3));
    people(3).forEach((email, i) => crm.put({ id: `c00${i + 1}`, email, name: 'Out', optOut: true }));
    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(
        /^none of the 3 source records read may be sent .*the audience was left as it was/,
      ),
    });
    expect(sessions).toHaveLength(0);
    expect(audience()).toEqual(new Set(people(3).map(key)));
  });
});
