import { createHash } from 'node:crypto';
import { META_KEYS, metaHash, metaNormalize } from '../../../../core/mapping/stdlib';
import { run, runError } from './helpers';

/**
 * `$metaHash` / `$metaNormalize` pinned by Meta's own vectors:
 * - [doc] developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters
 *   (the "example" column, as quoted in the project's vendor-apis.md §5): em "john_smith@gmail.com" → 62a14e44…0f62f;
 *   ph "(650)555-1212" → "16505551212" → e323ec62…b3176; fn "mary" → 6915771b…449f4ec; fn "valéry" → 08e1996b…9c;
 *   ct "newyork"; st "ca"; zp "94035", UK "m11ae"; country "us" → 79adb2a2…904621; db "19970216" → 01acdbf6…0f0c.
 * - [sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js `normalizeAndHash`: trim and
 *   lowercase; 64-hex values pass unchanged; ct/st strip `[0-9\s().-]`; zp drops spaces and keeps the part before
 *   "-" (fewer than 2 characters refused); ph 7–15 digits, leading zeros dropped; country checked against ISO 3166-1.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
/** The documentation abbreviates digests as first8…last5/6: a full digest must match both ends. */
const abbreviated = (start: string, end: string) => new RegExp(`^${start}[0-9a-f]+${end}$`);

describe('$metaHash: Meta documentation vectors', () => {
  it('em, ph, fn, country and db hash to the documented digests', () => {
    expect(metaHash('em', 'john_smith@gmail.com')).toMatch(abbreviated('62a14e44', '0f62f'));
    expect(metaHash('em', '  John_Smith@Gmail.COM ')).toBe(metaHash('em', 'john_smith@gmail.com'));
    expect(metaNormalize('ph', '(650)555-1212', 'US')).toBe('16505551212');
    expect(metaHash('ph', '(650)555-1212', 'US')).toMatch(abbreviated('e323ec62', 'b3176'));
    expect(metaHash('fn', 'Mary')).toMatch(abbreviated('6915771b', '449f4ec'));
    expect(metaHash('fn', 'Valéry')).toMatch(abbreviated('08e1996b', '9c'));
    expect(metaHash('country', 'US')).toBe('79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621');
    expect(metaHash('db', '1997-02-16')).toMatch(abbreviated('01acdbf6', '0f0c'));
  });

  it('ct, st and zp normalise to the documented examples', () => {
    expect(metaNormalize('ct', 'New York')).toBe('newyork');
    expect(metaNormalize('ct', ' St. Louis (MO) 2 ')).toBe('stlouismo');
    expect(metaNormalize('st', 'CA')).toBe('ca');
    expect(metaNormalize('zp', '94035-1234')).toBe('94035');
    expect(metaNormalize('zp', '940351234')).toBe('94035');
    expect(metaNormalize('zp', 'M1 1AE')).toBe('m11ae');
    expect(metaNormalize('zp', '9')).toBeUndefined();
    expect(metaHash('ct', 'New York')).toBe(sha('newyork'));
  });
});

describe('$metaHash: the SDK normaliser rules', () => {
  it('phone: digits with the country code, leading zeros dropped, 7–15 digits', () => {
    expect(metaNormalize('ph', '+1 (650) 555-1212')).toBe('16505551212');
    expect(metaNormalize('ph', '00 44 7911 123456')).toBe('447911123456');
    // a national number gets its country code from the country argument (libphonenumber)
    expect(metaNormalize('ph', '8 (916) 123-45-67', 'RU')).toBe('79161234567');
    expect(metaNormalize('ph', '12345')).toBeUndefined();
    expect(metaNormalize('ph', '+1234567890123456')).toBeUndefined();
    // a country argument that is not an ISO code is ignored, not an error (it often comes from messy data)
    expect(metaNormalize('ph', '+7 916 123-45-67', 'Россия')).toBe('79161234567');
  });

  it('already-hashed values pass unchanged (never hashed twice), lowercased', () => {
    const digest = sha('john_smith@gmail.com');
    for (const key of META_KEYS) expect(metaHash(key, digest.toUpperCase())).toBe(digest);
    expect(metaNormalize('em', ` ${digest} `)).toBe(digest);
  });

  it('names keep letters of any script, lose punctuation; country must be ISO 3166-1 alpha-2', () => {
    expect(metaNormalize('fn', "  Mary-Ann O'Neil ")).toBe('maryann oneil');
    expect(metaNormalize('ln', 'ПЕТРОВ')).toBe('петров');
    expect(metaNormalize('country', 'RU')).toBe('ru');
    expect(metaNormalize('country', 'Russia')).toBeUndefined();
    expect(metaNormalize('country', 'ZZ')).toBeUndefined();
    expect(metaNormalize('external_id', ' CRM-42 ')).toBe('crm-42');
  });

  it('unusable values give undefined, so the field is left out', () => {
    expect(metaHash('em', 'not-an-email')).toBeUndefined();
    expect(metaHash('fn', ' -- ')).toBeUndefined();
    expect(metaHash('em', '')).toBeUndefined();
    expect(metaHash('em', undefined)).toBeUndefined();
    expect(metaHash('db', '1997-13-01')).toBeUndefined();
  });
});

describe('$metaHash in a mapping', () => {
  it('is registered, takes the engine default country, and leaves unusable fields out', async () => {
    await expect(
      run(
        '{ "em": $metaHash("em", e), "ph": $metaHash("ph", p), "fn": $metaHash("fn", nothing) }',
        {
          e: 'John_Smith@gmail.com',
          p: '(650) 555-1212',
        },
        { defaultCountry: 'US' },
      ),
    ).resolves.toEqual({
      em: sha('john_smith@gmail.com'),
      ph: sha('16505551212'),
    });
  });

  it('an unknown key is an error naming the keys it takes', async () => {
    const error = await runError('$metaHash("email", "a@b.co")');
    expect(error).toMatchObject({ code: 'stdlib.metaHash' });
    expect(String(error.message)).toContain('em, ph, fn, ln, ct, st, zp, country, external_id, db');
  });
});
