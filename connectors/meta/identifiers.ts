import { META_KEYS, isoCountryCode, type MetaKey } from '../../core/sdk';

/**
 * Meta's customer-information parameters as the actions hash them: the rules are the SDK's (core/sdk/identifiers.ts,
 * the mapping standard library's `$metaHash` rules), not a copy kept here. Meta's documentation and Business SDK,
 * and where the two differ, are cited in core/mapping/stdlib/meta.ts.
 */

export {
  hashMetaIdentifier,
  isSha256Hex,
  normalizeMetaIdentifier,
  sha256Hex,
  type MetaNormalized as Normalized,
} from '../../core/sdk';

/** The parameters hashed before they are sent (em, ph, fn, ln, ct, st, zp, country, external_id, db, ge). */
export const META_HASHED_FIELDS = META_KEYS;
export type MetaIdentifierField = MetaKey;

/**
 * The person's country for the rules that need one (a nationally written `ph`, a US state written out in `st`): the
 * first value of a record's country field that is an ISO 3166-1 alpha-2 code (an already hashed country tells none).
 */
export function countryOf(country: string | readonly string[] | undefined): string | undefined {
  for (const value of typeof country === 'string' ? [country] : (country ?? [])) {
    const code = isoCountryCode(value);
    if (code !== undefined) return code;
  }
  return undefined;
}
