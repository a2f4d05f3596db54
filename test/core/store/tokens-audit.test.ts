import { ApiTokensRepo, AuditLogRepo, MetaRepo, TOKEN_PREFIX, hashToken } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { REDACTED } from '../../../core/security/secrets';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('ApiTokensRepo, AuditLogRepo and MetaRepo (%s)', (engine) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(engine);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('stores only the hash of a token and verifies it', async () => {
    const tokens = new ApiTokensRepo(t.store.db);
    const { token, record } = await tokens.create({ name: 'ci', role: 'engineer' }, 1000);
    expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
    expect(token.length).toBeGreaterThan(40);
    const rows = await t.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0].token_hash).toBe(hashToken(token));

    expect(await tokens.verify(token, 2000)).toMatchObject({ id: record.id, role: 'engineer', lastUsedAt: 2000 });
    expect((await tokens.verify(token, 2500))?.lastUsedAt).toBe(2000); // refreshed at most once a minute
    expect((await tokens.verify(token, 70_000))?.lastUsedAt).toBe(70_000);
    expect(await tokens.verify(token + 'x')).toBeUndefined();
    expect(await tokens.verify('not-a-token')).toBeUndefined();
    expect(await tokens.countActive()).toBe(1);

    expect(await tokens.revoke(record.id, 80_000)).toBe(true);
    expect(await tokens.revoke(record.id)).toBe(false);
    expect(await tokens.verify(token)).toBeUndefined();
    expect(await tokens.list()).toEqual([]);
    expect((await tokens.list({ includeRevoked: true }))[0]).toMatchObject({ id: record.id, revokedAt: 80_000 });
    expect((await tokens.get(record.id))?.name).toBe('ci');
  });

  it('appends audit entries and never stores an envelope', async () => {
    const audit = new AuditLogRepo(t.store.db);
    const envelope = new Vault([generateVaultKey()]).encrypt('secret');
    await audit.record(
      {
        actor: 'tok_1',
        action: 'connection.create',
        entity: 'connection',
        entityId: 'con_1',
        after: { apiKey: envelope, name: 'crm' },
      },
      1000,
    );
    await audit.record(
      {
        actor: 'tok_1',
        action: 'connection.update',
        entity: 'connection',
        entityId: 'con_1',
        before: { name: 'crm' },
        after: { name: 'crm2' },
      },
      2000,
    );
    await audit.record({ actor: 'cli', action: 'flow.enable', entity: 'flow', entityId: 'flw_1' }, 3000);
    const raw = await t.store.db.selectFrom('audit_log').select('after_json').execute();
    expect(JSON.stringify(raw)).not.toContain(envelope);

    const forConnection = await audit.list({ entity: 'connection', entityId: 'con_1' });
    expect(forConnection.map((e) => e.action)).toEqual(['connection.update', 'connection.create']);
    expect(forConnection[1].after).toEqual({ apiKey: REDACTED, name: 'crm' });
    expect(forConnection[0].before).toEqual({ name: 'crm' });
    expect((await audit.list({ actor: 'cli' })).map((e) => e.entityId)).toEqual(['flw_1']);
    const all = await audit.list();
    expect((await audit.list({ before: all[0].id, limit: 1 })).map((e) => e.at)).toEqual([2000]);
  });

  it('keeps small meta values, listed by exact prefix', async () => {
    const meta = new MetaRepo(t.store.db);
    await meta.set('a_b:1', 'x');
    await meta.set('a_b:1', 'y');
    await meta.set('aXb:2', 'z');
    expect(await meta.get('a_b:1')).toBe('y');
    expect(await meta.list('a_b:')).toEqual([{ key: 'a_b:1', value: 'y' }]);
    await meta.delete('a_b:1');
    expect(await meta.get('a_b:1')).toBeUndefined();
  });
});
