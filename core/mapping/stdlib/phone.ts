import {
  parsePhoneNumberFromString,
  isSupportedCountry,
  type CountryCode,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import { withoutStackTraces } from '../stack-traces';
import { EXCEPTIONALLY_RESERVED } from './identifiers';
import { isValidPhone } from './phone-validity';

/**
 * `$normalizePhone(s, defaultCountry?)`: E.164 (`+79161234567`) via libphonenumber-js with full ("max") metadata,
 * so the digits are validated, not only the length. National numbers use `defaultCountry`, else the engine-wide
 * default. Invalid or empty → undefined. Numbers (a CSV column parsed as a number) are accepted.
 */

/**
 * The country libphonenumber numbers a national phone number for, from an alpha-2 code ("UK" read as "GB", see
 * identifiers.ts `countryCode`), or undefined when it has no numbering plan for it (Antarctica, "ZZ", …).
 */
export function phoneCountry(country: string): CountryCode | undefined {
  const upper = country.trim().toUpperCase();
  const code = EXCEPTIONALLY_RESERVED[upper] ?? upper;
  return isSupportedCountry(code) ? code : undefined;
}

export function assertCountry(country: string): CountryCode {
  const code = phoneCountry(country);
  if (code === undefined) {
    throw { code: 'stdlib.normalizePhone', message: `unknown country code "${country}" (expected ISO 3166-1 alpha-2)` };
  }
  return code;
}

/**
 * `parsePhoneNumberFromString` without the cost of its failures: libphonenumber-js reports an unparseable text by
 * constructing a ParseError, which it catches itself, and an Error captures a stack trace when constructed: on the
 * bench's generated HubSpot phones (a quarter unparseable) parsing took 6.0 µs per phone with stack traces and 4.6
 * µs without (Node 24, 2026-12-07, load 4.5–4.9). No stack is
 * captured while it runs (synchronously); the limit is restored before returning.
 */
function parseQuietly(text: string, options?: { defaultCountry: CountryCode }): PhoneNumber | undefined {
  return withoutStackTraces(() => parsePhoneNumberFromString(text, options));
}

export function normalizePhone(value: unknown, country: unknown, engineDefault?: string): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) value = String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  const fallback = typeof country === 'string' && country.length > 0 ? country : engineDefault;
  const defaultCountry = fallback ? assertCountry(fallback) : undefined;
  // "8 916 ..." and "00 44 ..." are handled by the metadata; a bare "7916..." (11 digits) with RU also parses.
  const parsed = parseQuietly(text, defaultCountry ? { defaultCountry } : undefined);
  if (parsed !== undefined && isValidPhone(parsed)) return parsed.number;
  // Numbers written with the country calling code but without '+' (e.g. "79161234567", "447911123456").
  const digits = text.replace(/[^\d]/g, '');
  if (!text.startsWith('+') && digits.length >= 8 && digits.length <= 15) {
    const international = parseQuietly(`+${digits}`);
    if (international !== undefined && isValidPhone(international)) return international.number;
  }
  return undefined;
}

/**
 * The E.164 number an ad platform matches on (Meta's `ph` without the "+", Google's `phone_number` with it), from a
 * value as people write it. As `normalizePhone` (national numbers take `country`; the number is validated; an
 * extension is dropped, not glued to the digits), and a leading "00" is the international prefix whatever the
 * country: "00 44 7911 123456" is +447911123456 for a US or a Russian contact too (libphonenumber reads "00" only
 * for countries whose international prefix it is, and Russia's is "810" in its metadata). A national number with no
 * country gives undefined: without the country code it would name someone else.
 */
export function internationalPhone(text: string, country: string | undefined): string | undefined {
  const prefix = /^\s*00(?=[\s(]*[1-9])/.exec(text);
  if (prefix !== null) return normalizePhone(`+${text.slice(prefix[0].length)}`, undefined);
  return normalizePhone(text, country);
}
