import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KEY_FILE_NAME, readKeyFile } from '../../../core/security/keyring';
import { KEY_CHECK_PREFIX, openVault } from '../../../core/security/open-vault';
import { rotateKeys } from '../../../core/security/rotate';
import { Vault, VaultError, generateVaultKey } from '../../../core/security/vault';
import { ConfigError } from '../../../core/sdk/errors';
import { ConnectionsRepo, MetaRepo, connectionAad } from '../../../core/store';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

describe.each(engines)('rotateKeys (%s)', (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(engine);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function seed(vault: Vault): Promise<string[]> {
    const repo = new ConnectionsRepo(t.store.db, vault);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await repo.create({
        name: `c${i}`,
        connectorId: 'x',
        settings: { url: `u${i}`, apiKey: `key-${i}`, oauth: { secret: `s-${i}` } },
        secretPaths: ['apiKey', 'oauth.secret'],
      });
      ids.push(c.id);
    }
    await repo.create({ name: 'plain', connectorId: 'x', settings: { url: 'u' } });
    return ids;
  }

  async function rawSettings(): Promise<string> {
    const rows = await t.store.db.selectFrom('connections').select('settings_json').orderBy('id').execute();
    return rows.map((r) => r.settings_json).join('\n');
  }

  async function expectReadable(vault: Vault, ids: string[]) {
    const repo = new ConnectionsRepo(t.store.db, vault);
    for (const [i, id] of ids.entries()) {
      expect((await repo.require(id, { decrypt: true })).settings).toEqual({
        url: `u${i}`,
        apiKey: `key-${i}`,
        oauth: { secret: `s-${i}` },
      });
    }
  }

  it('generates a key, re-encrypts every secret with it in the key file, and keeps the old key retired', async () => {
    const vault = await openVault({ store: t.store, dataDir: t.dataDir });
    const oldId = vault.activeKeyId;
    const ids = await seed(vault);

    const result = await rotateKeys(t.store, vault);
    expect(result).toMatchObject({
      previousKeyIds: [oldId],
      connections: 3,
      values: 6,
      generated: true,
      retiredKeyIds: [oldId],
    });
    expect(result.activeKeyId).not.toBe(oldId);
    expect(vault.activeKeyId).toBe(result.activeKeyId);

    const raw = await rawSettings();
    expect(raw).not.toContain(`enc:v1:${oldId}:`);
    expect(raw).toContain(`enc:v1:${result.activeKeyId}:`);
    await expectReadable(vault, ids);
    expect((await new MetaRepo(t.store.db).list(KEY_CHECK_PREFIX)).map((e) => e.key)).toEqual([
      KEY_CHECK_PREFIX + result.activeKeyId,
    ]);

    const file = path.join(t.dataDir, KEY_FILE_NAME);
    expect(readKeyFile(file).map((k) => k.id)).toEqual([result.activeKeyId, oldId]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const reopened = await openVault({ store: t.store, dataDir: t.dataDir });
    expect(reopened.activeKeyId).toBe(result.activeKeyId);
    await expectReadable(reopened, ids);
  });

  it('drops retired keys when asked', async () => {
    const vault = await openVault({ store: t.store, dataDir: t.dataDir });
    const ids = await seed(vault);
    const first = await rotateKeys(t.store, vault);
    const second = await rotateKeys(t.store, vault, { dropRetiredKeys: true });
    expect(second).toMatchObject({ previousKeyIds: [first.activeKeyId], connections: 3, values: 6, retiredKeyIds: [] });
    expect(vault.keyIds).toEqual([second.activeKeyId]);
    expect(readKeyFile(path.join(t.dataDir, KEY_FILE_NAME)).map((k) => k.id)).toEqual([second.activeKeyId]);
    await expectReadable(await openVault({ store: t.store, dataDir: t.dataDir }), ids);
  });

  it('with HUB_ENCRYPTION_KEY, moves every secret to the first key of the keyring', async () => {
    const oldKey = randomBytes(32).toString('base64');
    const vault = await openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: `old:${oldKey}` });
    const ids = await seed(vault);
    await expect(rotateKeys(t.store, vault)).rejects.toThrow(ConfigError);
    await expect(rotateKeys(t.store, vault, { newKey: generateVaultKey() })).rejects.toThrow(/cannot be replaced/);

    const newKey = randomBytes(32).toString('base64');
    const ring = await openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: `new:${newKey},old:${oldKey}` });
    const result = await rotateKeys(t.store, ring);
    expect(result).toMatchObject({
      activeKeyId: 'new',
      previousKeyIds: ['old'],
      connections: 3,
      values: 6,
      generated: false,
    });
    expect(await rawSettings()).not.toContain('enc:v1:old:');
    expect(fs.existsSync(path.join(t.dataDir, KEY_FILE_NAME))).toBe(false);

    // The old key can now leave the variable.
    const only = await openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: `new:${newKey}` });
    await expectReadable(only, ids);
  });

  it('rolls back when re-encryption fails part-way, leaving every value readable', async () => {
    const vault = await openVault({ store: t.store, dataDir: t.dataDir });
    const ids = await seed(vault);
    // The last connection holds a value from a key the vault does not have, so re-encryption fails on it.
    const plain = await new ConnectionsRepo(t.store.db, vault).require('plain');
    const foreign = new Vault([generateVaultKey()]).encrypt('"x"', connectionAad(plain.id)('apiKey'));
    await t.store.db
      .updateTable('connections')
      .set({ settings_json: JSON.stringify({ apiKey: foreign }) })
      .where('id', '=', plain.id)
      .execute();
    const before = await rawSettings();

    await expect(rotateKeys(t.store, vault)).rejects.toThrow(VaultError);
    expect(await rawSettings()).toBe(before);
    await expectReadable(vault, ids);
  });
});
