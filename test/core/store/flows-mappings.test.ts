import { ConnectionsRepo, FlowsRepo, MappingsRepo, StoreConflictError, StoreNotFoundError } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('FlowsRepo (%s)', (engine) => {
  let t: TestStore;
  let flows: FlowsRepo;
  let connectionIds: string[];

  beforeAll(async () => {
    t = await openTestStore(engine);
    flows = new FlowsRepo(t.store.db);
    const connections = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    connectionIds = [
      (await connections.create({ name: 'a', connectorId: 'x', settings: {} })).id,
      (await connections.create({ name: 'b', connectorId: 'y', settings: {} })).id,
    ];
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates, reads and lists flows', async () => {
    const definition = { source: { connection: 'a', stream: 'contacts' }, mapping: 'm', syncMode: 'upsert' };
    const created = await flows.create(
      {
        name: 'a-to-b',
        definition,
        linkGroup: 'grp',
        sourceConnectionId: connectionIds[0],
        targetConnectionId: connectionIds[1],
      },
      1000,
    );
    expect(created).toMatchObject({
      name: 'a-to-b',
      enabled: false,
      linkGroup: 'grp',
      createdAt: 1000,
      updatedAt: 1000,
    });
    expect(created.id).toMatch(/^flw_/);
    await flows.create({ name: 'b-to-a', definition: {}, enabled: true, linkGroup: 'grp', template: 'crm-email-sync' });
    expect(await flows.get('a-to-b')).toEqual(created);
    expect(await flows.get(created.id)).toEqual(created);
    expect((await flows.list()).map((f) => f.name)).toEqual(['a-to-b', 'b-to-a']);
    expect((await flows.list({ enabled: true })).map((f) => f.name)).toEqual(['b-to-a']);
    expect((await flows.list({ linkGroup: 'grp' })).length).toBe(2);
    expect((await flows.list({ connectionId: connectionIds[1] })).map((f) => f.name)).toEqual(['a-to-b']);
    expect((await flows.get('b-to-a'))?.template).toBe('crm-email-sync');
  });

  it('updates fields, clears optional ones with null, and enables/disables', async () => {
    const updated = await flows.update('a-to-b', { definition: { v: 2 }, linkGroup: null }, 2000);
    expect(updated.definition).toEqual({ v: 2 });
    expect(updated.linkGroup).toBeUndefined();
    expect(updated.updatedAt).toBe(2000);
    expect((await flows.setEnabled('a-to-b', true)).enabled).toBe(true);
    expect(await flows.get('a-to-b')).toMatchObject({ enabled: true, definition: { v: 2 } });
  });

  it('refuses duplicate names and unknown connections', async () => {
    await expect(flows.create({ name: 'a-to-b', definition: {} })).rejects.toBeInstanceOf(StoreConflictError);
    await expect(flows.create({ name: 'c', definition: {}, sourceConnectionId: 'con_missing' })).rejects.toThrow(
      /connection/,
    );
    await expect(flows.update('missing', { enabled: true })).rejects.toBeInstanceOf(StoreNotFoundError);
    await expect(flows.require('missing')).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('deletes a flow', async () => {
    expect(await flows.delete('b-to-a')).toBe(true);
    expect(await flows.delete('b-to-a')).toBe(false);
  });
});

describe.each(engines)('MappingsRepo (%s)', (engine) => {
  let t: TestStore;
  let mappings: MappingsRepo;

  beforeAll(async () => {
    t = await openTestStore(engine);
    mappings = new MappingsRepo(t.store.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const v1 = {
    name: 'hubspot-to-mailchimp',
    version: '1.0.0',
    description: 'contacts',
    expression: '{ "email": $normalizeEmail(email) }',
    sourceSchema: { type: 'object' },
    targetSchema: { type: 'object', required: ['email'] },
    fixtures: [{ input: { email: 'A@x.io' }, expected: { email: 'a@x.io' } }],
  };

  it('saves versions immutably, idempotently for identical content', async () => {
    const saved = await mappings.save(v1, 1000);
    expect(saved).toMatchObject({ ...v1, createdAt: 1000 });
    expect(saved.id).toMatch(/^map_/);
    expect(await mappings.save(v1, 5000)).toEqual(saved);
    await expect(mappings.save({ ...v1, expression: '{}' })).rejects.toBeInstanceOf(StoreConflictError);
  });

  it('returns a given version, the newest one, every version and the newest of each', async () => {
    const v2 = await mappings.save(
      { ...v1, version: '1.1.0', expression: '{ "email": email }', fixtures: undefined },
      2000,
    );
    await mappings.save({ name: 'other', version: '1', expression: '$' }, 1500);
    expect(v2.fixtures).toBeUndefined();
    expect((await mappings.get(v1.name, '1.0.0'))?.expression).toBe(v1.expression);
    expect((await mappings.get(v1.name))?.version).toBe('1.1.0');
    expect(await mappings.getById(v2.id)).toEqual(v2);
    expect((await mappings.versions(v1.name)).map((m) => m.version)).toEqual(['1.1.0', '1.0.0']);
    expect((await mappings.list()).map((m) => `${m.name}@${m.version}`)).toEqual([
      'hubspot-to-mailchimp@1.1.0',
      'other@1',
    ]);
    expect(await mappings.get('missing')).toBeUndefined();
  });

  it('deletes one version or all', async () => {
    expect(await mappings.delete(v1.name, '1.1.0')).toBe(1);
    expect((await mappings.get(v1.name))?.version).toBe('1.0.0');
    expect(await mappings.delete('other')).toBe(1);
    expect(await mappings.delete('other')).toBe(0);
  });
});
