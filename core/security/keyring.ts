import fs from 'node:fs';
import path from 'node:path';
import { registerSecretValue } from '../logging/logger';
import { ConfigError } from '../sdk/errors';
import { KEY_ID_PATTERN, generateVaultKey, keyFingerprint, type VaultKey } from './vault';

/**
 * Where the vault's keys come from:
 * - `HUB_ENCRYPTION_KEY` (passed in by the caller; config is parsed elsewhere): one key as base64 or 64 hex
 *   characters (its id is the key's fingerprint), or a keyring `id1:key1,id2:key2` whose first key is active;
 * - otherwise `<dataDir>/keys.json`, generated on first start with mode 0600.
 */

export type KeySource = 'env' | 'file';

export interface Keyring {
  /** Active key first. */
  keys: VaultKey[];
  source: KeySource;
  /** The key file, when the keys come from (or were just written to) one. */
  file?: string;
  /** True when the key file was created by this call. */
  generated: boolean;
}

/** Receives the vault's operational messages; a pino logger fits. */
export interface VaultLogger {
  warn(message: string): void;
  info?(message: string): void;
}

export const KEY_FILE_NAME = 'keys.json';
const ENV_NAME = 'HUB_ENCRYPTION_KEY';

function keyError(message: string): ConfigError {
  return new ConfigError(message, { field: ENV_NAME });
}

/** Decodes one key: 64 hex characters, or base64/base64url of exactly 32 bytes. Never echoes the value. */
export function decodeKey(text: string, label: string = ENV_NAME): Buffer {
  const value = text.trim();
  let key: Buffer;
  if (/^[0-9a-fA-F]{64}$/.test(value)) key = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) key = Buffer.from(value, 'base64');
  else throw keyError(`${label} is not valid: expected 32 bytes as base64 or 64 hex characters`);
  if (key.length !== 32) {
    throw keyError(
      `${label} is not valid: expected 32 bytes as base64 or 64 hex characters (it decodes to ${key.length} bytes)`,
    );
  }
  return key;
}

/** Parses HUB_ENCRYPTION_KEY: a single key, or `id:key,id:key` (first is active). */
export function parseEncryptionKey(value: string): VaultKey[] {
  registerSecretValue(value);
  const text = value.trim();
  if (!text.includes(':')) {
    const key = decodeKey(text);
    return [{ id: keyFingerprint(key), key }];
  }
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part, index) => {
      const colon = part.indexOf(':');
      const id = part.slice(0, colon).trim();
      if (colon < 0 || !KEY_ID_PATTERN.test(id)) {
        throw keyError(
          `${ENV_NAME} entry ${index + 1} is not valid: expected id:key with an id of letters, digits, _ or -`,
        );
      }
      const encoded = part.slice(colon + 1);
      registerSecretValue(encoded);
      return { id, key: decodeKey(encoded, `${ENV_NAME} key ${id}`) };
    });
  if (keys.length === 0) throw keyError(`${ENV_NAME} is empty`);
  const ids = new Set<string>();
  for (const { id } of keys) {
    if (ids.has(id)) throw keyError(`${ENV_NAME} names the key id ${id} twice`);
    ids.add(id);
  }
  return keys;
}

/** `id:key` text of a keyring, the form HUB_ENCRYPTION_KEY accepts (shown once to an operator, never logged). */
export function formatKeyring(keys: readonly VaultKey[]): string {
  return keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',');
}

interface KeyFileEntry {
  id: string;
  key: string;
  createdAt: string;
  retiredAt?: string;
}

interface KeyFile {
  version: 1;
  warning: string;
  active: string;
  keys: KeyFileEntry[];
}

const FILE_WARNING =
  'Connector Hub encryption keys. Back up this file with the database: losing it loses every stored secret. ' +
  'Keep it private (mode 0600).';

/** Reads a key file; the active key comes first. Throws a ConfigError naming the file when it is malformed. */
export function readKeyFile(file: string): VaultKey[] {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`the key file ${file} cannot be read: ${reason}`);
  }
  if (parsed?.version !== 1 || !Array.isArray(parsed.keys) || typeof parsed.active !== 'string') {
    throw new ConfigError(
      `the key file ${file} is not a Connector Hub key file (expected version 1 with "active" and "keys")`,
    );
  }
  const keys = parsed.keys.map((entry) => {
    if (typeof entry?.id !== 'string' || !KEY_ID_PATTERN.test(entry.id) || typeof entry.key !== 'string') {
      throw new ConfigError(`the key file ${file} has a malformed key entry`);
    }
    registerSecretValue(entry.key);
    return { id: entry.id, key: decodeKey(entry.key, `key ${entry.id} in ${file}`) };
  });
  const active = keys.find((k) => k.id === parsed.active);
  if (!active)
    throw new ConfigError(`the key file ${file} names active key ${parsed.active}, which it does not contain`);
  return [active, ...keys.filter((k) => k.id !== parsed.active)];
}

/**
 * Writes the key file atomically (temporary file + rename) with mode 0600. `keys[0]` becomes active; the others
 * are kept as retired keys (they still decrypt, e.g. a database backup taken before a rotation).
 */
export function writeKeyFile(file: string, keys: readonly VaultKey[]): void {
  let previous: KeyFileEntry[] = [];
  if (fs.existsSync(file)) {
    try {
      previous = (JSON.parse(fs.readFileSync(file, 'utf8')) as KeyFile).keys ?? [];
    } catch {
      previous = [];
    }
  }
  const now = new Date().toISOString();
  const entries: KeyFileEntry[] = keys.map(({ id, key }, index) => {
    const before = previous.find((p) => p.id === id);
    const entry: KeyFileEntry = { id, key: key.toString('base64'), createdAt: before?.createdAt ?? now };
    if (index > 0) entry.retiredAt = before?.retiredAt ?? now;
    return entry;
  });
  const content: KeyFile = { version: 1, warning: FILE_WARNING, active: keys[0].id, keys: entries };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}

/** What identifies one version of a file on disk: a rename (how the key file is written) changes the inode. */
function fileSignature(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/**
 * Watches the key file for a running vault: each call stats the file (cheap) and re-reads it only when it was
 * replaced since the last read, e.g. by `hub keys rotate` in another process. A file that vanished or cannot be
 * parsed is reported once through the logger and the keys already held are kept.
 */
export function keyFileRefresher(file: string, logger?: VaultLogger): () => VaultKey[] | undefined {
  let seen = fileSignature(file);
  return () => {
    const now = fileSignature(file);
    if (now === undefined || now === seen) return undefined;
    seen = now;
    try {
      const keys = readKeyFile(file);
      logger?.info?.(`vault: the key file ${file} changed; active key is now ${keys[0].id}`);
      return keys;
    } catch (error) {
      logger?.warn(`vault: the key file ${file} changed but cannot be used: ${(error as Error).message}`);
      return undefined;
    }
  };
}

/**
 * Finds the keys: HUB_ENCRYPTION_KEY when given, else the key file, else a new key written to the key file
 * (with a loud warning: that file must be backed up).
 */
export function loadKeyring(options: { encryptionKey?: string; dataDir: string; logger?: VaultLogger }): Keyring {
  const file = path.join(options.dataDir, KEY_FILE_NAME);
  if (options.encryptionKey !== undefined && options.encryptionKey.trim() !== '') {
    if (fs.existsSync(file)) {
      options.logger?.info?.(`${ENV_NAME} is set; the key file ${file} is not used`);
    }
    return { keys: parseEncryptionKey(options.encryptionKey), source: 'env', generated: false };
  }
  if (fs.existsSync(file)) {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      options.logger?.warn(`the key file ${file} can be read by other users; restrict it with: chmod 600 ${file}`);
    }
    return { keys: readKeyFile(file), source: 'file', file, generated: false };
  }
  const key = generateVaultKey();
  registerSecretValue(key.key.toString('base64'));
  writeKeyFile(file, [key]);
  options.logger?.warn(
    `${ENV_NAME} is not set, so a new encryption key (id ${key.id}) was generated in ${file}. ` +
      'BACK UP THIS FILE: losing it loses every stored secret (connection credentials). ' +
      `In production, or with several workers, set ${ENV_NAME} instead.`,
  );
  return { keys: [key], source: 'file', file, generated: true };
}
