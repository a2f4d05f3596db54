import { AuthError, type ConnectorDefinition, type WriteSession } from '../../../core/sdk';
import type { MemoryConnector } from '../../fixtures/connectors/memory';
import { createHarness, type Harness } from './harness';

/**
 * The runner's replace sessions (ActionDefinition.replace, SDK 1.3) for any connector: a target whose `replace`
 * action keeps a set that a session replaces only when its last batch arrives, the way Meta's usersreplace does. A
 * run is one session; one that cannot complete it (a read that fails, an auth stop) never sends the last batch, so
 * the set stays as it was and the run says so; a flow that cannot be a replace is refused before anything is read.
 */

interface Call {
  emails: string[];
  session: WriteSession | undefined;
}

/** A list vendor: `set` holds the members; `pending` a session's members until its last batch. */
function listVendor() {
  const state = {
    set: new Set<string>(['kept@example.com']),
    pending: new Map<string, Set<string>>(),
    calls: [] as Call[],
    refuse: undefined as ((call: Call) => Error | undefined) | undefined,
  };
  const definition: ConnectorDefinition = {
    id: 'list-vendor',
    displayName: 'List vendor (test)',
    version: '1.0.0',
    category: 'ads',
    settingsSchema: { type: 'object' },
    policy: {
      rateBudget: { requests: 1000, intervalMs: 1000 },
      concurrency: 1,
      retryStatuses: [],
      retryAfter: [],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [],
    actions: [
      {
        name: 'replaceList',
        recordSchema: { type: 'object' },
        mode: 'upsert',
        replace: true,
        maxBatchSize: 4,
        write: async ({ records, session }) => {
          const call = { emails: records.map((r) => String((r as { email: string }).email)), session };
          state.calls.push(call);
          const refused = state.refuse?.(call);
          if (refused !== undefined) throw refused;
          const id = session?.id ?? 'direct';
          const members = state.pending.get(id) ?? new Set<string>();
          for (const email of call.emails) members.add(email);
          state.pending.set(id, members);
          if (session === undefined || session.last) state.set = new Set(members);
          return records.map((_, i) => ({ status: 'ok' as const, targetId: call.emails[i]! }));
        },
      },
      {
        // an ordinary delete, so mirror mode would have what it needs but for the replace
        name: 'removeMembers',
        recordSchema: { type: 'object' },
        mode: 'delete',
        write: async ({ records }) => records.map((_, i) => ({ status: 'ok' as const, targetId: String(i) })),
      },
    ],
  };
  return { state, definition };
}

describe('replace sessions in the runner', () => {
  let h: Harness;
  let crm: MemoryConnector;
  let vendor: ReturnType<typeof listVendor>;

  beforeEach(async () => {
    h = await createHarness();
    crm = await h.connector('crm', { pageSize: 3 });
    vendor = listVendor();
    await h.register('list', vendor.definition, {});
    await h.mapping('to-member', '{ "email": email }');
    for (let i = 1; i <= 10; i++) crm.put({ id: `c${String(i).padStart(2, '0')}`, email: `p${i}@example.com` });
  });
  afterEach(() => h.close());

  const flow = (extra: Record<string, unknown> = {}) =>
    h.flow({
      name: 'crm-to-list',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'to-member' },
      target: { connection: 'list', action: 'replaceList' },
      options: { maxAttempts: 2 },
      ...extra,
    });

  it('one session per run, batches numbered in order, the last one after the others; a rerun sends all again', async () => {
    await flow();
    const run = await h.run('crm-to-list');
    expect(run.status).toBe('succeeded');
    expect(vendor.state.calls.map((c) => [c.emails.length, c.session?.seq, c.session?.last])).toEqual([
      [4, 1, false],
      [4, 2, false],
      [2, 3, true],
    ]);
    expect(vendor.state.calls[2]!.session?.total).toBe(10);
    expect(vendor.state.set.size).toBe(10);
    expect(vendor.state.set.has('kept@example.com')).toBe(false);

    const rerun = await h.run('crm-to-list');
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts).toMatchObject({ read: 10, unchanged: 0 });
    expect(vendor.state.calls).toHaveLength(6);
    expect(new Set(vendor.state.calls.map((c) => c.session?.id)).size).toBe(2);
    expect(vendor.state.set.size).toBe(10);
  });

  it('a read that fails for good mid-run never completes the session: the set stays, the run says so', async () => {
    await flow();
    // every read breaks after one page: the second one gives up (maxAttempts 2), after batch 1 went
    crm.faults.failReadAfterPages = 1;
    const run = await h.run('crm-to-list');
    expect(run.status).toBe('failed');
    expect(vendor.state.calls.map((c) => c.session?.seq)).toEqual([1]);
    expect(run.error?.message).toMatch(/The replace session was not completed, .*the audience was left as it was/);
    expect(vendor.state.calls.some((c) => c.session?.last === true)).toBe(false);
    expect(vendor.state.set).toEqual(new Set(['kept@example.com']));
  });

  it('an auth stop on the second batch ends the run with the set as it was, naming the credentials', async () => {
    await flow();
    vendor.state.refuse = (call) => (call.session?.seq === 2 ? new AuthError('token expired') : undefined);
    const run = await h.run('crm-to-list');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      kind: 'auth',
      message: expect.stringMatching(/refused the credentials.*the audience was left as it was/s),
    });
    expect(vendor.state.set).toEqual(new Set(['kept@example.com']));
    expect(vendor.state.calls.some((c) => c.session?.last === true)).toBe(false);
  });

  it('a mirror flow with a replace action is refused before anything is read or sent', async () => {
    await flow({ mode: 'mirror' });
    const run = await h.run('crm-to-list');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'config', field: 'mode', message: expect.stringContaining('replaces') });
    expect(vendor.state.calls).toHaveLength(0);
  });
});
