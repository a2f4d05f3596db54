import { identifierHash } from '../../../core/runner';
import { AuthError } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

describe('partial failure is per record', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup(pageSize = 10) {
    h = await createHarness();
    const a = await h.connector('a', { pageSize });
    const b = await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 5, maxAttempts: 3 } });
    return { a, b, flow };
  }

  it('dead-letters a poison record with the vendor reason, writes the rest of its batch, replays it after the mapping is fixed', async () => {
    const { a, b, flow } = await setup();
    seed(a, 4);
    // the poison record keeps its address under another field; the mapping reads `email` only
    a.put({ id: 'a5', mail: 'poison@example.com', name: 'Poison' });
    b.faults.reject = (record) =>
      record.email === undefined ? { reason: 'email is required', field: 'email' } : undefined;

    const run = await h.run('a-to-b');
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ read: 5, created: 4, failed: 1, deadLettered: 1 });
    expect(b.records.size).toBe(4);
    // one batch of five: the poison record failed inside it, the other four were written by the same call
    expect(b.accepted('write')).toHaveLength(1);

    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({
      recordKey: 'a5',
      reason: 'email is required',
      field: 'email',
      failureKind: 'permanent',
      status: 'pending',
      source: { id: 'a5', mail: 'poison@example.com', name: 'Poison' },
      payload: { name: 'Poison' },
      mappingVersion: '1',
    });
    expect(JSON.stringify(letter)).not.toContain('secret-token');
    const failures = await h.repos.runs.failures(run.id);
    expect(failures).toEqual([
      expect.objectContaining({ recordKey: 'a5', reason: 'email is required', field: 'email' }),
    ]);

    // replay with the same mapping: still failing, stays pending with the reason
    const again = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(again).toMatchObject({ replayed: 0, written: 0, stillFailing: [letter.id] });
    expect((await h.repos.deadLetters.get(letter.id))?.status).toBe('pending');

    // fix the mapping (a new version) and replay: written with the current version, marked replayed
    await h.mapping('contact', '{ "email": email ? email : mail, "name": name }', '2');
    const replay = await h.runner.replayDeadLetters({ ids: [letter.id] });
    expect(replay).toMatchObject({ replayed: 1, written: 1, stillFailing: [] });
    expect(b.byEmail('poison@example.com')?.name).toBe('Poison');
    expect((await h.repos.deadLetters.get(letter.id))?.status).toBe('replayed');
    const replayRun = await h.repos.runs.get(replay.runId as string);
    expect(replayRun).toMatchObject({ trigger: 'replay', status: 'succeeded' });

    // the record is linked now: the next run does not write it again
    const writes = b.accepted('write').length;
    a.change('a5', { note: 'unmapped change' });
    const after = await h.run('a-to-b');
    expect(after.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
    expect(b.accepted('write')).toHaveLength(writes);
  });

  it('a replay stopped by an auth error leaves its dead letters pending and says why', async () => {
    const { a, b, flow } = await setup();
    seed(a, 2);
    b.faults.reject = (record) => (record.email === 'person1@example.com' ? { reason: 'blocked' } : undefined);
    await h.run('a-to-b');
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    b.faults.reject = undefined;
    b.faults.beforeWrite = () => {
      throw new AuthError('token revoked');
    };
    const report = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(report).toMatchObject({ replayed: 0, written: 0, stillFailing: [letter.id], error: { kind: 'auth' } });
    expect((await h.repos.deadLetters.get(letter.id))?.status).toBe('pending');
    expect((await h.repos.runs.get(report.runId as string))?.status).toBe('failed');
  });

  it('dead-letters a mapping error with its field, without calling the vendor for it', async () => {
    const { a, b, flow } = await setup();
    seed(a, 2);
    a.put({ id: 'a3', email: 'n@example.com', name: { first: 'Not', last: 'AString' } });
    await h.mapping('contact', '{ "email": email, "name": $uppercase(name) }', '2');
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ created: 2, failed: 1, deadLettered: 1 });
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({ recordKey: 'a3', failureKind: 'mapping', mappingVersion: '2' });
    expect(letter.reason).toMatch(/uppercase|string/i);
    expect(b.accepted('write').flatMap((c) => c.ids)).not.toContain('n@example.com');
  });

  it('retries per-record retryable failures with backoff, then dead-letters them as retries exhausted', async () => {
    const { a, b, flow } = await setup();
    seed(a, 3);
    b.faults.retryableFailures.set('person1@example.com', 2); // succeeds on the 3rd attempt
    b.faults.retryableFailures.set('person2@example.com', 99); // never succeeds
    const run = await h.run('a-to-b');
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ created: 2, deadLettered: 1 });
    expect(b.byEmail('person1@example.com')).toBeDefined();
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({ recordKey: 'a2', failureKind: 'retryable' });
    expect(letter.reason).toBe('retries exhausted: the vendor timed out on this record');
    // maxAttempts 3: two backoffs, growing
    expect(h.sleeps).toHaveLength(2);
    expect(h.sleeps[1]).toBeGreaterThan(h.sleeps[0] * 0.9);
    // the first call had 3 records, the retries only the failing ones
    expect(b.calls.filter((c) => c.kind === 'write').map((c) => c.ids.length)).toEqual([3, 2, 2]);
  });

  it('retries a whole batch on a thrown retryable error', async () => {
    const { a, b } = await setup();
    seed(a, 2);
    let calls = 0;
    b.faults.beforeWrite = () => {
      calls += 1;
      if (calls === 1) throw new Error('socket hang up');
    };
    const run = await h.run('a-to-b');
    expect(run).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ created: 2 }) });
    expect(h.sleeps).toHaveLength(1);
  });

  it('never writes a record with a suppressed identifier (erasure wins), not even by replay', async () => {
    const { a, b, flow } = await setup();
    seed(a, 3);
    b.faults.reject = (record) => (record.email === 'person2@example.com' ? { reason: 'vendor outage' } : undefined);
    await h.run('a-to-b');
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter.recordKey).toBe('a2');
    b.faults.reject = undefined;

    // the person is erased: their address is suppressed (hashed as the erasure flow hashes it)
    await h.repos.suppressions.add({
      identifierHash: identifierHash(' Person2@Example.com'),
      kind: 'email',
      reason: 'gdpr erasure',
    });
    const replay = await h.runner.replayDeadLetters({ flowId: flow.id });
    expect(replay).toMatchObject({ replayed: 0, written: 0, stillFailing: [] });
    expect((await h.repos.deadLetters.get(letter.id))?.status).toBe('discarded');

    a.change('a2', { name: 'Changed after erasure' });
    a.put({ id: 'a9', email: 'PERSON2@example.com', name: 'Same person, new record' });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(b.byEmail('person2@example.com')).toBeUndefined();
    expect(b.byEmail('PERSON2@example.com')).toBeUndefined();
    expect(b.records.size).toBe(2);
  });
});
