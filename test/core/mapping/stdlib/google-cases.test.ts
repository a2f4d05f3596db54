import { createHash } from 'node:crypto';
import { googleHash, googleNormalize, type GoogleKey } from '../../../../core/mapping/stdlib';
import { run } from './helpers';

/**
 * `$googleNormalize` / `$googleHash` on edge cases, one row each, against Google's formatting rules for the Data
 * Manager API ([doc] developers.google.com/data-manager/api/devguides/concepts/formatting, the newer revision):
 * email lowercase, whitespace removed anywhere; for gmail.com and googlemail.com only, every "." before the "@"
 * and a "+" with what follows removed; other domains keep both. phone_number E.164: the "+" and the country code,
 * only digits after it. given_name lowercase, "Don't include prefixes such as Mrs."; family_name lowercase, "Don't
 * include suffixes such as Jr."; names hashed; region_code ISO-3166-1 alpha-2 and postal_code are not hashed.
 * Undefined: the identifier is left out of the member or conversion.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const DIGEST = sha('cloudysanfrancisco@gmail.com');
const MD5 = createHash('md5').update('cloudysanfrancisco@gmail.com').digest('hex');
const NFD_E = 'e\u0301';

type Case = [key: GoogleKey, value: unknown, country: string | undefined, expected: string | undefined];

const CASES: Case[] = [
  // email: the Gmail rule applies to gmail.com and googlemail.com only
  ['email', 'Cloudy.SanFrancisco+Shopping@GMAIL.com', undefined, 'cloudysanfrancisco@gmail.com'],
  ['email', ' j.o.h.n@googlemail.com ', undefined, 'john@googlemail.com'],
  ['email', 'john.smith+tag@GoogleMail.COM', undefined, 'johnsmith@googlemail.com'],
  ['email', 'john smith@gmail.com', undefined, 'johnsmith@gmail.com'], // intermediate whitespace removed
  ['email', 'User.Name+NYC@Example.com', undefined, 'user.name+nyc@example.com'],
  ['email', 'first.last@mail.gmail.com', undefined, 'first.last@mail.gmail.com'], // not gmail.com itself
  ['email', 'first.last@gmail.co.uk', undefined, 'first.last@gmail.co.uk'],
  ['email', 'first.last+x@outlook.com', undefined, 'first.last+x@outlook.com'],
  ['email', '+tag@gmail.com', undefined, undefined], // nothing left of the local part
  ['email', `ren${NFD_E}@example.fr`, undefined, 'rené@example.fr'],
  ['email', 'ПЁТР@ПОЧТА.РФ', undefined, 'пётр@почта.рф'],
  ['email', 'not-an-address', undefined, undefined],
  ['email', '', undefined, undefined],
  ['email', null, undefined, undefined],
  ['email', 42, undefined, undefined],
  ['email', DIGEST.toUpperCase(), undefined, DIGEST],
  ['email', MD5, undefined, undefined],
  // phone: E.164 with the "+"
  ['phone', '(800)555-0100', 'US', '+18005550100'],
  ['phone', '+1 800 555 0100', undefined, '+18005550100'],
  ['phone', '18005550100', undefined, '+18005550100'], // international without the "+"
  ['phone', 18005550100, undefined, '+18005550100'],
  ['phone', '00 44 7911 123456', undefined, '+447911123456'],
  ['phone', '0044 7911 123456', 'US', '+447911123456'], // "00" is an international prefix whatever the country
  ['phone', '00 7 916 123-45-67', 'RU', '+79161234567'],
  ['phone', '011 44 7911 123456', 'US', '+447911123456'],
  ['phone', '+44 (0)7911 123456', undefined, '+447911123456'],
  ['phone', '07911 123456', 'UK', '+447911123456'],
  ['phone', '8 (916) 123-45-67', 'RU', '+79161234567'],
  ['phone', '+1 800 555 0100 ext. 12', undefined, '+18005550100'],
  ['phone', '(800) 555-0100 x12', 'US', '+18005550100'],
  ['phone', '(800) 555-0100', undefined, undefined], // no country code, no country: left out
  ['phone', '07911 123456', undefined, undefined],
  ['phone', '555-0100', 'US', undefined],
  ['phone', '+7 000 000 00 00', undefined, undefined],
  ['phone', DIGEST, undefined, DIGEST],
  ['phone', MD5, undefined, undefined],
  // names
  ['givenName', '  MARY-ANN ', undefined, 'maryann'],
  ['givenName', 'Mrs. Mary', undefined, 'mary'],
  ['givenName', 'DR JOHN', undefined, 'john'],
  ['givenName', 'Mr', undefined, 'mr'], // nothing but a title: kept as it is, not emptied
  ['givenName', `Val${NFD_E}ry`, undefined, 'valéry'],
  ['givenName', '민준', undefined, '민준'],
  ['familyName', 'Smith Jr.', undefined, 'smith'],
  ['familyName', 'King III', undefined, 'king'],
  ['familyName', "O'Neil Smith", undefined, 'oneil smith'],
  ['familyName', 'Müller-Lüdenscheidt', undefined, 'müllerlüdenscheidt'],
  ['familyName', ' -- ', undefined, undefined],
  ['familyName', MD5, undefined, undefined],
  // never hashed
  ['regionCode', ' us ', undefined, 'US'],
  ['regionCode', 'UK', undefined, 'GB'],
  ['regionCode', 'USA', undefined, undefined],
  ['regionCode', 'United States', undefined, undefined],
  ['postalCode', ' 94035-1234 ', undefined, '94035-1234'],
  ['postalCode', 'SW1A 1AA', undefined, 'SW1A 1AA'],
  ['postalCode', 2115, undefined, '2115'],
];

const HASHED = new Set<GoogleKey>(['email', 'phone', 'givenName', 'familyName']);

describe('$googleNormalize / $googleHash: edge cases against the Data Manager formatting rules', () => {
  it.each(CASES.map((c) => [`${c[0]} ${JSON.stringify(c[1])}${c[2] ? ` (${c[2]})` : ''}`, c] as const))(
    '%s',
    (_label, [key, value, country, expected]) => {
      expect(googleNormalize(key, value, country)).toBe(expected);
      if (!HASHED.has(key)) return;
      const hashed = googleHash(key, value, country);
      if (expected === undefined) expect(hashed).toBeUndefined();
      else expect(hashed).toBe(/^[0-9a-f]{64}$/.test(expected) ? expected : sha(expected));
    },
  );

  it('in a mapping: "00" numbers and titled names, with the engine default country', async () => {
    await expect(
      run(
        '{ "phone": $googleHash("phone", p), "local": $googleHash("phone", q), "given": $googleNormalize("givenName", g), "family": $googleNormalize("familyName", f) }',
        { p: '0044 7911 123456', q: '(800) 555-0100', g: 'Mrs. Mary', f: 'Smith Jr.' },
        { defaultCountry: 'US' },
      ),
    ).resolves.toEqual({ phone: sha('+447911123456'), local: sha('+18005550100'), given: 'mary', family: 'smith' });
  });
});
