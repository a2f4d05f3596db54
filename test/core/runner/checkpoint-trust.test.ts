import { latestTimeIn } from '../../../core/runner/read-start';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * Matrix row 13: a checkpoint in the future reads nothing and warns; a corrupt one fails the run closed with an
 * error naming `hub flows reset`. Neither turns into a silent full resync.
 */
describe('a future or corrupt checkpoint (matrix row 13)', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  async function setup() {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, 3);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b' });
    await h.run('a-to-b'); // a first complete sync
    a.change('a2', { name: 'Changed' });
    const reads = () => a.calls.filter((c) => c.kind === 'read').length;
    return { a, b, flow, reads };
  }

  it('a checkpoint in the future: the run reads nothing, finishes, and shows a warning naming hub flows reset', async () => {
    const { b, flow, reads } = await setup();
    const future = { updatedAt: Date.now() + 24 * 60 * 60_000 };
    await h.repos.checkpoints.set(flow.id, 'contacts', future);
    const before = reads();
    const writes = b.calls.length;
    const run = await h.run('a-to-b');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 0, created: 0, updated: 0 });
    expect(reads()).toBe(before); // nothing read at all, not a full resync
    expect(b.calls).toHaveLength(writes);
    const [warning] = await h.repos.runs.failures(run.id);
    expect(warning).toMatchObject({ recordKey: '(checkpoint)', failureKind: 'warning' });
    expect(warning.reason).toMatch(/lies in the future/);
    expect(warning.reason).toContain('hub flows reset a-to-b');
    // the checkpoint is left as it was: only a person decides to reset it
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toEqual(future);

    // after the reset, the next run reads everything again and writes only what changed
    await h.repos.checkpoints.clear(flow.id);
    const after = await h.run('a-to-b');
    expect(after.counts).toMatchObject({ read: 3, updated: 1, created: 0 });
  });

  it('a corrupt checkpoint (not JSON): the run fails closed, reads nothing and names hub flows reset', async () => {
    const { b, flow, reads } = await setup();
    await h.store.db
      .updateTable('checkpoints')
      .set({ value_json: '{"updatedAt": 17000' })
      .where('flow_id', '=', flow.id)
      .execute();
    const before = reads();
    const writes = b.calls.length;
    const run = await h.run('a-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'config', field: 'checkpoint' });
    expect(run.error?.message).toMatch(/checkpoint of flow "a-to-b" \(stream contacts\) is corrupt/);
    expect(run.error?.message).toContain('hub flows reset a-to-b');
    expect(reads()).toBe(before);
    expect(b.calls).toHaveLength(writes);
  });

  it('a checkpoint the stream says it cannot resume from fails closed the same way', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    await h.connector('b');
    seed(a, 2);
    const [stream] = a.definition.streams;
    const strict = {
      ...a.definition,
      id: 'mem-a-strict',
      streams: [
        {
          ...stream,
          checkpointProblem: (value: unknown) =>
            typeof (value as { updatedAt?: unknown }).updatedAt === 'number' ? undefined : 'no updatedAt',
        },
      ],
    };
    await h.register('strict', strict, { token: 't' });
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'strict-to-b', source: { connection: 'strict', stream: 'contacts' } });
    await h.repos.checkpoints.set(flow.id, 'contacts', { cursor: 'from another version' });
    const run = await h.run('strict-to-b');
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/cannot resume from it \(no updatedAt\)/);
    expect(a.calls.filter((c) => c.kind === 'read')).toHaveLength(0);
  });

  it('finds the times a checkpoint carries', () => {
    expect(latestTimeIn({ mode: 'search', ts: 1_900_000_000_000, id: '123456789012' })).toBe(1_900_000_000_000);
    expect(latestTimeIn({ since_last_changed: '2030-01-01T00:00:00Z', offset: 5 })).toBe(
      Date.parse('2030-01-01T00:00:00Z'),
    );
    expect(latestTimeIn({ page: 3, after: '1900000000000' })).toBeUndefined(); // not a time-like key
    expect(latestTimeIn({ updated: 1_900_000_000 })).toBe(1_900_000_000_000); // epoch seconds
  });
});
