import { googleUserIdentifiers, hashGoogleEmail, hashGooglePhone } from '../../../connectors/google/identifiers';
import { googleHash } from '../../../core/mapping/stdlib/google';
import { hashGoogleIdentifier, isSha256Hex, normalizeGoogleIdentifier, sha256Hex } from '../../../core/sdk';

const normalizeGoogleEmail = (raw: string) => normalizeGoogleIdentifier('email', raw);
const normalizeGoogleE164 = (raw: string, country?: string) => normalizeGoogleIdentifier('phone', raw, country);
const normalizeGoogleName = (raw: string) => normalizeGoogleIdentifier('givenName', raw);
const normalizeGoogleRegion = (raw: string) => normalizeGoogleIdentifier('regionCode', raw);
const normalizeGooglePostalCode = (raw: string) => normalizeGoogleIdentifier('postalCode', raw);
const hashGoogleName = (raw: string) => hashGoogleIdentifier('givenName', raw);

/**
 * Vectors from Google's documentation: "Format user data", Data Manager API
 * (developers.google.com/data-manager/api/devguides/concepts/formatting, 2026 revision):
 *   cloudy.sanfrancisco+shopping@gmail.com → cloudysanfrancisco@gmail.com   (gmail.com: dots and +tag removed)
 *   user.name+NYC@Example.com              → user.name+nyc@example.com      (other domains keep both)
 *   (800)555-0100 (US)                     → +18005550100                   (E.164 with the +)
 *   whitespace: leading, trailing and intermediate removed from e-mails; names lowercase without punctuation.
 * The SHA-256 digests below were computed with Node's crypto over the documented normalised strings, and the
 * digest function itself is pinned by the FIPS 180-2 vector SHA-256("abc").
 */
const DOC = {
  gmail: ['cloudy.sanfrancisco+shopping@gmail.com', 'cloudysanfrancisco@gmail.com'],
  other: ['user.name+NYC@Example.com', 'user.name+nyc@example.com'],
  phone: ['(800)555-0100', '+18005550100'],
} as const;
const DIGEST = {
  'cloudysanfrancisco@gmail.com': '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4',
  'user.name+nyc@example.com': 'f109a2a632fbcea5fc82049f50beed3d8621bf9034399f437fb622222acccdac',
  '+18005550100': 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30',
  jane: '81f8f6dde88365f3928796ec7aa53f72820b06db8664f5fe76a7eb13e24546a2',
};

describe('Google identifier formatting (Data Manager "Format user data" vectors)', () => {
  it('SHA-256 hex, pinned by the FIPS 180-2 vector', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gmail.com: removes the dots of the local part and a +tag; other domains keep both', () => {
    expect(normalizeGoogleEmail(DOC.gmail[0])).toBe(DOC.gmail[1]);
    expect(normalizeGoogleEmail(DOC.other[0])).toBe(DOC.other[1]);
    expect(normalizeGoogleEmail('J.Doe+News@GoogleMail.com')).toBe('jdoe@googlemail.com');
    expect(normalizeGoogleEmail('  Cloudy . SanFrancisco@gmail.com \t')).toBe('cloudysanfrancisco@gmail.com');
    expect(hashGoogleEmail(DOC.gmail[0])).toBe(DIGEST['cloudysanfrancisco@gmail.com']);
    expect(hashGoogleEmail(DOC.other[0])).toBe(DIGEST['user.name+nyc@example.com']);
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', 'no-at-sign', '@example.com', 'a@', 'a@localhost', '+tag@gmail.com'])
      expect(normalizeGoogleEmail(bad)).toBeUndefined();
  });

  it('phone: E.164 with the +, national numbers need a region', () => {
    expect(normalizeGoogleE164(DOC.phone[0], 'US')).toBe(DOC.phone[1]);
    expect(normalizeGoogleE164(' +1 800 555 0100 ')).toBe(DOC.phone[1]);
    expect(normalizeGoogleE164('030 1234567', 'de')).toBe('+49301234567');
    expect(normalizeGoogleE164(DOC.phone[0])).toBeUndefined();
    expect(normalizeGoogleE164('12', 'US')).toBeUndefined();
    expect(hashGooglePhone(DOC.phone[0], 'US')).toBe(DIGEST['+18005550100']);
  });

  it('names lowercase without punctuation; region and postal code are formatted, never hashed', () => {
    expect(normalizeGoogleName('  Jane  ')).toBe('jane');
    expect(normalizeGoogleName("O'Brien-Smith")).toBe('obriensmith');
    expect(hashGoogleName(' JANE. ')).toBe(DIGEST.jane);
    expect(normalizeGoogleRegion(' us ')).toBe('US');
    expect(normalizeGoogleRegion('USA')).toBeUndefined();
    expect(normalizeGooglePostalCode(' 94045 ')).toBe('94045');
    const { identifiers } = googleUserIdentifiers({
      givenName: 'Jane',
      familyName: 'Doe',
      regionCode: 'us',
      postalCode: '94045',
    });
    expect(identifiers).toEqual([
      { address: { givenName: DIGEST.jane, familyName: sha256Hex('doe'), regionCode: 'US', postalCode: '94045' } },
    ]);
  });

  it('a value that already is a SHA-256 hex digest is not hashed twice', () => {
    const digest = DIGEST['cloudysanfrancisco@gmail.com'];
    expect(isSha256Hex(digest)).toBe(true);
    expect(hashGoogleEmail(digest.toUpperCase())).toBe(digest);
    expect(hashGooglePhone(` ${digest} `)).toBe(digest);
    expect(hashGoogleName(digest)).toBe(digest);
    expect(isSha256Hex(digest.slice(1))).toBe(false);
  });

  it('names the field it refused, and the address needs all four parts', () => {
    const { identifiers, problems } = googleUserIdentifiers({
      email: ['ok@example.com', 'broken'],
      phone: '12',
      givenName: 'Jane',
    });
    expect(identifiers).toEqual([{ emailAddress: hashGoogleEmail('ok@example.com') }]);
    expect(problems.map((p) => p.field)).toEqual(['email', 'phone', 'address']);
  });

  it('hashes exactly as the standard library helper ($googleHash) does', () => {
    const cases: [string, string, string?][] = [
      ['email', DOC.gmail[0]],
      ['email', DOC.other[0]],
      ['phone', DOC.phone[0], 'US'],
      ['givenName', ' JANE. '],
    ];
    for (const [key, value, country] of cases) {
      const mine =
        key === 'email'
          ? hashGoogleEmail(value)
          : key === 'phone'
            ? hashGooglePhone(value, country)
            : hashGoogleName(value);
      expect(googleHash(key, value, country)).toBe(mine);
    }
  });
});
