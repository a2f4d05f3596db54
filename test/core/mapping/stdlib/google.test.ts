import { createHash } from 'node:crypto';
import { googleHash, googleNormalize } from '../../../../core/mapping/stdlib';
import { run, runError } from './helpers';

/**
 * `$googleHash` / `$googleNormalize` pinned by Google's own examples:
 * - [doc] developers.google.com/data-manager/api/devguides/concepts/formatting (UserIdentifier table):
 *   "cloudy.sanfrancisco+shopping@gmail.com" → "cloudysanfrancisco@gmail.com"; "user.name+NYC@Example.com" →
 *   "user.name+nyc@example.com"; US phone "(800)555-0100" → "+18005550100"; whitespace removed; SHA-256 hex.
 * - [doc] Data Manager v1 AddressInfo reference: given_name / family_name "all lowercase, with no punctuation, no
 *   leading or trailing whitespace, and hashed as SHA-256"; region_code ISO-3166-1 alpha-2 and postal_code sent as
 *   they are (not hashed).
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('$googleHash: Data Manager formatting vectors', () => {
  it('gmail.com and googlemail.com lose dots and +tag; other domains keep both', () => {
    expect(googleNormalize('email', 'cloudy.sanfrancisco+shopping@gmail.com')).toBe('cloudysanfrancisco@gmail.com');
    expect(googleNormalize('email', 'user.name+NYC@Example.com')).toBe('user.name+nyc@example.com');
    expect(googleNormalize('email', ' Cloudy.SanFrancisco@GoogleMail.com ')).toBe('cloudysanfrancisco@googlemail.com');
    expect(googleNormalize('email', 'cloudy .sanfrancisco@gmail.com')).toBe('cloudysanfrancisco@gmail.com');
    expect(googleHash('email', 'cloudy.sanfrancisco+shopping@gmail.com')).toBe(
      '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4',
    );
    expect(googleHash('email', 'user.name+NYC@Example.com')).toBe(sha('user.name+nyc@example.com'));
  });

  it('phone numbers become E.164 with the + before hashing', () => {
    expect(googleNormalize('phone', '(800)555-0100', 'US')).toBe('+18005550100');
    expect(googleHash('phone', '(800)555-0100', 'US')).toBe(
      'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30',
    );
    expect(googleNormalize('phone', '8 (916) 123-45-67', 'RU')).toBe('+79161234567');
    expect(googleNormalize('phone', '555-0100')).toBeUndefined();
  });

  it('names: lowercase, no punctuation, trimmed, hashed; region and postal code are never hashed', () => {
    expect(googleNormalize('givenName', '  Mary-Ann  ')).toBe('maryann');
    expect(googleNormalize('familyName', "O'Neil Smith")).toBe('oneil smith');
    expect(googleHash('givenName', 'Mary')).toBe(sha('mary'));
    expect(googleNormalize('regionCode', ' us ')).toBe('US');
    expect(googleNormalize('regionCode', 'USA')).toBeUndefined();
    expect(googleNormalize('postalCode', ' 94043 ')).toBe('94043');
    expect(() => googleHash('postalCode', '94043')).toThrow(expect.objectContaining({ code: 'stdlib.googleHash' }));
  });

  it('an already-hashed value is not hashed twice; an unusable one gives undefined', () => {
    const digest = sha('cloudysanfrancisco@gmail.com');
    expect(googleHash('email', digest.toUpperCase())).toBe(digest);
    expect(googleHash('phone', digest)).toBe(digest);
    expect(googleHash('email', 'nobody')).toBeUndefined();
    expect(googleHash('email', undefined)).toBeUndefined();
  });
});

describe('$googleHash in a mapping', () => {
  it('is registered and uses the engine default country for national numbers', async () => {
    await expect(
      run(
        '{ "email": $googleHash("email", e), "phone": $googleHash("phone", p), "region": $googleNormalize("regionCode", c) }',
        {
          e: 'Cloudy.SanFrancisco+shopping@gmail.com',
          p: '(800) 555-0100',
          c: 'us',
        },
        { defaultCountry: 'US' },
      ),
    ).resolves.toEqual({
      email: '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4',
      phone: 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30',
      region: 'US',
    });
  });

  it('refuses to hash a part Google takes in clear, and names the keys it takes', async () => {
    await expect(runError('$googleHash("regionCode", "US")')).resolves.toMatchObject({ code: 'stdlib.googleHash' });
    const error = await runError('$googleHash("em", "a@b.co")');
    expect(String(error.message)).toContain('email, phone, givenName, familyName');
  });
});
