import { Type } from '@sinclair/typebox';
import { AuthError, defineConnector, defineStream, type Refetched } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, type Harness } from './harness';

/**
 * `dlq replay` re-reads the current source record when the stream can (`refetch`), so fixed source data (or a
 * fixed connection) is picked up; `fromStored` maps the stored copies as before. Rows still unreadable or gone
 * stay pending with the new reason.
 */

type Contact = { id: string; email?: string; name?: string };

function refetchingSource() {
  const current = new Map<string, Contact>();
  const asked: string[][] = [];
  let failWith: Error | undefined;
  const contacts = defineStream<Record<string, never>, Contact>({
    name: 'contacts',
    recordSchema: Type.Object({ id: Type.String() }, { additionalProperties: true }),
    identity: ['id'],
    async *read() {
      yield { records: [...current.values()].map((c) => ({ ...c })), checkpoint: null };
    },
    async refetch({ records }) {
      asked.push(records.map((r) => r.key));
      if (failWith !== undefined) throw failWith;
      return records.map(({ source }): Refetched<Contact> => {
        if (typeof source.id !== 'string') return { status: 'unsupported' };
        if (source.id.startsWith('bad')) return { status: 'rejected', reason: `row ${source.id} is still unreadable` };
        const found = current.get(source.id);
        return found === undefined
          ? { status: 'missing', reason: `the source has no record ${source.id} any more` }
          : { status: 'found', record: { ...found } };
      });
    },
  });
  const definition = defineConnector({
    id: 'refetching',
    displayName: 'Refetching source',
    version: '1.0.0',
    category: 'other',
    settingsSchema: Type.Object({}),
    policy: {
      rateBudget: { requests: 1000, intervalMs: 1000 },
      concurrency: 1,
      maxBatchSize: {},
      retryStatuses: [],
      retryAfter: [],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [contacts],
    actions: [],
  });
  return { definition, current, asked, fail: (error: Error | undefined) => (failWith = error) };
}

describe('replay re-reads the source record when the stream can', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup() {
    h = await createHarness();
    const source = refetchingSource();
    await h.register('a', source.definition, {});
    const b = await h.connector('b');
    b.faults.reject = (record) =>
      record.email === undefined ? { reason: 'email is required', field: 'email' } : undefined;
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });
    return { source, b, flow };
  }

  it('picks up fixed source data; the stored copy alone (--from-stored) would still fail', async () => {
    const { source, b, flow } = await setup();
    source.current.set('a1', { id: 'a1', name: 'No Mail' });
    source.current.set('a2', { id: 'a2', email: 'ok@example.com', name: 'Ok' });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ read: 2, created: 1, deadLettered: 1 });
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' });

    source.current.set('a1', { id: 'a1', email: 'fixed@example.com', name: 'No Mail' });
    const stored = await h.runner.replayDeadLetters({ flowId: flow.id, fromStored: true });
    expect(stored).toMatchObject({ replayed: 0, written: 0, stillFailing: [letter.id] });
    expect(source.asked).toEqual([]);

    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay).toMatchObject({ replayed: 1, written: 1, stillFailing: [] });
    expect(source.asked).toEqual([['a1']]);
    expect([...b.records.values()].map((r) => r.email).sort()).toEqual(['fixed@example.com', 'ok@example.com']);
    expect((await h.repos.deadLetters.get(letter.id))?.status).toBe('replayed');
  });

  it('keeps a letter pending with the new reason when its record is gone or still unreadable', async () => {
    const { source, flow } = await setup();
    source.current.set('a1', { id: 'a1', name: 'Gone later' });
    source.current.set('bad1', { id: 'bad1', name: 'Broken' });
    await h.run('a-to-b');
    const letters = await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' });
    expect(letters).toHaveLength(2);
    source.current.delete('a1');

    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay.replayed).toBe(0);
    expect(replay.stillFailing.sort()).toEqual(letters.map((l) => l.id).sort());
    const after = await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' });
    expect(after.map((l) => [l.recordKey, l.failureKind, l.reason]).sort()).toEqual([
      ['a1', 'source', 'the source has no record a1 any more'],
      ['bad1', 'source', 'row bad1 is still unreadable'],
    ]);
    const run = await h.repos.runs.get(replay.runId as string);
    expect(run).toMatchObject({ trigger: 'replay', counts: { failed: 2 } });
  });

  it('a source that refuses its credentials stops the replay with the reason; the letters stay pending', async () => {
    const { source, flow } = await setup();
    source.current.set('a1', { id: 'a1', name: 'No Mail' });
    await h.run('a-to-b');
    source.fail(new AuthError('the token was revoked'));
    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay.replayed).toBe(0);
    expect(replay.error).toMatchObject({ kind: 'auth', message: expect.stringContaining('the token was revoked') });
    expect(replay.error?.message).toContain('--from-stored');
    expect(await h.repos.deadLetters.list({ flowId: flow.id, status: 'pending' })).toHaveLength(1);
  });
});
