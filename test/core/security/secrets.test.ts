import { Type } from '@sinclair/typebox';
import { Secret } from '../../../core/sdk/contracts';
import {
  REDACTED,
  decryptSecrets,
  encryptSecrets,
  listEnvelopes,
  redact,
  redactEnvelopes,
  secretPaths,
} from '../../../core/security/secrets';
import { Vault, generateVaultKey, isEnvelope } from '../../../core/security/vault';
import { ConfigError } from '../../../core/sdk/errors';

const schema = Type.Object({
  baseUrl: Type.String(),
  apiKey: Secret(Type.String()),
  oauth: Type.Object({
    clientId: Type.String(),
    clientSecret: Secret(Type.String()),
    refresh: Type.Optional(Secret(Type.String())),
  }),
  extra: Type.Optional(Type.Array(Type.String())),
});

describe('secretPaths', () => {
  it('finds x-secret properties, nested and inside combinators', () => {
    expect(secretPaths(schema)).toEqual(['apiKey', 'oauth.clientSecret', 'oauth.refresh']);
    expect(
      secretPaths({
        allOf: [{ properties: { a: { type: 'string', 'x-secret': true } } }],
        oneOf: [{ properties: { b: { properties: { c: { 'x-secret': true } } } } }],
        properties: { d: { type: 'string', 'x-secret': false } },
      }),
    ).toEqual(['a', 'b.c']);
    expect(secretPaths({ type: 'object' })).toEqual([]);
    expect(secretPaths(null)).toEqual([]);
  });
});

describe('redact', () => {
  it('replaces present secret values in a copy', () => {
    const settings = { baseUrl: 'https://x', apiKey: 'k', oauth: { clientId: 'c', clientSecret: 's' } };
    expect(redact(settings, secretPaths(schema))).toEqual({
      baseUrl: 'https://x',
      apiKey: REDACTED,
      oauth: { clientId: 'c', clientSecret: REDACTED },
    });
    expect(settings.apiKey).toBe('k');
  });
});

describe('encryptSecrets / decryptSecrets', () => {
  const vault = new Vault([generateVaultKey()]);
  const aad = (path: string) => `connection:con_1:${path}`;
  const paths = secretPaths(schema);
  const settings = { baseUrl: 'https://x', apiKey: 'k-123', oauth: { clientId: 'c', clientSecret: { nested: true } } };

  it('encrypts exactly the secret paths and decrypts them back', () => {
    const stored = encryptSecrets(settings, paths, vault, aad);
    expect(stored.baseUrl).toBe('https://x');
    expect(isEnvelope(stored.apiKey)).toBe(true);
    expect(listEnvelopes(stored).map((e) => e.path)).toEqual(['apiKey', 'oauth.clientSecret']);
    expect(JSON.stringify(stored)).not.toContain('k-123');
    expect(decryptSecrets(stored, vault, aad)).toEqual(settings);
    expect(redactEnvelopes(stored)).toEqual(redact(settings, paths));
  });

  it('keeps the stored secret when the placeholder is sent back', () => {
    const stored = encryptSecrets(settings, paths, vault, aad);
    const edited = encryptSecrets({ ...redactEnvelopes(stored), baseUrl: 'https://y' }, paths, vault, aad, stored);
    expect(edited.apiKey).toBe(stored.apiKey);
    expect(decryptSecrets(edited, vault, aad)).toEqual({ ...settings, baseUrl: 'https://y' });
    expect(() => encryptSecrets({ apiKey: REDACTED }, paths, vault, aad)).toThrow(ConfigError);
  });

  it('refuses an envelope-looking value in a field that is not secret', () => {
    const envelope = vault.encrypt('x');
    expect(() => encryptSecrets({ baseUrl: envelope }, paths, vault, aad)).toThrow(/not secret/);
  });
});
