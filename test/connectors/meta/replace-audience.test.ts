import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { SandboxRequest } from '../../../core/sdk';
import type { MemoryConnector } from '../../fixtures/connectors/memory';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * "Replace custom audience" as a flow target (a flow → Meta `replaceAudience`, SDK 1.3 `replace`): after each run the
 * sandbox audience equals the source list, however many batches the run needed; a run that cannot complete its
 * usersreplace session leaves the audience as it was and says so; an empty source sends nothing.
 */

const BATCH = 10;
const key = (email: string) => `EMAIL:${sha256Hex(email.trim().toLowerCase())}`;
const isReplace = (r: SandboxRequest) => r.method === 'POST' && r.path.endsWith('/usersreplace');
const seqOf = (r: SandboxRequest) => (r.body as { session?: { batch_seq?: number } }).session?.batch_seq;

describe('Meta replaceAudience through the runner (sandbox)', () => {
  let h: Harness;
  let sandbox: MetaSandbox;
  let crm: MemoryConnector;
  /** Every usersreplace request's session, in order. */
  let sessions: Record<string, unknown>[];

  const audience = () => new Set(sandbox.state.audience(SANDBOX_AUDIENCE).members.keys());
  const people = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `person${from + i}@example.com`);
  const seedAudience = (emails: string[]) => {
    const members = sandbox.state.audience(SANDBOX_AUDIENCE).members;
    for (const email of emails) members.set(key(email), [sha256Hex(email)]);
  };
  const putPeople = (emails: string[]) =>
    emails.forEach((email, i) => crm.put({ id: `c${String(i + 1).padStart(3, '0')}`, email, name: `P ${i}` }));

  beforeEach(async () => {
    h = await createHarness();
    sandbox = await startSandbox({ insightDays: 0 });
    sessions = [];
    // watches without refusing: the requests' sessions, to check their numbering
    sandbox.refuseWhere((r) => {
      if (isReplace(r)) sessions.push((r.body as { session: Record<string, unknown> }).session);
      return false;
    });
    crm = await h.connector('crm', { pageSize: 7 });
    await h.register('meta', connector, sandbox.settings as unknown as Record<string, unknown>);
    await h.mapping('to-member', 'optOut = true ? $skip("no marketing consent") : { "email": email }');
    await h.flow({
      name: 'crm-to-audience',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'to-member' },
      target: { connection: 'meta', action: 'replaceAudience' },
      options: { batchSize: BATCH, maxAttempts: 2 },
    });
  });
  afterEach(async () => {
    await h.close();
    await sandbox.close();
    clearMetaBackoff();
  });

  it('a run in several batches leaves the audience equal to the source list: one session, applied once whole', async () => {
    const source = people(25);
    putPeople(source);
    seedAudience(['left.long.ago@example.com', source[0]!]);

    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 25, failed: 0 });
    expect(audience()).toEqual(new Set(source.map(key)));
    // one session: batches 1, 2, 3 in order, only the third one last, with the total
    expect(sessions.map((s) => [s.batch_seq, s.last_batch_flag])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(new Set(sessions.map((s) => s.session_id)).size).toBe(1);
    expect(sessions[2]).toMatchObject({ estimated_num_total: 25 });
  });

  it('a rerun after one contact changed still sends the whole list: the audience is the whole set, not one member', async () => {
    const source = people(25);
    putPeople(source);
    expect((await h.run('crm-to-audience')).status).toBe('succeeded');
    crm.put({ id: 'c005', email: 'changed@example.com', name: 'Changed' });
    sessions = [];

    const rerun = await h.run('crm-to-audience');
    expect(rerun.status).toBe('succeeded');
    const expected = source.map((email, i) => (i === 4 ? 'changed@example.com' : email));
    expect(audience()).toEqual(new Set(expected.map(key)));
    expect(sessions).toHaveLength(3);
    // a new session, not the first run's
    expect(sandbox.state.audience(SANDBOX_AUDIENCE).sessions.size).toBe(2);
  });

  it('a second batch refused as a whole leaves the audience exactly as it was, and the run says so', async () => {
    const before = people(3, 900);
    seedAudience(before);
    putPeople(people(25));
    sandbox.refuseWhere((r) => {
      if (isReplace(r)) sessions.push((r.body as { session: Record<string, unknown> }).session);
      return isReplace(r) && seqOf(r) === 2;
    });

    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      kind: 'permanent',
      message: expect.stringMatching(/batch 2 of the replace session was refused.*the audience was left as it was/),
    });
    expect(audience()).toEqual(new Set(before.map(key)));
    // the last batch never went
    expect(sessions.some((s) => s.last_batch_flag === true)).toBe(false);
    expect([...sandbox.state.audience(SANDBOX_AUDIENCE).sessions.values()].every((s) => !s.completed)).toBe(true);
  });

  it('an empty source sends nothing, leaves the audience as it was, and the run says why', async () => {
    const before = people(4, 500);
    seedAudience(before);

    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('succeeded');
    expect(sessions).toHaveLength(0);
    expect(audience()).toEqual(new Set(before.map(key)));
    expect(await h.repos.runs.failures(run.id)).toEqual([
      expect.objectContaining({
        recordKey: '(replace)',
        failureKind: 'warning',
        reason: expect.stringMatching(/^nothing to send: .*the audience was left as it was/),
      }),
    ]);
  });

  it('members held back (no consent) or refused by Meta stay out; the others replace the audience', async () => {
    putPeople([...people(12), 'not an address']);
    crm.put({ id: 'c900', email: 'nope@example.com', name: 'No consent', optOut: true });

    const run = await h.run('crm-to-audience');
    expect(run.status).toBe('partial');
    expect(audience()).toEqual(new Set(people(12).map(key)));
    const flow = (await h.repos.flows.get('crm-to-audience'))!;
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letters).toHaveLength(1);
    expect(letters[0]!.failureKind).toBe('permanent');
  });
});
