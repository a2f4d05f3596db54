import { ConfigError } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

describe('dry run', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('shows what a run would do, record by record, and writes nothing', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 3);
    await h.mapping('contact', '{ "email": email, "name": $uppercase(name) }');
    const flow = await h.flow({ name: 'a-to-b' });
    await h.run('a-to-b');
    await h.repos.checkpoints.clear(flow.id);

    a.change('a2', { name: 'Changed' });
    a.put({ id: 'a4', email: 'new@example.com', name: 'New' });
    a.put({ id: 'a5', email: 'bad@example.com', name: 42 });
    const writes = b.calls.length;
    const links = await h.store.db.selectFrom('record_links').select('id').execute();

    const report = await h.runner.dryRun(flow.id, { limit: 10 });
    expect(report).toMatchObject({ flowId: flow.id, read: 5, truncated: false });
    const byKey = Object.fromEntries(report.records.map((r) => [r.sourceKey, r]));
    expect(byKey.a1).toEqual({ sourceKey: 'a1', decision: 'unchanged' });
    expect(byKey.a2).toMatchObject({ decision: 'update', payload: { email: 'person2@example.com', name: 'CHANGED' } });
    expect(byKey.a4).toMatchObject({ decision: 'create', payload: { email: 'new@example.com', name: 'NEW' } });
    expect(byKey.a5).toMatchObject({ decision: 'invalid' });
    expect(byKey.a5.reason).toBeDefined();

    expect(b.calls.length).toBe(writes);
    expect(await h.store.db.selectFrom('record_links').select('id').execute()).toHaveLength(links.length);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toBeUndefined();
    expect(await h.repos.deadLetters.count()).toBe(0);

    const limited = await h.runner.dryRun(flow.id, { limit: 3 });
    expect(limited).toMatchObject({ read: 3, truncated: true });
    expect(limited.records).toHaveLength(3);
  });

  it('reports a configuration problem as a ConfigError naming the field', async () => {
    h = await createHarness();
    await h.connector('a');
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', target: { connection: 'b', action: 'noSuchAction' } });
    await expect(h.runner.dryRun(flow.id)).rejects.toThrow(ConfigError);
    await expect(h.runner.dryRun(flow.id)).rejects.toMatchObject({ field: 'target.action' });
    const run = await h.run('a-to-b');
    expect(run.error).toMatchObject({ kind: 'config', field: 'target.action' });
    expect(run.error?.message).toMatch(/no action "noSuchAction"; actions: upsertContacts, deleteContacts/);
  });
});
