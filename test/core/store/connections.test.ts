import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { Type } from '@sinclair/typebox';
import { Secret } from '../../../core/sdk/contracts';
import { REDACTED } from '../../../core/security/secrets';
import { Vault, VaultError, generateVaultKey, isEnvelope } from '../../../core/security/vault';
import {
  ConnectionsRepo,
  FlowsRepo,
  RecordLinksRepo,
  StoreConflictError,
  StoreNotFoundError,
} from '../../../core/store';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

const settingsSchema = Type.Object({
  baseUrl: Type.String(),
  apiKey: Secret(Type.String()),
  oauth: Type.Optional(Type.Object({ clientId: Type.String(), clientSecret: Secret(Type.String()) })),
});

describe.each(engines)('ConnectionsRepo (%s)', (engine) => {
  let t: TestStore;
  let repo: ConnectionsRepo;
  const vault = new Vault([generateVaultKey()]);

  beforeAll(async () => {
    t = await openTestStore(engine);
    repo = new ConnectionsRepo(t.store.db, vault);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates a connection with its secrets encrypted and redacted on the way out', async () => {
    const created = await repo.create({
      name: 'crm',
      connectorId: 'hubspot',
      settings: { baseUrl: 'https://api', apiKey: 'key-1', oauth: { clientId: 'cid', clientSecret: 'cs-1' } },
      settingsSchema,
    });
    expect(created.id).toMatch(/^con_[0-9a-z]{26}$/);
    expect(created).toMatchObject({ name: 'crm', connectorId: 'hubspot', status: 'untested' });
    expect(created.settings).toEqual({
      baseUrl: 'https://api',
      apiKey: REDACTED,
      oauth: { clientId: 'cid', clientSecret: REDACTED },
    });

    const raw = await t.store.db
      .selectFrom('connections')
      .select('settings_json')
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    const stored = JSON.parse(raw.settings_json);
    expect(isEnvelope(stored.apiKey)).toBe(true);
    expect(isEnvelope(stored.oauth.clientSecret)).toBe(true);
    expect(raw.settings_json).not.toContain('key-1');
    expect(raw.settings_json).not.toContain('cs-1');
  });

  it('reads by id or name, redacted unless decryption is asked for', async () => {
    const byName = await repo.get('crm');
    expect(byName?.settings.apiKey).toBe(REDACTED);
    const clear = await repo.get(byName!.id, { decrypt: true });
    expect(clear?.settings).toEqual({
      baseUrl: 'https://api',
      apiKey: 'key-1',
      oauth: { clientId: 'cid', clientSecret: 'cs-1' },
    });
    expect(await repo.get('missing')).toBeUndefined();
    await expect(repo.require('missing')).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('lists connections by name with secrets redacted, optionally by connector', async () => {
    await repo.create({
      name: 'mail',
      connectorId: 'mailchimp',
      settings: { baseUrl: 'u', apiKey: 'key-2' },
      secretPaths: ['apiKey'],
    });
    const all = await repo.list();
    expect(all.map((c) => c.name)).toEqual(['crm', 'mail']);
    expect(all.every((c) => c.settings.apiKey === REDACTED)).toBe(true);
    expect((await repo.list({ connectorId: 'mailchimp' })).map((c) => c.name)).toEqual(['mail']);
  });

  it('refuses a duplicate name', async () => {
    await expect(repo.create({ name: 'crm', connectorId: 'x', settings: {} })).rejects.toBeInstanceOf(
      StoreConflictError,
    );
  });

  it('updates settings, keeping secrets sent back as the placeholder', async () => {
    const before = await repo.require('crm');
    const updated = await repo.update(
      'crm',
      { settings: { ...before.settings, baseUrl: 'https://api2' } },
      before.updatedAt + 1,
    );
    expect(updated.settings.baseUrl).toBe('https://api2');
    expect(updated.updatedAt).toBe(before.updatedAt + 1);
    expect((await repo.require('crm', { decrypt: true })).settings).toEqual({
      baseUrl: 'https://api2',
      apiKey: 'key-1',
      oauth: { clientId: 'cid', clientSecret: 'cs-1' },
    });

    await repo.update('crm', { settings: { ...updated.settings, apiKey: 'key-1b' }, settingsSchema });
    expect((await repo.require('crm', { decrypt: true })).settings.apiKey).toBe('key-1b');
    await expect(repo.update('crm', { name: 'mail' })).rejects.toBeInstanceOf(StoreConflictError);
    await expect(repo.update('nope', { name: 'x' })).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  it('records connection checks', async () => {
    const c = await repo.require('mail');
    await repo.recordCheck(c.id, { ok: false, error: '401 Unauthorized' }, 1234);
    expect(await repo.require('mail')).toMatchObject({
      status: 'error',
      lastCheckedAt: 1234,
      lastCheckError: '401 Unauthorized',
    });
    await repo.recordCheck(c.id, { ok: true }, 1235);
    const ok = await repo.require('mail');
    expect(ok.status).toBe('ok');
    expect(ok.lastCheckError).toBeUndefined();
  });

  it('binds each envelope to its connection: a copied secret does not decrypt', async () => {
    const a = await repo.require('crm');
    const b = await repo.require('mail');
    const rawA = await t.store.db
      .selectFrom('connections')
      .select('settings_json')
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    await t.store.db
      .updateTable('connections')
      .set({ settings_json: rawA.settings_json })
      .where('id', '=', b.id)
      .execute();
    await expect(repo.get(b.id, { decrypt: true })).rejects.toBeInstanceOf(VaultError);
    expect((await repo.get(b.id))?.settings.apiKey).toBe(REDACTED);
  });

  it('refuses to delete a connection a flow uses, and deletes it otherwise', async () => {
    const flows = new FlowsRepo(t.store.db);
    const crm = await repo.require('crm');
    const flow = await flows.create({ name: 'sync', definition: {}, sourceConnectionId: crm.id });
    await expect(repo.delete('crm')).rejects.toThrow(/used by flow\(s\) sync/);
    await flows.delete(flow.id);
    expect(await repo.delete('crm')).toBe(true);
    expect(await repo.delete('crm')).toBe(false);
    expect(await repo.get('crm')).toBeUndefined();
  });

  it('deleting a connection removes its record links in every link group and keeps the others (no connection_id index, no foreign key)', async () => {
    // migration 0012 dropped record_links_connection_idx: the delete scans the table instead; migration 0014 dropped
    // the foreign key whose cascade deleted them: ConnectionsRepo.delete deletes them itself
    const indexes =
      engine === 'sqlite'
        ? await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'record_links'`.execute(t.store.db)
        : await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'record_links' and schemaname = current_schema()`.execute(
            t.store.db,
          );
    expect(indexes.rows.map((r) => r.name)).not.toContain('record_links_connection_idx');
    const make = (name: string) =>
      repo.create({ name, connectorId: 'hubspot', settings: { baseUrl: 'https://api', apiKey: 'k' }, settingsSchema });
    const [gone, kept] = [await make('links-gone'), await make('links-kept')];
    const links = new RecordLinksRepo(t.store.db);
    for (const group of ['lg-1', 'lg-2']) {
      for (let i = 0; i < 3; i++) {
        await links.link(
          group,
          'contact',
          { connectionId: kept.id, externalId: `k${i}` },
          { connectionId: gone.id, externalId: `g${i}` },
        );
      }
    }
    const count = async (connectionId: string) =>
      Number(
        (
          await t.store.db
            .selectFrom('record_links')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('connection_id', '=', connectionId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    expect([await count(gone.id), await count(kept.id)]).toEqual([6, 6]);
    expect(await repo.delete('links-gone')).toBe(true);
    expect([await count(gone.id), await count(kept.id)]).toEqual([0, 6]);
    expect(await links.find('lg-2', { connectionId: kept.id, externalId: 'k1' })).toMatchObject({ externalId: 'k1' });

    // inside a transaction (the connection service's path), and rolled back with it when the transaction fails
    const foreignKeys =
      engine === 'sqlite'
        ? await sql<{ n: number }>`select count(*) as n from pragma_foreign_key_list('record_links')`.execute(
            t.store.db,
          )
        : await sql<{
            n: number;
          }>`select count(*) as n from pg_constraint con join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace where rel.relname = 'record_links' and ns.nspname = current_schema() and con.contype = 'f'`.execute(
            t.store.db,
          );
    expect(Number(foreignKeys.rows[0].n)).toBe(0);
    await expect(
      t.store.transaction(async (tx) => {
        expect(await new ConnectionsRepo(tx, vault).delete('links-kept')).toBe(true);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await count(kept.id)).toBe(6);
    await t.store.transaction(async (tx) => {
      expect(await new ConnectionsRepo(tx, vault).delete('links-kept')).toBe(true);
    });
    expect(await count(kept.id)).toBe(0);
    expect(await repo.get('links-kept')).toBeUndefined();
  });

  if (engine === 'sqlite') {
    it('never writes a secret to the database file or its WAL (canary)', async () => {
      const canary = `canary-${randomUUID()}`;
      const name = `canary-connection-${randomUUID()}`;
      const created = await repo.create({
        name,
        connectorId: 'hubspot',
        settings: { baseUrl: 'https://api', apiKey: canary, oauth: { clientId: 'c', clientSecret: canary } },
        settingsSchema,
      });
      const file = t.store.location;
      const wal = fs.readFileSync(`${file}-wal`);
      expect(wal.includes(Buffer.from(name))).toBe(true); // the write is in the WAL, so the check below means something
      expect(wal.includes(Buffer.from(canary))).toBe(false);

      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.store.db);
      const db = fs.readFileSync(file);
      expect(db.includes(Buffer.from(name))).toBe(true);
      expect(db.includes(Buffer.from(canary))).toBe(false);
      expect(fs.readFileSync(`${file}-wal`).includes(Buffer.from(canary))).toBe(false);

      const clear = await repo.require(created.id, { decrypt: true });
      expect(clear.settings.apiKey).toBe(canary);
      expect((clear.settings.oauth as Record<string, unknown>).clientSecret).toBe(canary);
    });
  }
});
