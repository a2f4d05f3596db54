import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { KEY_FILE_NAME } from '../../../core/security/keyring';
import { KEY_CHECK_PREFIX, openVault } from '../../../core/security/open-vault';
import { keyFingerprint } from '../../../core/security/vault';
import { ConfigError } from '../../../core/sdk/errors';
import { ConnectionsRepo, MetaRepo } from '../../../core/store';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';

function startupError(promise: Promise<unknown>): Promise<ConfigError> {
  return promise.then(
    () => {
      throw new Error('expected start-up to fail');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    },
  );
}

describe.each(engines)('openVault (%s)', (engine) => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(engine);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function storeSecret(vault: Awaited<ReturnType<typeof openVault>>, name = 'crm') {
    return new ConnectionsRepo(t.store.db, vault).create({
      name,
      connectorId: 'x',
      settings: { apiKey: 'k' },
      secretPaths: ['apiKey'],
    });
  }

  it('generates a key file on first start, writes a key check, and reuses both', async () => {
    const warnings: string[] = [];
    const vault = await openVault({ store: t.store, dataDir: t.dataDir, logger: { warn: (m) => warnings.push(m) } });
    expect(vault.origin).toEqual({ source: 'file', file: path.join(t.dataDir, KEY_FILE_NAME) });
    expect(warnings.join('\n')).toMatch(/BACK UP THIS FILE/);
    expect(await new MetaRepo(t.store.db).list(KEY_CHECK_PREFIX)).toEqual([
      { key: KEY_CHECK_PREFIX + vault.activeKeyId, value: expect.stringMatching(/^enc:v1:/) },
    ]);
    const created = await storeSecret(vault);

    const again = await openVault({ store: t.store, dataDir: t.dataDir, logger: { warn: (m) => warnings.push(m) } });
    expect(again.activeKeyId).toBe(vault.activeKeyId);
    expect(warnings).toHaveLength(1);
    expect((await new ConnectionsRepo(t.store.db, again).require(created.id, { decrypt: true })).settings.apiKey).toBe(
      'k',
    );
  });

  it('fails start-up with a clear message when HUB_ENCRYPTION_KEY is not the key of the stored secrets', async () => {
    const key = randomBytes(32).toString('base64');
    const vault = await openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: key });
    await storeSecret(vault);
    await storeSecret(vault, 'mail');

    const error = await startupError(
      openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: randomBytes(32).toString('hex') }),
    );
    expect(error.message).toContain('HUB_ENCRYPTION_KEY does not match the key that encrypted the stored secrets');
    expect(error.message).toContain(`key id ${vault.activeKeyId}`);
    expect(error.message).toContain('2 stored secret values');
    expect(error.message).not.toContain(key);
    expect(error.field).toBe('HUB_ENCRYPTION_KEY');

    // The same key in keyring form (with its fingerprint as id), after a new one, still opens.
    const newKey = randomBytes(32).toString('base64');
    const ring = await openVault({
      store: t.store,
      dataDir: t.dataDir,
      encryptionKey: `next:${newKey},${keyFingerprint(Buffer.from(key, 'base64'))}:${key}`,
    });
    expect(ring.activeKeyId).toBe('next');
  });

  it('fails when a key id is right but the key is not', async () => {
    await storeSecret(
      await openVault({
        store: t.store,
        dataDir: t.dataDir,
        encryptionKey: `main:${randomBytes(32).toString('base64')}`,
      }),
    );
    const error = await startupError(
      openVault({ store: t.store, dataDir: t.dataDir, encryptionKey: `main:${randomBytes(32).toString('base64')}` }),
    );
    expect(error.message).toMatch(/has a key with id main, but it is not the key that encrypted the stored secrets/);
  });

  it('fails when the key file was lost, saying to restore it', async () => {
    const vault = await openVault({ store: t.store, dataDir: t.dataDir });
    await storeSecret(vault);
    fs.rmSync(path.join(t.dataDir, KEY_FILE_NAME));
    const error = await startupError(openVault({ store: t.store, dataDir: t.dataDir }));
    expect(error.message).toContain(
      `does not hold the key that encrypted the stored secrets (key id ${vault.activeKeyId}, 1 stored secret value)`,
    );
    expect(error.message).toMatch(/Restore the key file/);
  });

  it('accepts a new key while nothing is encrypted yet, forgetting the stale key check', async () => {
    const first = await openVault({
      store: t.store,
      dataDir: t.dataDir,
      encryptionKey: randomBytes(32).toString('base64'),
    });
    const infos: string[] = [];
    const second = await openVault({
      store: t.store,
      dataDir: t.dataDir,
      encryptionKey: randomBytes(32).toString('base64'),
      logger: { warn: () => undefined, info: (m) => infos.push(m) },
    });
    expect(infos.join('\n')).toContain(first.activeKeyId);
    expect((await new MetaRepo(t.store.db).list(KEY_CHECK_PREFIX)).map((e) => e.key)).toEqual([
      KEY_CHECK_PREFIX + second.activeKeyId,
    ]);
  });
});
