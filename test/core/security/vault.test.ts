import {
  Vault,
  VaultError,
  envelopeKeyId,
  generateVaultKey,
  isEnvelope,
  keyFingerprint,
} from '../../../core/security/vault';

function flip(text: string, index: number): string {
  const c = text[index];
  return text.slice(0, index) + (c === 'A' ? 'B' : 'A') + text.slice(index + 1);
}

function decryptError(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (error) {
    if (error instanceof VaultError) return error;
    throw error;
  }
  throw new Error('expected a VaultError');
}

describe('Vault', () => {
  const key = generateVaultKey();
  const vault = new Vault([key]);

  it('round-trips text, including empty and non-ASCII text', () => {
    for (const text of ['', 'secret', 'пароль 🔑', 'x'.repeat(10_000)]) {
      const envelope = vault.encrypt(text, 'aad');
      expect(envelope.startsWith(`enc:v1:${key.id}:`)).toBe(true);
      expect(envelope).not.toContain(text || '\u0000');
      expect(vault.decrypt(envelope, 'aad')).toBe(text);
    }
  });

  it('uses a fresh IV for every encryption', () => {
    expect(vault.encrypt('same')).not.toBe(vault.encrypt('same'));
  });

  it('recognises envelopes and their key id', () => {
    const envelope = vault.encrypt('v');
    expect(isEnvelope(envelope)).toBe(true);
    expect(vault.isEnvelope(envelope)).toBe(true);
    expect(isEnvelope('enc:v1:nope')).toBe(false);
    expect(isEnvelope(42)).toBe(false);
    expect(envelopeKeyId(envelope)).toBe(key.id);
    expect(vault.activeKeyId).toBe(key.id);
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const envelope = vault.encrypt('a long enough secret value', 'aad');
    const [, , , iv, tag, ct] = envelope.split(':');
    const prefix = `enc:v1:${key.id}`;
    expect(decryptError(() => vault.decrypt(`${prefix}:${iv}:${tag}:${flip(ct, 3)}`, 'aad')).code).toBe('tampered');
    expect(decryptError(() => vault.decrypt(`${prefix}:${iv}:${flip(tag, 2)}:${ct}`, 'aad')).code).toBe('tampered');
    expect(decryptError(() => vault.decrypt(`${prefix}:${flip(iv, 1)}:${tag}:${ct}`, 'aad')).code).toBe('tampered');
    expect(decryptError(() => vault.decrypt(`${prefix}:${iv}:${tag.slice(4)}:${ct}`, 'aad')).code).toBe('malformed');
    expect(decryptError(() => vault.decrypt('plain text', 'aad')).code).toBe('malformed');
  });

  it('binds the envelope to its additional data', () => {
    const envelope = vault.encrypt('secret', 'connection:con_1:token');
    const error = decryptError(() => vault.decrypt(envelope, 'connection:con_2:token'));
    expect(error.code).toBe('tampered');
    expect(error.message).not.toContain('secret"');
    expect(() => vault.decrypt(envelope)).toThrow(VaultError);
  });

  it('names the key id when the key is unknown, and fails on a wrong key with the same id', () => {
    const other = new Vault([generateVaultKey()]);
    const envelope = other.encrypt('secret');
    const error = decryptError(() => vault.decrypt(envelope));
    expect(error.code).toBe('unknown_key');
    expect(error.keyId).toBe(other.activeKeyId);
    expect(error.message).toContain(other.activeKeyId);

    const impostor = new Vault([{ id: key.id, key: generateVaultKey().key }]);
    expect(decryptError(() => impostor.decrypt(vault.encrypt('secret'))).code).toBe('tampered');
  });

  it('encrypts with the active key and decrypts with any key of the ring', () => {
    const old = generateVaultKey();
    const ring = new Vault([old]);
    const before = ring.encrypt('v1');
    const next = generateVaultKey();
    ring.activate(next);
    expect(ring.activeKeyId).toBe(next.id);
    expect(ring.keyIds).toEqual([next.id, old.id]);
    expect(envelopeKeyId(ring.encrypt('v2'))).toBe(next.id);
    expect(ring.decrypt(before)).toBe('v1');
    ring.remove(old.id);
    expect(() => ring.decrypt(before)).toThrow(/not in HUB_ENCRYPTION_KEY/);
    expect(() => ring.remove(next.id)).toThrow(/active/);
  });

  it('validates keys', () => {
    expect(() => new Vault([])).toThrow();
    expect(() => new Vault([{ id: 'k1', key: Buffer.alloc(16) }])).toThrow(/32 bytes/);
    expect(() => new Vault([{ id: 'bad id', key: Buffer.alloc(32) }])).toThrow(/must match/);
    const a = generateVaultKey();
    expect(() => new Vault([a, { id: a.id, key: generateVaultKey().key }])).toThrow(/share the id/);
  });

  it('derives a stable key id from the key', () => {
    const k = Buffer.alloc(32, 7);
    expect(keyFingerprint(k)).toBe(keyFingerprint(Buffer.alloc(32, 7)));
    expect(keyFingerprint(k)).toMatch(/^k[0-9a-f]{10}$/);
    expect(keyFingerprint(k)).not.toBe(keyFingerprint(Buffer.alloc(32, 8)));
  });
});
