import {
  countryOf,
  hashMetaIdentifier,
  isSha256Hex,
  normalizeMetaIdentifier,
  sha256Hex,
} from '../../../connectors/meta/identifiers';
import { metaHash } from '../../../core/mapping/stdlib';

/**
 * Vectors:
 * - [doc] Meta, "Customer information parameters" (developers.facebook.com/documentation/ads-commerce/
 *   conversions-api/parameters/customer-information-parameters), the hashes it prints (shortened there to their first
 *   and last characters, e.g. em "62a14e44…0f62f"; copied from /work/shared/reference/vendor-apis.md §5);
 * - [sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js (normalizeAndHash and its
 *   normalizeCity/State/Zip/Phone/Country/Email), whose rules give the normalised forms below.
 */

const normalized = (field: Parameters<typeof normalizeMetaIdentifier>[0], value: string, country?: string) => {
  const n = normalizeMetaIdentifier(field, value, country);
  if (!n.ok) throw new Error(n.problem);
  return n.value;
};

describe("Meta's documented hash vectors", () => {
  it.each([
    ['em', 'John_Smith@gmail.com', '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'],
    ['ph', '+1 (650) 555-1212', 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'],
    ['fn', 'Mary', '6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec'],
    ['fn', 'Valéry', '08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c'],
    ['country', 'US', '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621'],
    ['db', '1997-02-16', '01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c'],
  ] as const)('%s %j → the documented hash', (field, input, hash) => {
    expect(hashMetaIdentifier(field, input)).toBe(hash);
  });

  it('the doc prints shortened hashes: the full ones above start and end as printed', () => {
    expect(hashMetaIdentifier('em', 'john_smith@gmail.com')).toMatch(/^62a14e44.*0f62f$/);
    expect(hashMetaIdentifier('ph', '16505551212')).toMatch(/^e323ec62.*b3176$/);
    expect(hashMetaIdentifier('country', 'us')).toMatch(/^79adb2a2.*904621$/);
  });
});

describe("normalisation by Meta's SDK rules (utils.js) and the doc", () => {
  it.each([
    ['em', '  John.Smith@Example.COM ', 'john.smith@example.com'],
    ['ph', '+49 (30) 123-45-67', '4930 1234567'.replace(' ', '')],
    ['ph', '0049 30 1234567', '49301234567'],
    ['ph', '1.650.555.1212', '16505551212'],
    ['fn', ' Mary-Ann ', 'maryann'],
    ['ln', "O'Brien", 'obrien'],
    ['ct', 'New York', 'newyork'],
    ['ct', 'St. Louis (MO)', 'stlouismo'],
    ['st', 'CA', 'ca'],
    ['zp', '94035-1234', '94035'],
    ['zp', '940351234', '94035'],
    ['zp', 'M1 1AE', 'm11ae'],
    ['country', 'DE', 'de'],
    ['external_id', '  CRM-42 ', 'crm-42'],
    ['ge', 'Female', 'f'],
  ] as const)('%s %j → %j', (field, input, expected) => {
    expect(normalized(field, input)).toBe(expected);
  });

  it('composed and decomposed "é" hash alike (NFC first)', () => {
    expect(hashMetaIdentifier('fn', 'Vale\u0301ry')).toBe(hashMetaIdentifier('fn', 'Val\u00e9ry'));
  });

  it('an already hashed value (64 hex, any case) is sent as it is, never hashed twice', () => {
    const hash = sha256Hex('john_smith@gmail.com');
    for (const field of ['em', 'ph', 'fn', 'ct', 'zp', 'country', 'external_id'] as const) {
      expect(hashMetaIdentifier(field, hash)).toBe(hash);
      expect(hashMetaIdentifier(field, hash.toUpperCase())).toBe(hash);
    }
    expect(isSha256Hex(` ${hash} `)).toBe(true);
  });

  it('a 32-hex value is an id as external_id (hashed), an MD5 digest elsewhere (refused: it would match nobody)', () => {
    const md5Like = '0123456789abcdef0123456789abcdef';
    expect(hashMetaIdentifier('external_id', md5Like)).toBe(sha256Hex(md5Like));
    for (const field of ['em', 'ph', 'fn', 'ct', 'zp'] as const) {
      const n = normalizeMetaIdentifier(field, md5Like.toUpperCase());
      expect(!n.ok && n.problem).toContain('MD5');
    }
  });

  it.each([
    ['em', 'not an address', 'is not an e-mail address'],
    ['ph', '12345', 'country code'],
    ['ph', '(650) 555-1212', 'country code'],
    ['db', '1997-02-30', 'YYYYMMDD'],
    ['db', '02/03/1997', 'ambiguous'],
    ['country', 'Germany', 'ISO 3166-1'],
    ['country', 'XX', 'ISO 3166-1'],
    ['zp', '1', 'too short'],
    ['db', '1997-13-01', 'YYYYMMDD'],
    ['fn', ' ... ', 'has no letters'],
    ['em', '   ', 'is empty'],
  ] as const)('refuses %s %j, naming the field', (field, input, reason) => {
    const n = normalizeMetaIdentifier(field, input);
    expect(n.ok).toBe(false);
    expect(!n.ok && n.problem).toContain(reason);
    expect(!n.ok && n.problem).toContain(field);
  });

  it('a national number takes the country given; without one, its problem says how to fix it', () => {
    expect(normalized('ph', '(650) 555-1212', 'US')).toBe('16505551212');
    expect(normalizeMetaIdentifier('ph', '(650) 555-1212', 'USA')).toMatchObject({ ok: false });
    const wrong = normalizeMetaIdentifier('ph', '555-1212', 'US');
    expect(!wrong.ok && wrong.problem).toContain('not a valid phone number of US');
  });

  it('the country of a record: the first ISO code of the field (UK read as GB), hashed values skipped', () => {
    expect(countryOf(' us ')).toBe('US');
    expect(countryOf([sha256Hex('de'), 'UK'])).toBe('GB');
    expect(countryOf(['USA', 'Germany'])).toBeUndefined();
    expect(countryOf(undefined)).toBeUndefined();
  });

  it("hashes exactly as the standard library's $metaHash does (one set of rules)", () => {
    const cases: [Parameters<typeof hashMetaIdentifier>[0], string, string?][] = [
      ['em', 'mailto:<John@Example.com>'],
      ['ph', '+1 650 555 1212 ext. 123'],
      ['ph', '07911 123456', 'GB'],
      ['st', 'District of Columbia'],
      ['db', '16.02.1997'],
      ['country', 'UK'],
      ['ge', 'Female'],
    ];
    for (const [field, value, country] of cases)
      expect(hashMetaIdentifier(field, value, country)).toBe(metaHash(field, value, country));
  });
});
