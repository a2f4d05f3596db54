import { sha256 } from './hash';
import { nfc } from './nfc';

/**
 * What the vendor identifier helpers (`$metaHash`, `$googleHash`) share: a value that already is a SHA-256 hex
 * digest is sent as it is (hashing it again would match nobody, a known bug class), ISO 3166-1 alpha-2 checks, and
 * the error a mapping gets for a key the helper does not know.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/;
const MD5_HEX = /^[0-9a-f]{32}$/;

/** Intl (full ICU in Node) knows every assigned region code; no hand-kept country list. */
const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/** True for a 64-character hex value (any case, surrounding spaces allowed): already a SHA-256 digest. */
export function isSha256Hex(value: string): boolean {
  // most values are far from 64 characters: no trimmed, lowercased copy for them
  if (value.length < 64) return false;
  return SHA256_HEX.test(value.trim().toLowerCase());
}

/**
 * True for a 32-character hex value (any case, surrounding spaces allowed): an MD5 digest. No e-mail address, phone
 * number, name, city or postal code looks like one; Meta and Google take SHA-256 only, so such a value is left out
 * rather than hashed into a digest of a digest that matches nobody.
 */
export function isMd5Hex(value: string): boolean {
  if (value.length < 32) return false;
  return MD5_HEX.test(value.trim().toLowerCase());
}

/** ISO 3166-1 user-assigned codes (AA, QM–QZ, XA–XZ, ZZ): not countries. */
const USER_ASSIGNED = /^(?:AA|Q[M-Z]|X[A-Z]|ZZ)$/;
/**
 * Region codes ICU names that are not assigned ISO 3166-1 alpha-2 country codes: exceptionally or transitionally
 * reserved (AC, CP, DG, EA, IC, TA, EU, EZ, UN…), withdrawn (SU, YU, ZR, AN…). Without them ICU's region names are
 * the 249 assigned codes (pinned in test/core/sdk/identifiers.test.ts), the list Meta's Business SDK checks `country`
 * against (the iso-3166-1 package). UK and EL are read as GB and GR before this check (EXCEPTIONALLY_RESERVED).
 */
const NOT_ISO = new Set('AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH RH SU TA TP UN VD YD YU ZR'.split(' '));

/** Answers of `regions.of` by two-letter code (at most 26 × 26 entries): ICU's lookup is the costly part. */
const KNOWN_REGIONS = new Map<string, boolean>();

/**
 * Codes ISO 3166-1 reserves "exceptionally" for a country that has another alpha-2 code, common in data: the United
 * Kingdom's "UK" (ISO: GB) and Greece's "EL" (EU usage; ISO: GR). Vendors match on the ISO code.
 */
export const EXCEPTIONALLY_RESERVED: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR' };

/** The ISO 3166-1 alpha-2 code in upper case ("UK" → "GB"), or undefined. */
export function countryCode(value: string): string | undefined {
  const upper = value.trim().toUpperCase();
  const code = EXCEPTIONALLY_RESERVED[upper] ?? upper;
  if (!/^[A-Z]{2}$/.test(code) || USER_ASSIGNED.test(code) || NOT_ISO.has(code)) return undefined;
  let known = KNOWN_REGIONS.get(code);
  if (known === undefined) {
    known = regions.of(code) !== undefined;
    KNOWN_REGIONS.set(code, known);
  }
  return known ? code : undefined;
}

/** Text of a JSONata argument: strings, and numbers (a postal code or phone read as a number); else undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const text = nfc(value).trim();
  return text === '' ? undefined : text;
}

/** Hashes a normalised value; a value that already is a SHA-256 digest is returned lowercased, never hashed twice. */
export function hashNormalized(raw: unknown, normalize: (text: string) => string | undefined): string | undefined {
  const text = textOf(raw);
  if (text === undefined) return undefined;
  if (isSha256Hex(text)) return text.toLowerCase();
  const normalized = normalize(text);
  return normalized === undefined ? undefined : sha256(normalized);
}

/** The error a helper throws for a key it does not know: names the function and lists the keys it takes. */
export function unknownKey(fn: string, key: unknown, keys: readonly string[]): never {
  throw {
    code: `stdlib.${fn}`,
    message: `$${fn}: unknown key ${JSON.stringify(key)}; use one of ${keys.join(', ')}`,
  };
}
