import { normalizeEmail } from './email';
import { countryCode, hashNormalized, isSha256Hex, textOf, unknownKey } from './identifiers';
import { normalizePhone, phoneCountry } from './phone';

/**
 * `$metaHash(key, value, country?)` and `$metaNormalize(key, value, country?)`: Meta's customer-information
 * parameters (Conversions API `user_data`, Custom Audience multi-key rows), normalised by Meta's rules and, for
 * `$metaHash`, SHA-256 hex. A value that is already a SHA-256 digest comes back unchanged (lowercased); a value
 * that cannot be a valid identifier gives undefined, so the field is left out rather than sent wrong.
 *
 * Rules ([doc] developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters,
 * [sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js `normalizeAndHash`); every value is
 * NFC-normalised, trimmed and lowercased first:
 * - em: a plausible address (the standard library's `$normalizeEmail`, which also drops `mailto:` and `<>`);
 * - ph: digits only with the country code, leading zeros dropped, 7–15 digits. A number written nationally
 *   ("(650) 555-1212") gets its country code from `country` or the engine's default country (libphonenumber);
 *   without either it is taken as already international, as the SDK does;
 * - fn, ln: punctuation and symbols removed, spaces collapsed (UTF-8 letters kept: "valéry");
 * - ct, st: punctuation, symbols, digits and spaces removed ("New York" → "newyork");
 * - zp: spaces removed, the part before "-" kept, a 9-digit US ZIP cut to its first 5 digits; under 2 characters
 *   → undefined;
 * - country: ISO 3166-1 alpha-2, lowercase;
 * - external_id: trimmed and lowercased (the SDK's rule), hashed;
 * - db: YYYYMMDD (separators removed).
 */

export const META_KEYS = ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'external_id', 'db'] as const;
export type MetaKey = (typeof META_KEYS)[number];

const PUNCTUATION = /[\p{P}\p{S}]/gu;

function isMetaKey(key: unknown): key is MetaKey {
  return typeof key === 'string' && (META_KEYS as readonly string[]).includes(key);
}

function metaPhone(text: string, country: string | undefined): string | undefined {
  const international = /^\s*(?:\+|00)/.test(text);
  if (!international && country !== undefined) {
    const e164 = normalizePhone(text, country);
    return e164 === undefined ? undefined : e164.slice(1);
  }
  const digits = text.replace(/\D/g, '').replace(/^0+/, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
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
      return place === '' ? undefined : place;
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
    case 'db': {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.replace(/[-/.\s]/g, ''));
      if (m === null) return undefined;
      const [month, day] = [Number(m[2]), Number(m[3])];
      return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${m[1]}${m[2]}${m[3]}` : undefined;
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
  return rule(key, text, countryArgument(country, engineDefault));
}

/** Meta's SHA-256 of `value` as parameter `key`; already-hashed values pass unchanged; unusable → undefined. */
export function metaHash(key: unknown, value: unknown, country?: unknown, engineDefault?: string) {
  if (!isMetaKey(key)) unknownKey('metaHash', key, META_KEYS);
  const resolved = countryArgument(country, engineDefault);
  return hashNormalized(value, (text) => rule(key, text, resolved));
}
