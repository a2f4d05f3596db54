import { hash } from 'node:crypto';
import { googleHash, googleNormalize, GOOGLE_HASHED_KEYS, GOOGLE_KEYS, type GoogleKey } from '../mapping/stdlib/google';
import { countryCode, isMd5Hex, isSha256Hex } from '../mapping/stdlib/identifiers';
import { metaNormalize, META_KEYS, type MetaKey } from '../mapping/stdlib/meta';
import { phoneCountry } from '../mapping/stdlib/phone';

/**
 * Vendor identifier rules for connectors that hash raw values: Meta's customer-information parameters (Conversions
 * API `user_data`, Custom Audience rows) and Google's Data Manager user identifiers. One set of rules: these are the
 * mapping standard library's (`$metaHash`, `$googleHash`; core/mapping/stdlib/meta.ts and google.ts hold them and
 * their sources, test/core/mapping/stdlib/meta-cases.test.ts and google-cases.test.ts pin them), exported here so a
 * connector (built-in or plugin) reaches them through the one door and carries no copy.
 *
 * What the connector functions add to the standard library's: a reason when a value is refused (a connector fails
 * the record naming the field, where a mapping helper leaves the field out), typed keys, and Meta's "already hashed"
 * flag. A SHA-256 hex value (any case, surrounding spaces) passes unchanged, lowercased, never hashed twice; a 32-hex
 * value (an MD5 digest) is refused except as Meta's external_id (a UUID without dashes is as likely there).
 */

/** The ISO 3166-1 alpha-2 code in upper case ("UK" read as "GB"), or undefined: one of the 249 assigned codes. */
export const isoCountryCode = (value: string): string | undefined => countryCode(value);
export { isSha256Hex, isMd5Hex, META_KEYS, GOOGLE_KEYS, GOOGLE_HASHED_KEYS };
export type { MetaKey, GoogleKey };
export type GoogleHashedKey = (typeof GOOGLE_HASHED_KEYS)[number];

/** SHA-256 of the UTF-8 bytes, lowercase hex. */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

export type MetaNormalized = { ok: true; value: string; alreadyHashed: boolean } | { ok: false; problem: string };

const SHA256_LOWER = /^[a-f0-9]{64}$/;
const quote = (value: string) => JSON.stringify(value);

function metaProblem(field: MetaKey, input: string, country: string | undefined): string {
  const value = quote(input);
  switch (field) {
    case 'em':
      return `em ${value} is not an e-mail address`;
    case 'ph': {
      const code = country === undefined ? undefined : countryCode(country);
      return code === undefined || phoneCountry(code) === undefined
        ? `ph ${value} is not a phone number with its country code: write it as +1 650 555 1212, or send the person's country (ISO 3166-1 alpha-2) with a nationally written number`
        : `ph ${value} is not a valid phone number of ${code} (nor an international one): check the digits`;
    }
    case 'fn':
    case 'ln':
    case 'ct':
    case 'st':
      return `${field} ${value} has no letters`;
    case 'zp':
      return `zp ${value} is too short to be a postal code`;
    case 'country':
      return `country ${value} is not an ISO 3166-1 alpha-2 code (e.g. us, de)`;
    case 'db':
      return `db ${value} is not a date of birth Meta can take as YYYYMMDD: write YYYY-MM-DD (DD/MM/YYYY only with a day over 12, else day and month are ambiguous), an existing date from 1900 to this year`;
    case 'ge':
      return `ge ${value} is not f or m`;
    case 'external_id':
      return `external_id ${value} is empty`;
  }
}

/**
 * The value Meta hashes for `field` (the standard library's `$metaNormalize`), or why it cannot be one. `country`
 * (ISO 3166-1 alpha-2, the person's) gives a nationally written phone number its country code and tells whether
 * `st` is a US state; an unusable country is ignored. A SHA-256 hex value comes back lowercased, `alreadyHashed`.
 */
export function normalizeMetaIdentifier(field: MetaKey, input: string, country?: string): MetaNormalized {
  // what a mapping sends ($metaHash): a lowercase digest as it is, no normalised copy made to find that out
  if (input.length === 64 && SHA256_LOWER.test(input)) return { ok: true, value: input, alreadyHashed: true };
  const text = input.trim();
  if (text === '') return { ok: false, problem: `${field} is empty` };
  if (isSha256Hex(text)) return { ok: true, value: text.toLowerCase(), alreadyHashed: true };
  if (field !== 'external_id' && isMd5Hex(text))
    return {
      ok: false,
      problem: `${field} ${quote(input)} looks like an MD5 digest (32 hex): Meta matches SHA-256 only, so hashing it again would match nobody; send the raw value or its SHA-256`,
    };
  const value = metaNormalize(field, text, country);
  return value === undefined
    ? { ok: false, problem: metaProblem(field, input, country) }
    : { ok: true, value, alreadyHashed: false };
}

/** Normalises and hashes one Meta value (a SHA-256 value passes unchanged); throws an Error naming the field. */
export function hashMetaIdentifier(field: MetaKey, input: string, country?: string): string {
  const n = normalizeMetaIdentifier(field, input, country);
  if (!n.ok) throw new Error(n.problem);
  return n.alreadyHashed ? n.value : sha256Hex(n.value);
}

/**
 * The value Google takes for `key` before hashing (regionCode and postalCode: as sent, never hashed), or undefined
 * when it cannot be one; the standard library's `$googleNormalize`. `country` is the person's (ISO 3166-1 alpha-2),
 * `defaultCountry` the connection's, for a phone number written without its country code.
 */
export function normalizeGoogleIdentifier(
  key: GoogleKey,
  raw: string,
  country?: string,
  defaultCountry?: string,
): string | undefined {
  return googleNormalize(key, raw, country, defaultCountry);
}

/** Google's SHA-256 hex of `raw` as `key` (`$googleHash`); a SHA-256 value passes lowercased; unusable → undefined. */
export function hashGoogleIdentifier(
  key: GoogleHashedKey,
  raw: string,
  country?: string,
  defaultCountry?: string,
): string | undefined {
  return googleHash(key, raw, country, defaultCountry);
}
