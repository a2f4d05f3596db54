import { hash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * Google's user-identifier formatting and hashing, as the Data Manager API documents it
 * ([doc] developers.google.com/data-manager/api/devguides/concepts/formatting, revision of 2026):
 * - email: lowercase; remove leading, trailing and intermediate whitespace; for gmail.com and googlemail.com only,
 *   remove every `.` of the local part and a `+` with everything after it (other domains keep dots and `+tag`);
 *   SHA-256, hex.
 * - phone: E.164 with the `+` and the country code (`(800)555-0100` → `+18005550100`); SHA-256, hex.
 * - address: given and family names lowercase, no punctuation, trimmed, then SHA-256; region code (ISO-3166-1
 *   alpha-2) and postal code are sent as they are, never hashed.
 * A value that already looks like a SHA-256 hex digest is taken as hashed and not hashed twice.
 * Exported for the standard library (`$googleHash…` helpers) so mappings and the connector hash the same way.
 */

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** True for a 64-character hex string: already a SHA-256 digest. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value.trim());
}

/** The formatted e-mail address, or undefined when the value is not an address. */
export function normalizeGoogleEmail(raw: string): string | undefined {
  const compact = raw.replace(/\s+/g, '').toLowerCase();
  const at = compact.lastIndexOf('@');
  if (at <= 0 || at === compact.length - 1) return undefined;
  let local = compact.slice(0, at);
  const domain = compact.slice(at + 1);
  if (!domain.includes('.')) return undefined;
  if (GMAIL_DOMAINS.has(domain)) {
    const plus = local.indexOf('+');
    if (plus >= 0) local = local.slice(0, plus);
    local = local.replace(/\./g, '');
    if (local === '') return undefined;
  }
  return `${local}@${domain}`;
}

/**
 * The phone number in E.164 (`+18005550100`), or undefined when it cannot be one. A number written without `+`
 * needs `defaultRegion` (ISO-3166-1 alpha-2) to know its country. libphonenumber-js (full metadata, the same build
 * the standard library's `$normalizePhone` uses) does the parsing; "possible" rather than "valid" so numbers from
 * fresh ranges that the metadata does not know yet are still sent.
 */
export function normalizeGoogleE164(raw: string, defaultRegion?: string): string | undefined {
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const region = defaultRegion?.toUpperCase() as CountryCode | undefined;
  const parsed = parsePhoneNumberFromString(trimmed, region === undefined ? {} : { defaultCountry: region });
  if (parsed === undefined || !parsed.isPossible()) return undefined;
  return parsed.number;
}

/** A given or family name: lowercase, punctuation removed, whitespace trimmed and collapsed. */
export function normalizeGoogleName(raw: string): string | undefined {
  const name = raw
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return name === '' ? undefined : name;
}

/** Region code of an address: two letters, uppercase (not hashed). */
export function normalizeGoogleRegion(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) ? code : undefined;
}

/** Postal code of an address: trimmed (not hashed). */
export function normalizeGooglePostalCode(raw: string): string | undefined {
  const code = raw.trim();
  return code === '' ? undefined : code;
}

function hashWith(raw: string, normalize: (s: string) => string | undefined): string | undefined {
  if (isSha256Hex(raw)) return raw.trim().toLowerCase();
  const normalized = normalize(raw);
  return normalized === undefined ? undefined : sha256Hex(normalized);
}

export const hashGoogleEmail = (raw: string): string | undefined => hashWith(raw, normalizeGoogleEmail);
export const hashGooglePhone = (raw: string, defaultRegion?: string): string | undefined =>
  hashWith(raw, (s) => normalizeGoogleE164(s, defaultRegion));
export const hashGoogleName = (raw: string): string | undefined => hashWith(raw, normalizeGoogleName);

/** Identifiers of one person as a connector record carries them (raw or already hashed). */
export interface PersonIdentifiers {
  email?: string | string[];
  phone?: string | string[];
  givenName?: string;
  familyName?: string;
  regionCode?: string;
  postalCode?: string;
}

/** One Data Manager `UserIdentifier` (exactly one of its members is set). */
export type UserIdentifier =
  | { emailAddress: string }
  | { phoneNumber: string }
  | { address: { givenName: string; familyName: string; regionCode: string; postalCode: string } };

export interface IdentifierProblem {
  field: string;
  reason: string;
}

/** At most 10 identifiers per event or audience member ([doc] Data Manager UserData.userIdentifiers). */
export const MAX_IDENTIFIERS = 10;

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((s) => s.trim() !== '');

/** Formats and hashes a person's identifiers into Data Manager `UserIdentifier`s, naming each field it refused. */
export function googleUserIdentifiers(
  person: PersonIdentifiers,
  defaultRegion?: string,
): { identifiers: UserIdentifier[]; problems: IdentifierProblem[] } {
  const identifiers: UserIdentifier[] = [];
  const problems: IdentifierProblem[] = [];
  for (const email of list(person.email)) {
    const hashed = hashGoogleEmail(email);
    if (hashed === undefined) problems.push({ field: 'email', reason: 'is not an e-mail address' });
    else identifiers.push({ emailAddress: hashed });
  }
  for (const phone of list(person.phone)) {
    const hashed = hashGooglePhone(phone, defaultRegion ?? person.regionCode);
    if (hashed === undefined)
      problems.push({
        field: 'phone',
        reason: 'is not a phone number in E.164 (write it with + and the country code, or give regionCode)',
      });
    else identifiers.push({ phoneNumber: hashed });
  }
  const addressParts = [person.givenName, person.familyName, person.postalCode].filter((p) => p !== undefined);
  if (addressParts.length > 0) {
    const givenName = person.givenName === undefined ? undefined : hashGoogleName(person.givenName);
    const familyName = person.familyName === undefined ? undefined : hashGoogleName(person.familyName);
    const regionCode = person.regionCode === undefined ? undefined : normalizeGoogleRegion(person.regionCode);
    const postalCode = person.postalCode === undefined ? undefined : normalizeGooglePostalCode(person.postalCode);
    if (givenName && familyName && regionCode && postalCode)
      identifiers.push({ address: { givenName, familyName, regionCode, postalCode } });
    else
      problems.push({
        field: 'address',
        reason: 'an address needs givenName, familyName, regionCode (two letters) and postalCode together',
      });
  }
  if (identifiers.length > MAX_IDENTIFIERS)
    problems.push({ field: 'email', reason: `at most ${MAX_IDENTIFIERS} identifiers per person` });
  return { identifiers, problems };
}
