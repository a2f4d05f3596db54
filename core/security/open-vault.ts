import { ConfigError } from '../sdk/errors';
import type { Store } from '../store/open';
import { MetaRepo } from '../store/repos/meta';
import { keyUsage } from './inventory';
import { keyFileRefresher, loadKeyring, type Keyring, type VaultLogger } from './keyring';
import { Vault, VaultError } from './vault';

/**
 * Opening the vault at start-up: find the keys (HUB_ENCRYPTION_KEY or the key file, generated on first start),
 * then prove they are the keys that encrypted what the store holds, so a wrong key stops the hub with a clear
 * message instead of decrypting to garbage (GCM would refuse anyway; this says why, before any work starts).
 *
 * Proof: the `meta` table holds, per key id, a known text encrypted with that key (`vault:keycheck:<id>`); every
 * stored envelope names its key id, so a stored value whose key is missing is found by id.
 */

export const KEY_CHECK_PREFIX = 'vault:keycheck:';
const KEY_CHECK_TEXT = 'connector-hub vault key check';
const KEY_CHECK_AAD = 'vault:keycheck';

export interface OpenVaultOptions {
  store: Store;
  /** Where the key file lives when HUB_ENCRYPTION_KEY is not set. */
  dataDir: string;
  /** HUB_ENCRYPTION_KEY as configured (a key, or a keyring `id:key,id:key`). */
  encryptionKey?: string;
  logger?: VaultLogger;
}

function missingKeyError(keyring: Keyring, keyId: string, count: number): ConfigError {
  const values = `${count} stored secret value${count === 1 ? '' : 's'}`;
  const message =
    keyring.source === 'env'
      ? `HUB_ENCRYPTION_KEY does not match the key that encrypted the stored secrets (key id ${keyId}, ${values}). ` +
        `Set HUB_ENCRYPTION_KEY to that key, or to a keyring "<new id>:<new key>,${keyId}:<that key>" and then rotate keys.`
      : `the key file ${keyring.file} does not hold the key that encrypted the stored secrets (key id ${keyId}, ${values}). ` +
        'Restore the key file from your backup, or set HUB_ENCRYPTION_KEY to that key.' +
        (keyring.generated ? ' (No key file existed, so a new, unrelated key was just generated.)' : '');
  return new ConfigError(message, { field: 'HUB_ENCRYPTION_KEY' });
}

function wrongKeyError(keyring: Keyring, keyId: string): ConfigError {
  const where = keyring.source === 'env' ? 'HUB_ENCRYPTION_KEY' : `the key file ${keyring.file}`;
  return new ConfigError(
    `${where} has a key with id ${keyId}, but it is not the key that encrypted the stored secrets ` +
      '(its key check does not decrypt). Use the original key for that id.',
    { field: 'HUB_ENCRYPTION_KEY' },
  );
}

/** Stores the key check of the vault's active key (after creating or rotating it). */
export async function writeKeyCheck(meta: MetaRepo, vault: Vault): Promise<void> {
  await meta.set(KEY_CHECK_PREFIX + vault.activeKeyId, vault.encrypt(KEY_CHECK_TEXT, KEY_CHECK_AAD));
}

/** Verifies the vault's keys against the store; throws a ConfigError naming the key id on any mismatch. */
export async function verifyVault(store: Store, vault: Vault, keyring: Keyring, logger?: VaultLogger): Promise<void> {
  const meta = new MetaRepo(store.db);
  const usage = await keyUsage(store.db);
  for (const [keyId, count] of usage) if (!vault.hasKey(keyId)) throw missingKeyError(keyring, keyId, count);

  for (const { key, value } of await meta.list(KEY_CHECK_PREFIX)) {
    const keyId = key.slice(KEY_CHECK_PREFIX.length);
    if (!vault.hasKey(keyId)) {
      // Checked above: no stored value uses this key, so its check is stale (e.g. the database had no secrets yet).
      logger?.info?.(`vault: forgetting the key check of key ${keyId}; no stored secret uses it`);
      await meta.delete(key);
      continue;
    }
    try {
      if (vault.decrypt(value, KEY_CHECK_AAD) !== KEY_CHECK_TEXT) throw wrongKeyError(keyring, keyId);
    } catch (error) {
      if (error instanceof VaultError) throw wrongKeyError(keyring, keyId);
      throw error;
    }
  }
  if ((await meta.get(KEY_CHECK_PREFIX + vault.activeKeyId)) === undefined) await writeKeyCheck(meta, vault);
}

/** Loads the keys, verifies them against the store and returns the vault. Call once at start-up, after openStore. */
export async function openVault(options: OpenVaultOptions): Promise<Vault> {
  const keyring = loadKeyring({
    encryptionKey: options.encryptionKey,
    dataDir: options.dataDir,
    logger: options.logger,
  });
  // with a key file, the running vault follows rotations made by other processes (`hub keys rotate`)
  const refresh = keyring.file ? keyFileRefresher(keyring.file, options.logger) : undefined;
  const vault = new Vault(keyring.keys, { source: keyring.source, file: keyring.file }, refresh);
  await verifyVault(options.store, vault, keyring, options.logger);
  return vault;
}
