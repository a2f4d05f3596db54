import { createHash } from 'node:crypto';
import { metaHash, metaNormalize, type MetaKey } from '../../../../core/mapping/stdlib';
import { run } from './helpers';

/**
 * `$metaNormalize` / `$metaHash` on edge cases, one row each: key, value, country argument, what Meta hashes (undefined:
 * the field is left out) and, where it differs, what Meta's Business SDK normaliser would hash
 * ([sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js `normalizeAndHash`, read by hand:
 * trim + lowercase; 64-hex and 32-hex values returned as they are; `ph` strips `-@#<>'",; ()+` and a–z, drops up to
 * two leading zeros when the rest looks international, 7–15 characters; `ct`/`st` strip `[0-9\s().-]`; `zp` drops
 * spaces and the part from "-"; `country` checked against ISO 3166-1; `em` checked by an ASCII pattern; `fn`/`ln`
 * as they are). Where the two differ, the documentation decides
 * ([doc] developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters):
 * `ph` "must include the country code" and has no extension; `fn`/`ln`/`ct` "no punctuation"; `st` "US: 2-letter
 * ANSI code"; `db` "YYYYMMDD"; every value hashed with SHA-256 (an MD5 digest is not what Meta matches on).
 * `sdk` is the SDK's normalised value before its hashing, `throws` an error that fails the whole event there (a
 * number: `trim` is not a function; here only the field is left out). The SDK has no `db` rule: it hashes the date
 * as written.
 */

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const SHA_OF_MAIL = sha('john_smith@gmail.com');
const MD5_OF_MAIL = createHash('md5').update('john_smith@gmail.com').digest('hex');
const NFD_E = 'e\u0301';

interface Case {
  key: MetaKey;
  value: unknown;
  country?: string;
  /** What Meta hashes; undefined: the field is left out. */
  ours: string | undefined;
  /** What the SDK's normaliser makes of it, when that differs from `ours` (documentation: not asserted). */
  sdk?: string | undefined | 'throws';
  why?: string;
}

const CASES: Case[] = [
  // em
  { key: 'em', value: '  JOHN_SMITH@GMAIL.COM ', ours: 'john_smith@gmail.com' },
  { key: 'em', value: 'john.smith+ads@gmail.com', ours: 'john.smith+ads@gmail.com' }, // Meta keeps dots and +tags
  { key: 'em', value: 'mailto:<John@Example.com>', ours: 'john@example.com', sdk: 'throws' },
  { key: 'em', value: `ren${NFD_E}@example.fr`, ours: 'rené@example.fr', sdk: 'throws', why: 'NFC, UTF-8' },
  { key: 'em', value: 'ПЁТР@ПОЧТА.РФ', ours: 'пётр@почта.рф', sdk: 'throws' },
  { key: 'em', value: 'john smith@gmail.com', ours: undefined, sdk: 'throws' },
  { key: 'em', value: '', ours: undefined, sdk: undefined },
  { key: 'em', value: '   ', ours: undefined, sdk: undefined },
  { key: 'em', value: null, ours: undefined, sdk: undefined },
  { key: 'em', value: 12345, ours: undefined, sdk: 'throws' },
  { key: 'em', value: SHA_OF_MAIL.toUpperCase(), ours: SHA_OF_MAIL, sdk: SHA_OF_MAIL },
  { key: 'em', value: ` ${SHA_OF_MAIL} `, ours: SHA_OF_MAIL, sdk: SHA_OF_MAIL },
  { key: 'em', value: MD5_OF_MAIL, ours: undefined, sdk: MD5_OF_MAIL, why: 'Meta hashes with SHA-256 only' },
  // ph
  { key: 'ph', value: '(650)555-1212', country: 'US', ours: '16505551212', sdk: '6505551212' },
  { key: 'ph', value: '+1 (650) 555-1212', ours: '16505551212' },
  { key: 'ph', value: '1-650-555-1212', ours: '16505551212' },
  { key: 'ph', value: 16505551212, ours: '16505551212', sdk: 'throws' },
  { key: 'ph', value: 'tel:+16505551212', ours: '16505551212', sdk: ':16505551212' },
  { key: 'ph', value: '00 44 7911 123456', ours: '447911123456' },
  { key: 'ph', value: '0044 7911 123456', country: 'US', ours: '447911123456' },
  { key: 'ph', value: '00 7 916 123-45-67', country: 'RU', ours: '79161234567' },
  { key: 'ph', value: '011 44 7911 123456', country: 'US', ours: '447911123456', sdk: '011447911123456' },
  { key: 'ph', value: '+44 (0)7911 123456', ours: '447911123456', sdk: '4407911123456', why: 'trunk (0) dropped' },
  { key: 'ph', value: '07911 123456', country: 'GB', ours: '447911123456', sdk: '7911123456' },
  { key: 'ph', value: '07911 123456', country: 'UK', ours: '447911123456', sdk: '7911123456' },
  { key: 'ph', value: '8 (916) 123-45-67', country: 'RU', ours: '79161234567', sdk: '89161234567' },
  // extensions: dropped, never glued to the number
  { key: 'ph', value: '+1 650 555 1212 ext. 123', ours: '16505551212', sdk: '16505551212.123' },
  { key: 'ph', value: '+1 (650) 555-1212 x123', ours: '16505551212', sdk: '16505551212123' },
  { key: 'ph', value: '+7 916 123-45-67 доб. 12', ours: '79161234567', sdk: 'throws' },
  // no country code and no country: someone else's number, so left out
  { key: 'ph', value: '(650) 555-1212', ours: undefined, sdk: '6505551212', why: 'country code required' },
  { key: 'ph', value: '07911 123456', ours: undefined, sdk: '7911123456' },
  { key: 'ph', value: '8 916 123 45 67', ours: undefined, sdk: '89161234567' },
  { key: 'ph', value: '123-4567', ours: undefined, sdk: '1234567' },
  { key: 'ph', value: '+1234567890123456', ours: undefined, sdk: 'throws' },
  { key: 'ph', value: '+7 000 000 00 00', ours: undefined, sdk: '70000000000', why: 'not a number in service' },
  { key: 'ph', value: MD5_OF_MAIL, ours: undefined, sdk: MD5_OF_MAIL },
  { key: 'ph', value: sha('16505551212'), ours: sha('16505551212'), sdk: sha('16505551212') },
  // fn, ln: letters of any script, NFC, no punctuation
  { key: 'fn', value: ' MARY ', ours: 'mary' },
  { key: 'fn', value: 'Valéry', ours: 'valéry' },
  { key: 'fn', value: `Val${NFD_E}ry`, ours: 'valéry', sdk: `val${NFD_E}ry`, why: 'NFC: one person, one hash' },
  { key: 'fn', value: '정수', ours: '정수' },
  { key: 'ln', value: 'ПЕТРОВ', ours: 'петров' },
  { key: 'fn', value: 'Jean-Luc', ours: 'jeanluc', sdk: 'jean-luc', why: 'no punctuation' },
  { key: 'ln', value: "O'Neil", ours: 'oneil', sdk: "o'neil" },
  { key: 'fn', value: 'Mary  Ann', ours: 'mary ann', sdk: 'mary  ann' },
  { key: 'ln', value: ' -- ', ours: undefined, sdk: '--' },
  { key: 'fn', value: MD5_OF_MAIL, ours: undefined, sdk: MD5_OF_MAIL },
  // ct, st
  { key: 'ct', value: 'New York', ours: 'newyork' },
  { key: 'ct', value: ' St. Louis ', ours: 'stlouis' },
  { key: 'ct', value: "Coeur d'Alene", ours: 'coeurdalene', sdk: "coeurd'alene" },
  { key: 'ct', value: 'São Paulo', ours: 'sãopaulo' },
  { key: 'ct', value: 'Санкт-Петербург', ours: 'санктпетербург' },
  { key: 'ct', value: MD5_OF_MAIL, ours: undefined, sdk: MD5_OF_MAIL, why: 'not a city: digits would be cut out' },
  { key: 'st', value: 'CA', ours: 'ca' },
  { key: 'st', value: 'California', ours: 'ca', sdk: 'california', why: 'US: 2-letter ANSI code' },
  { key: 'st', value: 'new york', country: 'US', ours: 'ny', sdk: 'newyork' },
  { key: 'st', value: 'District of Columbia', ours: 'dc', sdk: 'districtofcolumbia' },
  { key: 'st', value: 'N.Y.', ours: 'ny' },
  { key: 'st', value: 'Georgia', country: 'GE', ours: 'georgia' }, // a country's region: not a US state
  { key: 'st', value: 'Île-de-France', country: 'FR', ours: 'îledefrance' },
  // zp
  { key: 'zp', value: '94035-1234', ours: '94035' },
  { key: 'zp', value: '94035 1234', ours: '94035', sdk: '940351234', why: 'US: first 5 digits' },
  { key: 'zp', value: '940351234', ours: '94035', sdk: '940351234' },
  { key: 'zp', value: 'M1 1AE', ours: 'm11ae' },
  { key: 'zp', value: 'SW1A 1AA', ours: 'sw1a1aa' },
  { key: 'zp', value: 'A1B 2C3', ours: 'a1b2c3' },
  { key: 'zp', value: 75001, ours: '75001', sdk: 'throws' },
  { key: 'zp', value: '9', ours: undefined, sdk: undefined },
  // country
  { key: 'country', value: ' US ', ours: 'us' },
  { key: 'country', value: 'gb', ours: 'gb' },
  { key: 'country', value: 'UK', ours: 'gb', sdk: 'throws', why: 'UK is the ISO exceptionally reserved code of GB' },
  { key: 'country', value: 'United States', ours: undefined, sdk: 'throws' },
  { key: 'country', value: 'USA', ours: undefined, sdk: 'throws' },
  { key: 'country', value: 'ZZ', ours: undefined, sdk: 'throws' },
  // db
  { key: 'db', value: '1997-02-16', ours: '19970216', sdk: '1997-02-16' },
  { key: 'db', value: '19970216', ours: '19970216' },
  { key: 'db', value: 19970216, ours: '19970216', sdk: 'throws' },
  { key: 'db', value: '1997/2/6', ours: '19970206', sdk: '1997/2/6' },
  { key: 'db', value: '1997-02-16T00:00:00.000Z', ours: '19970216', sdk: '1997-02-16t00:00:00.000z' },
  { key: 'db', value: '16.02.1997', ours: '19970216', sdk: '16.02.1997' },
  { key: 'db', value: '16/02/1997', ours: '19970216', sdk: '16/02/1997' },
  { key: 'db', value: '02/16/1997', ours: '19970216', sdk: '02/16/1997' },
  {
    key: 'db',
    value: '02/03/1997',
    ours: undefined,
    why: 'day or month first? ambiguous, left out',
    sdk: '02/03/1997',
  },
  { key: 'db', value: 'February 16, 1997', ours: undefined, sdk: 'february 16, 1997' },
  { key: 'db', value: '1997-02-30', ours: undefined, why: 'no such day', sdk: '1997-02-30' },
  { key: 'db', value: '1997-13-01', ours: undefined, sdk: '1997-13-01' },
  { key: 'db', value: '2099-01-01', ours: undefined, why: 'not born yet', sdk: '2099-01-01' },
  { key: 'db', value: '1850-01-01', ours: undefined, sdk: '1850-01-01' },
  // external_id: trimmed, lowercased, hashed; a 32-hex id (a UUID without dashes) is an id, hashed as one
  { key: 'external_id', value: ' CRM-42 ', ours: 'crm-42' },
  { key: 'external_id', value: 42, ours: '42', sdk: 'throws' },
  { key: 'external_id', value: MD5_OF_MAIL.toUpperCase(), ours: MD5_OF_MAIL, sdk: `${MD5_OF_MAIL}, unhashed` },
  { key: 'external_id', value: SHA_OF_MAIL, ours: SHA_OF_MAIL, sdk: SHA_OF_MAIL },
];

const label = (c: Case) => `${c.key} ${JSON.stringify(c.value)}${c.country ? ` (${c.country})` : ''}`;

describe('$metaNormalize / $metaHash: edge cases against Meta’s rules', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('%s', (_label, c) => {
    expect(metaNormalize(c.key, c.value, c.country)).toBe(c.ours);
    const hashed = metaHash(c.key, c.value, c.country);
    if (c.ours === undefined) expect(hashed).toBeUndefined();
    // a digest is sent as it is, everything else hashed exactly once
    else expect(hashed).toBe(/^[0-9a-f]{64}$/.test(c.ours) ? c.ours : sha(c.ours));
  });

  it('NFC and NFD spellings of one name or address hash alike', () => {
    expect(metaHash('fn', `Val${NFD_E}ry`)).toBe(metaHash('fn', 'Valéry'));
    expect(metaHash('em', `ren${NFD_E}@example.fr`)).toBe(metaHash('em', 'rené@example.fr'));
    expect(metaHash('ct', `Montr${NFD_E}al`)).toBe(sha('montréal'));
  });

  it('in a mapping: a national phone takes the engine default country, an unusable one is left out', async () => {
    await expect(
      run(
        '{ "ph": $metaHash("ph", p), "ph2": $metaHash("ph", q), "st": $metaNormalize("st", s), "db": $metaNormalize("db", d) }',
        { p: '(650) 555-1212 ext 7', q: '555-1212', s: 'California', d: '1997-2-16' },
        { defaultCountry: 'US' },
      ),
    ).resolves.toEqual({ ph: sha('16505551212'), st: 'ca', db: '19970216' });
    await expect(run('{ "ph": $metaHash("ph", p) }', { p: '(650) 555-1212' })).resolves.toEqual({});
  });
});
