import { hash } from 'node:crypto';

/**
 * Meta's customer-information parameters: how each is normalised before SHA-256, one function a mapping helper
 * (the stdlib) and the actions share. Sources:
 * - [doc] https://developers.facebook.com/documentation/ads-commerce/conversions-api/parameters/customer-information-parameters
 *   (em trim+lowercase; ph digits only with country code, no leading zeros; fn/ln lowercase without punctuation;
 *   ct lowercase without punctuation, special characters or spaces; st lowercase 2-letter code; zp lowercase
 *   without spaces or dash, US first 5 digits; country ISO 3166-1 alpha-2 lowercase; db YYYYMMDD);
 * - [sdk] facebook/facebook-nodejs-business-sdk src/objects/serverside/utils.js (`normalizeAndHash`: trim and
 *   lowercase first; values that already look like a SHA-256 pass unchanged; ct/st strip `[0-9\s().-]`; zp drops
 *   spaces and keeps the part before `-`, refusing fewer than 2 characters; ph 7–15 digits; country checked
 *   against ISO 3166-1; em checked against an RFC 2822 approximation; external_id trimmed and lowercased).
 * Written here rather than taken from the SDK: the SDK is not a dependency of the hub (see README.md), and where
 * the SDK and the documentation differ the documentation wins (ph strips every non-digit, not only the SDK's list;
 * fn/ln/ct/st lose punctuation). Values are NFC-normalised first so "é" typed two ways hashes once. Unlike the SDK,
 * a 32-hex value (MD5-like) is hashed: a 32-hex external id is as likely a UUID without dashes.
 */

export const META_HASHED_FIELDS = [
  'em',
  'ph',
  'fn',
  'ln',
  'ct',
  'st',
  'zp',
  'country',
  'external_id',
  'db',
  'ge',
] as const;
export type MetaIdentifierField = (typeof META_HASHED_FIELDS)[number];

export type Normalized = { ok: true; value: string; alreadyHashed: boolean } | { ok: false; problem: string };

const SHA256_HEX = /^[a-f0-9]{64}$/;
// RFC 2822 approximation, the SDK's (utils.js normalizeEmail)
const EMAIL =
  /^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const PUNCTUATION = /[\p{P}\p{S}]/gu;

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/**
 * Region codes ICU names that are not ISO 3166-1 alpha-2 country codes: exceptionally or transitionally reserved
 * (UK, EU, AC, TA…), withdrawn (SU, YU, ZR…) or user-assigned (XK, QO, ZZ…). ICU's region names minus these are
 * the 249 assigned codes (pinned in identifiers.test.ts), the list the SDK checks with the iso-3166-1 package.
 */
const NOT_ISO = new Set(
  'AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB XK YD YU ZR ZZ'.split(' '),
);

/** ICU's answer by upper-case code (at most 26 × 26 entries): `regions.of` is the costly part of the check. */
const ASSIGNED = new Map<string, boolean>();

/** True for an assigned ISO 3166-1 alpha-2 code (lower or upper case). */
export function isCountryCode(code: string): boolean {
  if (!/^[a-z]{2}$/i.test(code)) return false;
  const upper = code.toUpperCase();
  let assigned = ASSIGNED.get(upper);
  if (assigned === undefined) {
    assigned = !NOT_ISO.has(upper) && regions.of(upper) !== undefined;
    ASSIGNED.set(upper, assigned);
  }
  return assigned;
}

/** True for a lowercase-able 64-hex value: already a SHA-256, sent as it is (never hashed twice). */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value.trim().toLowerCase());
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

const fail = (problem: string): Normalized => ({ ok: false, problem });
const ok = (value: string): Normalized => ({ ok: true, value, alreadyHashed: false });

/** The normalised form Meta hashes, or why the value cannot be one; 64-hex values come back unchanged. */
export function normalizeMetaIdentifier(field: MetaIdentifierField, input: string): Normalized {
  // what a mapping sends ($metaHash): a lowercase digest as it is, no normalised copy made to find that out
  if (input.length === 64 && SHA256_HEX.test(input)) return { ok: true, value: input, alreadyHashed: true };
  const value = input.normalize('NFC').trim().toLowerCase();
  if (value === '') return fail(`${field} is empty`);
  if (SHA256_HEX.test(value)) return { ok: true, value, alreadyHashed: true };
  switch (field) {
    case 'em':
      return EMAIL.test(value) ? ok(value) : fail(`em ${JSON.stringify(input)} is not an e-mail address`);
    case 'ph': {
      const digits = value.replace(/\D/g, '').replace(/^0+/, '');
      return digits.length >= 7 && digits.length <= 15
        ? ok(digits)
        : fail(`ph ${JSON.stringify(input)} is not a phone number with its country code (7–15 digits)`);
    }
    case 'fn':
    case 'ln': {
      const name = value.replace(PUNCTUATION, '').replace(/\s+/g, ' ').trim();
      return name === '' ? fail(`${field} ${JSON.stringify(input)} has no letters`) : ok(name);
    }
    case 'ct':
    case 'st': {
      const place = value.replace(PUNCTUATION, '').replace(/[\s\d]/g, '');
      return place === '' ? fail(`${field} ${JSON.stringify(input)} has no letters`) : ok(place);
    }
    case 'zp': {
      const zip = value.replace(/\s/g, '').split('-', 1)[0] ?? '';
      const us = /^\d{5}\d{4}$/.test(zip) ? zip.slice(0, 5) : zip;
      return us.length >= 2 ? ok(us) : fail(`zp ${JSON.stringify(input)} is too short to be a postal code`);
    }
    case 'country':
      return isCountryCode(value)
        ? ok(value)
        : fail(`country ${JSON.stringify(input)} is not an ISO 3166-1 alpha-2 code (e.g. us, de)`);
    case 'external_id':
      return ok(value);
    case 'db': {
      const digits = value.replace(/[-/.\s]/g, '');
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(digits);
      const valid = m !== null && Number(m[2]) >= 1 && Number(m[2]) <= 12 && Number(m[3]) >= 1 && Number(m[3]) <= 31;
      return valid ? ok(digits) : fail(`db ${JSON.stringify(input)} is not a date of birth YYYYMMDD`);
    }
    case 'ge': {
      const g = value.replace(/[^a-z]/g, '');
      if (g === 'f' || g === 'female') return ok('f');
      if (g === 'm' || g === 'male') return ok('m');
      return fail(`ge ${JSON.stringify(input)} is not f or m`);
    }
  }
}

/** Normalises and hashes one value (a 64-hex value passes unchanged); throws an Error naming the field. */
export function hashMetaIdentifier(field: MetaIdentifierField, input: string): string {
  const n = normalizeMetaIdentifier(field, input);
  if (!n.ok) throw new Error(n.problem);
  return n.alreadyHashed ? n.value : sha256Hex(n.value);
}
