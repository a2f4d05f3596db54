import { connector as hubspotConnector } from '../../../connectors/hubspot';
import { startSandbox as startHubSpot } from '../../../connectors/hubspot/sandbox';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

describe('mirror mode: deletes only when sure', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('a read failing half-way deletes nothing; a complete read deletes what the source no longer has', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 2 });
    const b = await h.connector('b');
    seed(a, 5);
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-b', mode: 'mirror', options: { maxAttempts: 2 } });

    const first = await h.run('a-to-b');
    expect(first).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ created: 5, deleted: 0 }) });
    expect(b.records.size).toBe(5);
    expect(await h.repos.checkpoints.get(flow.id, 'contacts')).toBeUndefined(); // mirror runs keep no checkpoint

    // two records disappear from the source; then the source fails after one page, on every read
    a.remove('a2');
    a.remove('a4');
    a.faults.failReadAfterPages = 1;
    const failed = await h.run('a-to-b');
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ kind: 'retryable' });
    expect(failed.error?.message).toMatch(/reading stream "contacts" failed 2 times/);
    expect(failed.counts.deleted).toBe(0);
    expect(b.calls.filter((c) => c.kind === 'delete')).toHaveLength(0);
    expect(b.records.size).toBe(5);

    // the dry run shows what a complete run would delete, and deletes nothing
    a.faults.failReadAfterPages = undefined;
    const dry = await h.runner.dryRun(flow.id);
    expect(dry.truncated).toBe(false);
    expect(
      dry.records
        .filter((r) => r.decision === 'delete')
        .map((r) => r.sourceKey)
        .sort(),
    ).toEqual(['a2', 'a4']);
    expect(b.records.size).toBe(5);

    // a complete read: every record is read again (from scratch), the two missing ones are deleted in the target
    const complete = await h.run('a-to-b');
    expect(complete).toMatchObject({
      status: 'succeeded',
      counts: expect.objectContaining({ read: 3, unchanged: 3, created: 0, deleted: 2 }),
    });
    expect([...b.records.values()].map((r) => r.email).sort()).toEqual([
      'person1@example.com',
      'person3@example.com',
      'person5@example.com',
    ]);
    expect(b.accepted('delete')).toHaveLength(1);

    // nothing more to delete; a record that comes back is created again
    const again = await h.run('a-to-b');
    expect(again.counts).toMatchObject({ deleted: 0, created: 0 });
    a.put({ id: 'a2', email: 'person2@example.com', name: 'Person 2' });
    const back = await h.run('a-to-b');
    expect(back.counts).toMatchObject({ created: 1, deleted: 0 });
  });

  it('refuses mirror mode when the target has no delete action (config error at start)', async () => {
    h = await createHarness();
    const a = await h.connector('a');
    const b = await h.connector('b', { withoutDelete: true });
    seed(a, 2);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b', mode: 'mirror' });
    const run = await h.run('a-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'config', field: 'mode' });
    expect(run.error?.message).toMatch(/no delete action/);
    expect(a.calls).toHaveLength(0);
    expect(b.calls).toHaveLength(0);
  });

  it('refuses mirror mode when the target can only erase (a GDPR purge is never a mirror delete)', async () => {
    h = await createHarness();
    const a = await h.connector('a');
    const b = await h.connector('b');
    seed(a, 2);
    const eraseOnly = {
      ...b.definition,
      id: 'mem-b-erase-only',
      actions: b.definition.actions.map((x) =>
        x.mode === 'delete' ? { ...x, name: 'eraseContacts', mode: 'erase' as const } : x,
      ),
    };
    await h.register('erase-only', eraseOnly, { token: 't' });
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({
      name: 'a-to-erase-only',
      mode: 'mirror',
      target: { connection: 'erase-only', action: 'upsertContacts' },
    });
    const run = await h.run('a-to-erase-only');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'config', field: 'mode' });
    expect(run.error?.message).toMatch(
      /no delete action \(its erase action is a permanent GDPR erasure, never used by mirror mode\)/,
    );
    expect(b.calls).toHaveLength(0);
  });

  it('mirrors into HubSpot with the archive delete and never calls the GDPR erase endpoint', async () => {
    const hubspot = await startHubSpot({ enforceLimits: false });
    try {
      h = await createHarness();
      const a = await h.connector('a', { pageSize: 3 });
      seed(a, 4);
      await h.register('crm', hubspotConnector, hubspot.settings as unknown as Record<string, unknown>);
      await h.mapping('contact', '{ "email": email, "properties": { "firstname": name } }');
      await h.flow({
        name: 'a-to-crm',
        mode: 'mirror',
        target: { connection: 'crm', action: 'upsertContacts' },
      });
      const gdpr = () => hubspot.server.count({ route: 'POST /crm/v3/objects/contacts/gdpr-delete' });
      const archive = () => hubspot.server.count({ route: 'POST /crm/v3/objects/:object/batch/archive' });

      const first = await h.run('a-to-crm');
      expect(first).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ created: 4 }) });
      expect(hubspot.contacts.size).toBe(4);

      a.remove('a2');
      a.remove('a3');
      const second = await h.run('a-to-crm');
      expect(second).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ deleted: 2 }) });
      expect([...hubspot.contacts.values()].map((c) => c.properties.email).sort()).toEqual([
        'person1@example.com',
        'person4@example.com',
      ]);
      expect(archive()).toBe(1); // one batch archive call for both
      expect(gdpr()).toBe(0); // the purge (mode "erase") is never a mirror delete
    } finally {
      await hubspot.close();
    }
  });
});
