import { hashGoogleIdentifier, isMd5Hex, normalizeGoogleIdentifier } from '../../core/sdk';

/**
 * Google's user identifiers as the Data Manager actions send them: the formatting and hashing rules are the SDK's
 * (core/sdk/identifiers.ts, the mapping standard library's `$googleHash` rules, with their sources in
 * core/mapping/stdlib/google.ts), not a copy kept here. This module builds Data Manager `UserIdentifier`s from a
 * record and names each field it refuses.
 */

/** Google's SHA-256 of an e-mail address (gmail.com: dots and +tag removed); a SHA-256 value passes lowercased. */
export const hashGoogleEmail = (raw: string): string | undefined => hashGoogleIdentifier('email', raw);
/** Google's SHA-256 of a phone number in E.164; `country` gives a nationally written number its country code. */
export const hashGooglePhone = (raw: string, country?: string): string | undefined =>
  hashGoogleIdentifier('phone', raw, country);

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

const MD5 =
  'looks like an MD5 digest (32 hex): Google matches SHA-256 only, so hashing it again would match nobody; send the raw value or its SHA-256';

/** Why a value was refused; an MD5 digest is named as one. */
const refused = (raw: string, reason: string): string => (isMd5Hex(raw) ? MD5 : reason);

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
    if (hashed === undefined) problems.push({ field: 'email', reason: refused(email, 'is not an e-mail address') });
    else identifiers.push({ emailAddress: hashed });
  }
  for (const phone of list(person.phone)) {
    // the person's country first: a connection's default region is for numbers nothing else places
    const hashed = hashGoogleIdentifier('phone', phone, person.regionCode, defaultRegion);
    if (hashed === undefined)
      problems.push({
        field: 'phone',
        reason: refused(
          phone,
          'is not a phone number in E.164 (write it with + and the country code, or give regionCode or the defaultRegion setting)',
        ),
      });
    else identifiers.push({ phoneNumber: hashed });
  }
  const addressParts = [person.givenName, person.familyName, person.postalCode].filter((p) => p !== undefined);
  if (addressParts.length > 0) {
    const given = person.givenName;
    const family = person.familyName;
    const givenName = given === undefined ? undefined : hashGoogleIdentifier('givenName', given);
    const familyName = family === undefined ? undefined : hashGoogleIdentifier('familyName', family);
    const regionCode =
      person.regionCode === undefined ? undefined : normalizeGoogleIdentifier('regionCode', person.regionCode);
    const postalCode =
      person.postalCode === undefined ? undefined : normalizeGoogleIdentifier('postalCode', person.postalCode);
    if ([given, family].some((name) => name !== undefined && isMd5Hex(name)))
      problems.push({ field: 'address', reason: `name ${MD5}` });
    else if (givenName && familyName && regionCode && postalCode)
      identifiers.push({ address: { givenName, familyName, regionCode, postalCode } });
    else
      problems.push({
        field: 'address',
        reason: 'an address needs givenName, familyName, regionCode (ISO 3166-1 alpha-2) and postalCode together',
      });
  }
  if (identifiers.length > MAX_IDENTIFIERS)
    problems.push({ field: 'email', reason: `at most ${MAX_IDENTIFIERS} identifiers per person` });
  return { identifiers, problems };
}
