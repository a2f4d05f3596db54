import { ConfigError } from '../sdk/errors';
import type { Store } from '../store/open';
import { MetaRepo } from '../store/repos/meta';
import { keyUsage, reencryptAll } from './inventory';
import { writeKeyFile } from './keyring';
import { KEY_CHECK_PREFIX, writeKeyCheck } from './open-vault';
import { generateVaultKey, type Vault, type VaultKey } from './vault';

export interface RotationResult {
  /** The key every stored value is now encrypted with. */
  activeKeyId: string;
  /** Keys that encrypted something before the rotation. */
  previousKeyIds: string[];
  /** Connections whose settings were rewritten. */
  connections: number;
  /** Encrypted values re-encrypted. */
  values: number;
  /** True when a new key was generated (key file); false when the active key came from HUB_ENCRYPTION_KEY. */
  generated: boolean;
  /** Keys still kept in the key file as retired (they decrypt backups taken before the rotation). */
  retiredKeyIds: string[];
}

export interface RotationOptions {
  /** Use this key instead of generating one (key-file and in-memory vaults only). */
  newKey?: VaultKey;
  /** Remove the old keys from the key file and the vault once nothing uses them. Default: keep them (see below). */
  dropRetiredKeys?: boolean;
}

/**
 * Rotates the encryption key and re-encrypts every stored secret with it, in one transaction.
 *
 * - Key file (no HUB_ENCRYPTION_KEY): a new key is generated and written to the key file as active BEFORE any
 *   value is re-encrypted, so a crash at any point leaves every value readable. The old keys stay in the file,
 *   marked retired, so a database backup taken before the rotation can still be read; pass `dropRetiredKeys`
 *   (e.g. after a key leak, once backups are re-taken) to remove them.
 * - HUB_ENCRYPTION_KEY: the hub cannot change the environment, so the operator makes the new key active first:
 *   `HUB_ENCRYPTION_KEY=<new id>:<new key>,<old id>:<old key>`, restarts, then rotates; every value moves to the
 *   first key, after which the old entry can be removed from the variable.
 * Afterwards no stored envelope names an old key id, and only the active key has a key check in the store.
 */
export async function rotateKeys(store: Store, vault: Vault, options: RotationOptions = {}): Promise<RotationResult> {
  const before = await keyUsage(store.db);
  const previousKeyIds = [...before.keys()].sort();
  let generated = false;

  if (vault.origin.source === 'env') {
    if (options.newKey) {
      throw new ConfigError(
        'keys from HUB_ENCRYPTION_KEY cannot be replaced at run time; put the new key first in HUB_ENCRYPTION_KEY',
      );
    }
    const stale = previousKeyIds.filter((id) => id !== vault.activeKeyId);
    if (stale.length === 0 && vault.keyIds.length === 1) {
      throw new ConfigError(
        'HUB_ENCRYPTION_KEY holds one key and every secret already uses it. To rotate, set ' +
          `HUB_ENCRYPTION_KEY=<new id>:<new key>,${vault.activeKeyId}:<current key>, restart, and rotate again.`,
        { field: 'HUB_ENCRYPTION_KEY' },
      );
    }
  } else {
    const key = options.newKey ?? generateVaultKey();
    if (vault.origin.source === 'file' && vault.origin.file) {
      writeKeyFile(vault.origin.file, [key, ...vault.exportKeys().filter((k) => k.id !== key.id)]);
    }
    vault.activate(key);
    generated = true;
  }

  const counts = await store.transaction(async (trx) => {
    const result = await reencryptAll(trx, vault, store.engine === 'postgres');
    const meta = new MetaRepo(trx);
    await writeKeyCheck(meta, vault);
    for (const { key } of await meta.list(KEY_CHECK_PREFIX)) {
      if (key !== KEY_CHECK_PREFIX + vault.activeKeyId) await meta.delete(key);
    }
    return result;
  });

  let retiredKeyIds = vault.keyIds.slice(1);
  if (options.dropRetiredKeys) {
    if (vault.origin.source === 'file' && vault.origin.file) {
      writeKeyFile(vault.origin.file, vault.exportKeys().slice(0, 1));
    }
    for (const id of retiredKeyIds) vault.remove(id);
    retiredKeyIds = [];
  }
  return { activeKeyId: vault.activeKeyId, previousKeyIds, ...counts, generated, retiredKeyIds };
}
