import { createHash } from 'node:crypto';
import { googleHash, googleNormalize, metaHash, metaNormalize } from '../../../core/mapping/stdlib';
import * as sdk from '../../../core/sdk';

/**
 * The SDK's identifier rules (core/sdk/identifiers.ts) are the mapping standard library's: a connector that hashes
 * raw values and a mapping that hashes with `$metaHash` / `$googleHash` send the same digest. The rules themselves
 * are pinned case by case in test/core/mapping/stdlib/meta-cases.test.ts and google-cases.test.ts; the connectors'
 * use of them through sendEvents, the audience actions and Data Manager ingest in
 * test/connectors/{meta,google}/raw-identifiers.test.ts.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('identifier rules in the SDK (one door, one set of rules)', () => {
  it('the SDK exports them to connectors and plugins', () => {
    const exported = sdk as Record<string, unknown>;
    for (const name of [
      'normalizeMetaIdentifier',
      'hashMetaIdentifier',
      'normalizeGoogleIdentifier',
      'hashGoogleIdentifier',
      'isoCountryCode',
      'isSha256Hex',
      'isMd5Hex',
      'sha256Hex',
    ])
      expect(typeof exported[name]).toBe('function');
  });

  it.each([
    ['ph', '+1 650 555 1212 ext. 123', undefined],
    ['ph', '(650) 555-1212', 'US'],
    ['ph', '+44 (0)7911 123456', undefined],
    ['ph', '0044 7911 123456', 'US'],
    ['st', 'California', undefined],
    ['st', 'Georgia', 'GE'],
    ['db', '16/02/1997', undefined],
    ['em', 'mailto:<John@Example.com>', undefined],
    ['ct', 'Санкт-Петербург', undefined],
    ['ge', ' Male ', undefined],
    ['country', 'UK', undefined],
  ] as const)('Meta %s %j (%s): the value and hash $metaNormalize / $metaHash give', (field, value, country) => {
    const n = sdk.normalizeMetaIdentifier(field, value, country);
    expect(n).toEqual({ ok: true, value: metaNormalize(field, value, country), alreadyHashed: false });
    expect(sdk.hashMetaIdentifier(field, value, country)).toBe(metaHash(field, value, country));
  });

  it.each([
    ['ph', '(650) 555-1212', undefined],
    ['db', '02/03/1997', undefined],
    ['db', '1997-02-30', undefined],
    ['em', createHash('md5').update('a@example.com').digest('hex'), undefined],
    ['ge', 'x', undefined],
  ] as const)('Meta %s %j: refused where $metaHash leaves the field out, with the reason', (field, value, country) => {
    expect(metaHash(field, value, country)).toBeUndefined();
    const n = sdk.normalizeMetaIdentifier(field, value, country);
    expect(n.ok).toBe(false);
    expect(!n.ok && n.problem.startsWith(`${field} `)).toBe(true);
  });

  it('a SHA-256 value passes unchanged, lowercased, flagged as hashed', () => {
    const digest = sha('john_smith@gmail.com');
    expect(sdk.normalizeMetaIdentifier('em', digest)).toEqual({ ok: true, value: digest, alreadyHashed: true });
    expect(sdk.normalizeMetaIdentifier('ph', ` ${digest.toUpperCase()} `)).toEqual({
      ok: true,
      value: digest,
      alreadyHashed: true,
    });
    expect(sdk.hashGoogleIdentifier('email', digest.toUpperCase())).toBe(digest);
  });

  it.each([
    ['email', 'Cloudy.SanFrancisco+Shopping@GMAIL.com', undefined, undefined],
    ['phone', '00 44 7911 123456', undefined, undefined],
    ['phone', '07911 123456', 'GB', 'US'],
    ['phone', '(800) 555-0100', undefined, 'US'],
    ['givenName', 'Mrs. Mary', undefined, undefined],
    ['familyName', 'Smith Jr.', undefined, undefined],
  ] as const)('Google %s %j: the hash $googleHash gives', (key, value, country, fallback) => {
    expect(sdk.hashGoogleIdentifier(key, value, country, fallback)).toBe(googleHash(key, value, country, fallback));
    expect(sdk.normalizeGoogleIdentifier(key, value, country, fallback)).toBe(
      googleNormalize(key, value, country, fallback),
    );
  });

  it('knows exactly the 249 assigned ISO 3166-1 alpha-2 codes (UK and EL read as GB and GR)', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
    const pairs = letters.flatMap((a) => letters.map((b) => a + b));
    expect(pairs.filter((code) => sdk.isoCountryCode(code) === code)).toHaveLength(249);
    expect(['us', 'DE', 'gb', 'kr'].map(sdk.isoCountryCode)).toEqual(['US', 'DE', 'GB', 'KR']);
    expect(sdk.isoCountryCode('uk')).toBe('GB');
    expect(sdk.isoCountryCode('EL')).toBe('GR');
    // reserved, withdrawn or user-assigned: ICU names them, ISO 3166-1 does not assign them
    for (const code of ['SU', 'YU', 'ZR', 'EU', 'EZ', 'UN', 'AC', 'TA', 'IC', 'XK', 'ZZ', 'deu'])
      expect(sdk.isoCountryCode(code)).toBeUndefined();
    expect(metaNormalize('country', 'SU')).toBeUndefined();
    expect(googleNormalize('regionCode', 'EZ')).toBeUndefined();
  });
});
