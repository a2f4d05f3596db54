import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The secrets vault: AES-256-GCM (authenticated encryption) with a key id in every envelope, so keys can be
 * rotated and a value encrypted with a key the hub no longer has is reported by id instead of decrypting to
 * garbage.
 *
 * Envelope: `enc:v1:<keyId>:<iv>:<tag>:<ciphertext>` — iv (12 random bytes), tag (16 bytes) and ciphertext in
 * base64url. The additional authenticated data binds the version, the key id and the caller's `aad` (for
 * connection settings: the connection id and the field path), so an envelope copied to another connection or
 * another field does not decrypt.
 */

export const ENVELOPE_PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
const ENVELOPE_PATTERN = /^enc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]*)$/;

export interface VaultKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export type VaultErrorCode = 'malformed' | 'unknown_key' | 'tampered';

/** A value could not be decrypted. The message never contains the key or the plaintext. */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    message: string,
    readonly keyId?: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

/** A stable, non-secret id for a key: `k` + the first 10 hex characters of a domain-separated SHA-256. */
export function keyFingerprint(key: Buffer): string {
  return 'k' + createHash('sha256').update('connector-hub/vault-key-id\0').update(key).digest('hex').slice(0, 10);
}

/** A fresh random key, with its fingerprint as id. */
export function generateVaultKey(): VaultKey {
  const key = randomBytes(KEY_BYTES);
  return { id: keyFingerprint(key), key };
}

export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && ENVELOPE_PATTERN.test(value);
}

/** The key id an envelope was made with (undefined if the value is not an envelope). */
export function envelopeKeyId(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return ENVELOPE_PATTERN.exec(value)?.[1];
}

function additionalData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${ENVELOPE_PREFIX}${keyId}\n${aad ?? ''}`, 'utf8');
}

/** Where a vault's keys came from; rotation needs it to know where a new key can be kept. */
export interface VaultOrigin {
  /** 'env': HUB_ENCRYPTION_KEY; 'file': the key file; 'memory': given in code (tests). */
  source: 'env' | 'file' | 'memory';
  file?: string;
}

/**
 * Where a running vault looks for keys added after it was opened (a `hub keys rotate` run by another process on
 * the same key file). Returns the current keys, active first, when they changed since the last call; undefined
 * when nothing changed. Must be cheap when nothing changed (it is called before every encryption).
 */
export type KeyRefresher = () => readonly VaultKey[] | undefined;

export class Vault {
  readonly #keys = new Map<string, Buffer>();
  #activeKeyId: string;
  readonly origin: VaultOrigin;
  readonly #refresh: KeyRefresher | undefined;

  /** `keys[0]` is the active key (used to encrypt); every key can decrypt. */
  constructor(keys: readonly VaultKey[], origin: VaultOrigin = { source: 'memory' }, refresh?: KeyRefresher) {
    this.origin = origin;
    this.#refresh = refresh;
    if (keys.length === 0) throw new Error('the vault needs at least one key');
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new Error(`vault key id ${JSON.stringify(id)} must match ${KEY_ID_PATTERN}`);
      if (key.length !== KEY_BYTES) throw new Error(`vault key ${id} must be ${KEY_BYTES} bytes, not ${key.length}`);
      const existing = this.#keys.get(id);
      if (existing && !timingSafeEqual(existing, key)) throw new Error(`two different vault keys share the id ${id}`);
      this.#keys.set(id, Buffer.from(key));
    }
    this.#activeKeyId = keys[0].id;
  }

  get activeKeyId(): string {
    return this.#activeKeyId;
  }

  /**
   * Picks up keys another process added to the key file (live rotation): new keys are added, the file's active
   * key becomes active. Keys the vault already holds are kept, so values written before a rotation still decrypt.
   * Returns true when the keys changed.
   */
  refreshKeys(): boolean {
    const keys = this.#refresh?.();
    if (!keys || keys.length === 0) return false;
    for (const { id, key } of keys) {
      const existing = this.#keys.get(id);
      if (existing && !timingSafeEqual(existing, key)) throw new Error(`two different vault keys share the id ${id}`);
      if (key.length !== KEY_BYTES) throw new Error(`vault key ${id} must be ${KEY_BYTES} bytes`);
      if (!existing) this.#keys.set(id, Buffer.from(key));
    }
    this.#activeKeyId = keys[0].id;
    return true;
  }

  /** Ids of every key the vault holds, the active one first. */
  get keyIds(): string[] {
    return [this.#activeKeyId, ...[...this.#keys.keys()].filter((id) => id !== this.#activeKeyId)];
  }

  hasKey(id: string): boolean {
    return this.#keys.has(id);
  }

  /** Adds a key (or re-activates a known one) and makes it the key new values are encrypted with. */
  activate(key: VaultKey): void {
    const existing = this.#keys.get(key.id);
    if (existing && !timingSafeEqual(existing, key.key))
      throw new Error(`two different vault keys share the id ${key.id}`);
    if (key.key.length !== KEY_BYTES) throw new Error(`vault key ${key.id} must be ${KEY_BYTES} bytes`);
    this.#keys.set(key.id, Buffer.from(key.key));
    this.#activeKeyId = key.id;
  }

  /** Copies of the keys, active first: for writing the key file only. Never log them. */
  exportKeys(): VaultKey[] {
    return this.keyIds.map((id) => ({ id, key: Buffer.from(this.#keys.get(id) as Buffer) }));
  }

  /** Forgets a key that no stored value uses any more. The active key cannot be removed. */
  remove(id: string): void {
    if (id === this.#activeKeyId) throw new Error('the active vault key cannot be removed');
    this.#keys.delete(id);
  }

  isEnvelope(value: unknown): value is string {
    return isEnvelope(value);
  }

  encrypt(plaintext: string, aad?: string): string {
    // a rotation by another process makes a new key active in the key file: encrypt with that one
    this.refreshKeys();
    const keyId = this.#activeKeyId;
    const key = this.#keys.get(keyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(keyId, aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `${ENVELOPE_PREFIX}${keyId}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ciphertext.toString('base64url')}`;
  }

  decrypt(envelope: string, aad?: string): string {
    const match = ENVELOPE_PATTERN.exec(envelope);
    if (!match)
      throw new VaultError('malformed', 'not a vault envelope (expected enc:v1:<keyId>:<iv>:<tag>:<ciphertext>)');
    const [, keyId, ivText, tagText, ctText] = match;
    // an unknown id may come from a rotation run by another process since this one read the key file
    const key = this.#keys.get(keyId) ?? (this.refreshKeys() ? this.#keys.get(keyId) : undefined);
    if (!key) {
      throw new VaultError(
        'unknown_key',
        `the value was encrypted with key id ${keyId}, which is not in HUB_ENCRYPTION_KEY or the key file`,
        keyId,
      );
    }
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new VaultError('malformed', 'vault envelope has a wrong IV or tag length', keyId);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId, aad));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ctText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new VaultError(
        'tampered',
        `a value encrypted with key id ${keyId} failed authentication: it was altered, moved to another field, or the key is wrong`,
        keyId,
      );
    }
  }
}
