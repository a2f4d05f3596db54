import { normalizeEmail } from './email';
import { countryCode, hashNormalized, isMd5Hex, isSha256Hex, textOf, unknownKey } from './identifiers';
import { internationalPhone, phoneCountry } from './phone';

/**
 * `$googleHash(key, value, country?)` and `$googleNormalize(key, value, country?)`: user identifiers for Google
 * (Data Manager API `UserIdentifier`, Customer Match, enhanced conversions), formatted by Google's rules and, for
 * `$googleHash`, SHA-256 hex. A value that already is a SHA-256 digest comes back unchanged; an MD5 digest (32 hex)
 * and a value that cannot be a valid identifier give undefined, so the field is left out rather than sent wrong.
 *
 * Rules ([doc] developers.google.com/data-manager/api/devguides/concepts/formatting; AddressInfo in the Data
 * Manager v1 reference):
 * - email: whitespace removed (leading, trailing and inside), lowercase; for gmail.com and googlemail.com only,
 *   every "." of the local part and a "+" with what follows removed ("cloudy.sanfrancisco+shopping@gmail.com" →
 *   "cloudysanfrancisco@gmail.com"); other domains keep both ("user.name+NYC@Example.com" →
 *   "user.name+nyc@example.com");
 * - phone: E.164 with the "+" and the country code ("(800)555-0100" → "+18005550100"); a national number needs
 *   `country` or the engine's default country (libphonenumber, full metadata), else gives undefined; a leading
 *   "00" is the international prefix whatever the country; an extension is dropped;
 * - givenName, familyName: lowercase, no punctuation, no leading or trailing whitespace; hashed; a given name
 *   loses prefixes such as "Mrs." and a family name suffixes such as "Jr." (Google: "Don't include prefixes such
 *   as Mrs." / "suffixes such as Jr."), when a name is left after them;
 * - regionCode: ISO 3166-1 alpha-2, upper case; postalCode: trimmed. Neither is ever hashed: `$googleHash` refuses
 *   them, use `$googleNormalize`.
 */

export const GOOGLE_HASHED_KEYS = ['email', 'phone', 'givenName', 'familyName'] as const;
export const GOOGLE_KEYS = [...GOOGLE_HASHED_KEYS, 'regionCode', 'postalCode'] as const;
export type GoogleKey = (typeof GOOGLE_KEYS)[number];

const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);
const PUNCTUATION = /[\p{P}\p{S}]/gu;

function googleEmail(text: string): string | undefined {
  const email = normalizeEmail(text.replace(/\s+/g, ''));
  if (email === undefined) return undefined;
  const at = email.lastIndexOf('@');
  const domain = email.slice(at + 1);
  if (!GMAIL_DOMAINS.has(domain)) return email;
  const local = email.slice(0, at).split('+', 1)[0]!.replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

/** Titles before a given name and suffixes after a family name, as they read once lowercased without punctuation. */
const NAME_PREFIXES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'rev', 'sir', 'dame', 'lady', 'lord']);
const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'dds']);

function googleName(text: string, key: 'givenName' | 'familyName'): string | undefined {
  const words = text
    .toLowerCase()
    .replace(PUNCTUATION, '')
    .split(/\s+/)
    .filter((word) => word !== '');
  if (key === 'givenName') while (words.length > 1 && NAME_PREFIXES.has(words[0]!)) words.shift();
  else while (words.length > 1 && NAME_SUFFIXES.has(words[words.length - 1]!)) words.pop();
  return words.length === 0 ? undefined : words.join(' ');
}

function rule(key: GoogleKey, text: string, country: string | undefined): string | undefined {
  switch (key) {
    case 'email':
      return googleEmail(text);
    case 'phone':
      return internationalPhone(text, country);
    case 'givenName':
    case 'familyName':
      return googleName(text, key);
    case 'regionCode':
      return countryCode(text);
    case 'postalCode':
      return text;
  }
}

const isKey = (key: unknown, keys: readonly string[]): key is GoogleKey =>
  typeof key === 'string' && keys.includes(key);

function countryArgument(country: unknown, engineDefault: string | undefined): string | undefined {
  const given = textOf(country);
  // a code with no numbering plan (AQ) is ignored, as an invalid one is: the record is not failed for it
  const code = given === undefined ? undefined : countryCode(given);
  return (code === undefined ? undefined : phoneCountry(code)) ?? engineDefault;
}

/** The formatted value Google takes for `key` (hashed keys: before hashing; a SHA-256 digest stays as it is). */
export function googleNormalize(key: unknown, value: unknown, country?: unknown, engineDefault?: string) {
  if (!isKey(key, GOOGLE_KEYS)) unknownKey('googleNormalize', key, GOOGLE_KEYS);
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (key !== 'regionCode' && key !== 'postalCode') {
    if (isSha256Hex(text)) return text.toLowerCase();
    if (isMd5Hex(text)) return undefined;
  }
  return rule(key, text, countryArgument(country, engineDefault));
}

/** Google's SHA-256 of `value` as identifier `key` (email, phone, givenName, familyName); unusable → undefined. */
export function googleHash(key: unknown, value: unknown, country?: unknown, engineDefault?: string) {
  if (!isKey(key, GOOGLE_HASHED_KEYS)) {
    if (key === 'regionCode' || key === 'postalCode')
      throw {
        code: 'stdlib.googleHash',
        message: `$googleHash: ${key} is never hashed (Google takes it as it is); use $googleNormalize("${key}", value)`,
      };
    unknownKey('googleHash', key, GOOGLE_HASHED_KEYS);
  }
  const resolved = countryArgument(country, engineDefault);
  return hashNormalized(value, (text) => (isMd5Hex(text) ? undefined : rule(key, text, resolved)));
}
