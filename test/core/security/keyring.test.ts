import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  KEY_FILE_NAME,
  formatKeyring,
  keyFileRefresher,
  loadKeyring,
  parseEncryptionKey,
  readKeyFile,
  writeKeyFile,
} from '../../../core/security/keyring';
import { Vault, generateVaultKey, keyFingerprint } from '../../../core/security/vault';
import { ConfigError } from '../../../core/sdk/errors';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-keys-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function logger() {
  const lines: { level: string; message: string }[] = [];
  return {
    lines,
    warn: (message: string) => lines.push({ level: 'warn', message }),
    info: (message: string) => lines.push({ level: 'info', message }),
  };
}

describe('parseEncryptionKey', () => {
  const raw = randomBytes(32);

  it('accepts one key as base64, base64url or hex, with its fingerprint as id', () => {
    for (const text of [
      raw.toString('base64'),
      raw.toString('base64url'),
      raw.toString('hex'),
      ` ${raw.toString('hex')}\n`,
    ]) {
      const [key, ...rest] = parseEncryptionKey(text);
      expect(rest).toHaveLength(0);
      expect(key.key.equals(raw)).toBe(true);
      expect(key.id).toBe(keyFingerprint(raw));
    }
  });

  it('accepts a keyring whose first key is active', () => {
    const other = randomBytes(32);
    const keys = parseEncryptionKey(`new:${other.toString('base64')}, old:${raw.toString('hex')}`);
    expect(keys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(keys[1].key.equals(raw)).toBe(true);
    expect(parseEncryptionKey(formatKeyring(keys)).map((k) => k.id)).toEqual(['new', 'old']);
  });

  it('refuses malformed keys with a ConfigError that never echoes the value', () => {
    const short = randomBytes(16).toString('base64');
    for (const text of [
      short,
      'not a key!',
      `a:${short}`,
      `bad id:${raw.toString('hex')}`,
      `a:${raw.toString('hex')},a:${raw.toString('hex')}`,
    ]) {
      let error: unknown;
      try {
        parseEncryptionKey(text);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('HUB_ENCRYPTION_KEY');
      expect((error as Error).message).not.toContain(short);
    }
  });
});

describe('key file', () => {
  it('is generated on first start with mode 0600 and a loud warning, then reused', () => {
    const dir = tempDir();
    const log = logger();
    const first = loadKeyring({ dataDir: dir, logger: log });
    const file = path.join(dir, KEY_FILE_NAME);
    expect(first).toMatchObject({ source: 'file', file, generated: true });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0].level).toBe('warn');
    expect(log.lines[0].message).toMatch(/BACK UP THIS FILE/);
    expect(log.lines[0].message).toContain(file);
    expect(log.lines[0].message).not.toContain(first.keys[0].key.toString('base64'));

    const again = logger();
    const second = loadKeyring({ dataDir: dir, logger: again });
    expect(second.generated).toBe(false);
    expect(second.keys[0].key.equals(first.keys[0].key)).toBe(true);
    expect(again.lines).toHaveLength(0);
  });

  it('warns when the key file is readable by others', () => {
    const dir = tempDir();
    loadKeyring({ dataDir: dir });
    fs.chmodSync(path.join(dir, KEY_FILE_NAME), 0o644);
    const log = logger();
    loadKeyring({ dataDir: dir, logger: log });
    expect(log.lines.some((l) => l.level === 'warn' && /chmod 600/.test(l.message))).toBe(true);
  });

  it('prefers HUB_ENCRYPTION_KEY over the key file', () => {
    const dir = tempDir();
    loadKeyring({ dataDir: dir });
    const raw = randomBytes(32);
    const log = logger();
    const ring = loadKeyring({ dataDir: dir, encryptionKey: raw.toString('base64'), logger: log });
    expect(ring.source).toBe('env');
    expect(ring.keys[0].key.equals(raw)).toBe(true);
    expect(log.lines.some((l) => l.level === 'info')).toBe(true);
  });

  it('keeps retired keys after the active one and rejects malformed files', () => {
    const dir = tempDir();
    const file = path.join(dir, KEY_FILE_NAME);
    const [a, b] = [generateVaultKey(), generateVaultKey()];
    writeKeyFile(file, [a]);
    writeKeyFile(file, [b, a]);
    expect(readKeyFile(file).map((k) => k.id)).toEqual([b.id, a.id]);
    const content = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(content.active).toBe(b.id);
    expect(content.keys[1].retiredAt).toEqual(expect.any(String));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    fs.writeFileSync(file, '{"version":2}');
    expect(() => readKeyFile(file)).toThrow(ConfigError);
    fs.writeFileSync(file, 'not json');
    expect(() => loadKeyring({ dataDir: dir })).toThrow(/cannot be read/);
  });
});

describe('a running vault follows its key file (live rotation by another process)', () => {
  it('re-reads the key file only when it was replaced, adds the new keys and encrypts with the new active key', () => {
    const file = path.join(tempDir(), KEY_FILE_NAME);
    const first = generateVaultKey();
    writeKeyFile(file, [first]);
    const log = logger();
    const refresh = keyFileRefresher(file, log);
    const running = new Vault([first], { source: 'file', file }, refresh);
    const before = running.encrypt('token-1', 'aad');
    expect(refresh()).toBeUndefined(); // unchanged file: nothing re-read

    // another process (hub keys rotate) writes a new active key and re-encrypts with it
    const second = generateVaultKey();
    writeKeyFile(file, [second, first]);
    const other = new Vault([second, first]);
    const rotated = other.encrypt('token-2', 'aad');

    expect(running.decrypt(rotated, 'aad')).toBe('token-2'); // unknown key id → key file re-read once
    expect(running.activeKeyId).toBe(second.id);
    expect(running.decrypt(before, 'aad')).toBe('token-1'); // the old key is kept
    expect(other.decrypt(running.encrypt('token-3', 'aad'), 'aad')).toBe('token-3');
    expect(log.lines).toEqual([{ level: 'info', message: expect.stringContaining(`active key is now ${second.id}`) }]);
  });

  it("encrypts with the key file's active key even before any decrypt miss (rotation with --drop-retired)", () => {
    const file = path.join(tempDir(), KEY_FILE_NAME);
    const first = generateVaultKey();
    writeKeyFile(file, [first]);
    const running = new Vault([first], { source: 'file', file }, keyFileRefresher(file));
    const second = generateVaultKey();
    writeKeyFile(file, [second]);
    const written = running.encrypt('secret', 'aad');
    expect(written.startsWith(`enc:v1:${second.id}:`)).toBe(true);
    expect(new Vault([second]).decrypt(written, 'aad')).toBe('secret');
  });

  it('keeps its keys when the key file is replaced by something unreadable, and says so', () => {
    const file = path.join(tempDir(), KEY_FILE_NAME);
    const first = generateVaultKey();
    writeKeyFile(file, [first]);
    const log = logger();
    const running = new Vault([first], { source: 'file', file }, keyFileRefresher(file, log));
    fs.writeFileSync(`${file}.tmp`, '{ not json');
    fs.renameSync(`${file}.tmp`, file);
    const envelope = running.encrypt('still works', 'aad');
    expect(running.decrypt(envelope, 'aad')).toBe('still works');
    expect(running.activeKeyId).toBe(first.id);
    expect(log.lines).toEqual([{ level: 'warn', message: expect.stringContaining('cannot be used') }]);
  });
});
