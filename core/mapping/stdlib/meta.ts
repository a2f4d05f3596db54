import { normalizeEmail } from './email';
import { countryCode, hashNormalized, isMd5Hex, isSha256Hex, textOf, unknownKey } from './identifiers';
import { internationalPhone, phoneCountry } from './phone';
import { usStateCode } from './us-states';

/**
 * `$metaHash(key, value, country?)` and `$metaNormalize(key, value, country?)`: Meta's customer-information
 * parameters (Conversions API `user_data`, Custom Audience multi-key rows), normalised by Meta's rules and, for
 * `$metaHash`, SHA-256 hex. A value that is already a SHA-256 digest comes back unchanged (lowercased); an MD5
 * digest (32 hex) gives undefined except as external_id (Meta takes SHA-256 only, and a digest of a digest matches
 * nobody; the SDK would send it as it is); a value that cannot be a valid identifier gives undefined, so the field
 * is left out rather than sent wrong.
 *
 * Rules ([doc] developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters,
 * [sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js `normalizeAndHash`); every value is
 * NFC-normalised, trimmed and lowercased first:
 * - em: a plausible address (the standard library's `$normalizeEmail`, which also drops `mailto:` and `<>`);
 * - ph: digits only with the country code (E.164 without the "+"), validated by libphonenumber (full metadata); a
 *   leading "00" is the international prefix, an extension is dropped ("+1 650 555 1212 ext. 12" → "16505551212",
 *   not the SDK's "1650555121212"), a trunk "(0)" too. A number written nationally ("(650) 555-1212") gets its
 *   country code from `country` or the engine's default country; without either it gives undefined unless it reads
 *   as a valid international number without the "+" ("16505551212"). The SDK would send "6505551212", which Meta's
 *   rule ("must include the country code") makes someone else's number;
 * - fn, ln: punctuation and symbols removed, spaces collapsed (UTF-8 letters kept: "valéry");
 * - ct, st: punctuation, symbols, digits and spaces removed ("New York" → "newyork"); a US state written out
 *   becomes its 2-letter code when the country is US or not known ("California" → "ca", Meta's rule for US states);
 * - zp: spaces removed, the part before "-" kept, a 9-digit US ZIP cut to its first 5 digits; under 2 characters
 *   → undefined;
 * - country: ISO 3166-1 alpha-2, lowercase;
 * - external_id: trimmed and lowercased (the SDK's rule), hashed;
 * - db: YYYYMMDD, from YYYY-MM-DD (or / . separators, one-digit month or day, a time after it ignored), YYYYMMDD,
 *   DD.MM.YYYY, and DD/MM/YYYY or MM/DD/YYYY only when the day tells which (over 12); a date that does not exist
 *   (1997-02-30), before 1900 or after this year gives undefined;
 * - ge: "f" or "m" (also from "female", "male").
 * The connectors that hash raw values (Meta's sendEvents and audiences) use these rules through the SDK
 * (core/sdk/identifiers.ts): one set of rules for mappings and connectors.
 */

export const META_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id', 'db', 'ge'] as const;
export type MetaKey = (typeof META_KEYS)[number];

const PUNCTUATION = /[\p{P}\p{S}]/gu;

function isMetaKey(key: unknown): key is MetaKey {
  return typeof key === 'string' && (META_KEYS as readonly string[]).includes(key);
}

function metaPhone(text: string, country: string | undefined): string | undefined {
  return internationalPhone(text, country)?.slice(1);
}

/** A date of birth as Meta's YYYYMMDD, or undefined when it is not one unambiguous, existing, past date. */
function birthDate(text: string): string | undefined {
  let ymd: [string, string, string] | undefined;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[Tt\s].*)?$/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (m !== null) ymd = [m[1]!, m[2]!, m[3]!];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text)) !== null) ymd = [m[3]!, m[2]!, m[1]!];
  else if ((m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(text)) !== null) {
    const [a, b] = [Number(m[1]), Number(m[2])];
    if (a > 12 && b <= 12) ymd = [m[3]!, m[2]!, m[1]!];
    else if (b > 12 && a <= 12) ymd = [m[3]!, m[1]!, m[2]!];
  }
  if (ymd === undefined) return undefined;
  const [year, month, day] = ymd.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!exists || year < 1900 || year > new Date().getUTCFullYear()) return undefined;
  return `${ymd[0]}${ymd[1].padStart(2, '0')}${ymd[2].padStart(2, '0')}`;
}

function rule(key: MetaKey, text: string, country: string | undefined): string | undefined {
  const value = text.toLowerCase();
  switch (key) {
    case 'em':
      return normalizeEmail(value);
    case 'ph':
      return metaPhone(value, country);
    case 'fn':
    case 'ln': {
      const name = value.replace(PUNCTUATION, '').replace(/\s+/g, ' ').trim();
      return name === '' ? undefined : name;
    }
    case 'ct':
    case 'st': {
      const place = value.replace(PUNCTUATION, '').replace(/[\s\d]/g, '');
      if (place === '') return undefined;
      return key === 'st' && (country === undefined || country === 'US') ? (usStateCode(place) ?? place) : place;
    }
    case 'zp': {
      const zip = value.replace(/\s/g, '').split('-', 1)[0] ?? '';
      const us = /^\d{9}$/.test(zip) ? zip.slice(0, 5) : zip;
      return us.length >= 2 ? us : undefined;
    }
    case 'country':
      return countryCode(value)?.toLowerCase();
    case 'external_id':
      return value;
    case 'db':
      return birthDate(value);
    case 'ge': {
      const gender = value.replace(/[^a-z]/g, '');
      if (gender === 'f' || gender === 'female') return 'f';
      return gender === 'm' || gender === 'male' ? 'm' : undefined;
    }
  }
}

/** The country a national phone number belongs to: a valid ISO code given, else the engine default. */
function countryArgument(country: unknown, engineDefault: string | undefined): string | undefined {
  const given = textOf(country);
  // a code with no numbering plan (AQ) is ignored, as an invalid one is: the record is not failed for it
  const code = given === undefined ? undefined : countryCode(given);
  return (code === undefined ? undefined : phoneCountry(code)) ?? engineDefault;
}

/** The normalised (unhashed) value Meta hashes for `key`; a SHA-256 digest is returned as it is. */
export function metaNormalize(key: unknown, value: unknown, country?: unknown, engineDefault?: string) {
  if (!isMetaKey(key)) unknownKey('metaNormalize', key, META_KEYS);
  const text = textOf(value);
  if (text === undefined) return undefined;
  if (isSha256Hex(text)) return text.toLowerCase();
  if (key !== 'external_id' && isMd5Hex(text)) return undefined;
  return rule(key, text, countryArgument(country, engineDefault));
}

/** Meta's SHA-256 of `value` as parameter `key`; already-hashed values pass unchanged; unusable → undefined. */
export function metaHash(key: unknown, value: unknown, country?: unknown, engineDefault?: string) {
  if (!isMetaKey(key)) unknownKey('metaHash', key, META_KEYS);
  const resolved = countryArgument(country, engineDefault);
  return hashNormalized(value, (text) =>
    key !== 'external_id' && isMd5Hex(text) ? undefined : rule(key, text, resolved),
  );
}
