import crypto from 'node:crypto';
import { normalizeEmail } from '../mapping/stdlib/email';
import { PermanentError } from '../sdk/errors';
import { canonicalJson } from './canonical-json';

/**
 * Hashes and keys the runner keeps on record links. A hash is over a canonical JSON form (object keys sorted,
 * undefined left out), so the same content always hashes alike whatever order a connector or mapping produced.
 */

export type SourceRecord = Record<string, unknown>;

/** Canonical JSON: sorted keys, undefined properties left out, non-finite numbers as null (canonical-json.ts). */
export const stableStringify: (value: unknown) => string = canonicalJson;

/** sha256 in hex: Node's one-shot `crypto.hash` (no Hash object per call) where the runtime has it (22+). */
const sha256Hex: (text: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (text) => (crypto as unknown as { hash(a: string, d: string, e: 'hex'): string }).hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** sha256 of the canonical JSON, 32 hex characters (128 bits). */
export function contentHash(value: unknown): string {
  return sha256Hex(stableStringify(value)).slice(0, 32);
}

/** A short hash per top-level field (the modification-time field left out): what changed between two reads. */
export function fieldHashes(record: SourceRecord, modifiedField?: string): Record<string, string> {
  return recordDigest(record, modifiedField, true).fields;
}

/**
 * The record's content hash (`contentHash(record)`) and, when asked, its field hashes (`fieldHashes`), from one
 * canonical serialisation: each field is serialised once, the record's canonical JSON is assembled from those
 * parts. Field hashes serve echo detection in sync pairs only; other flows skip them.
 */
export function recordDigest(
  record: SourceRecord,
  modifiedField: string | undefined,
  withFields: boolean,
): { readHash: string; fields: Record<string, string> } {
  // the whole record at once when no field hashes are asked (the same text as assembled below)
  if (!withFields) return { readHash: sha256Hex(canonicalJson(record)).slice(0, 32), fields: {} };
  const fields: Record<string, string> = {};
  const keys = Object.keys(record).sort();
  let canonical = '{';
  let first = true;
  for (const key of keys) {
    const value = record[key];
    if (value === undefined) continue;
    const json = canonicalJson(value);
    canonical += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
    if (key !== modifiedField) fields[key] = sha256Hex(json).slice(0, 16);
  }
  canonical += '}';
  return { readHash: sha256Hex(canonical).slice(0, 32), fields };
}

/** Reads a dot path (`address.city`). */
export function getPath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
}

/** The given (dot path) fields of a record; absent fields stay absent. */
export function pickPaths(record: SourceRecord, paths: readonly string[]): SourceRecord {
  const out: SourceRecord = {};
  for (const path of paths) {
    const value = getPath(record, path);
    if (value !== undefined) setPath(out, path, value);
  }
  return out;
}

/**
 * The source key of a record: the value of its identity field, or a JSON array of the values of several.
 * A record without a value for an identity field cannot be linked: PermanentError naming the field.
 */
export function sourceKeyOf(record: SourceRecord, identity: readonly string[], normalize?: 'email'): string {
  const values = identity.map((field) => {
    const value = getPath(record, field);
    if (value === undefined || value === null || value === '') {
      throw new PermanentError(`the record has no value for its identity field "${field}"`, { field });
    }
    if (normalize === 'email') {
      // flow identity.normalize: one record per normalised address; anything else is not usable as an identity
      const email = normalizeEmail(value);
      if (email === undefined)
        throw new PermanentError(`the identity field "${field}" does not hold a usable e-mail address`, { field });
      return email;
    }
    return typeof value === 'object' ? stableStringify(value) : String(value);
  });
  return values.length === 1 ? values[0] : JSON.stringify(values);
}

/** The source modification time in epoch ms: numbers are epoch ms, strings ISO dates; anything else unknown. */
export function modifiedAtOf(record: SourceRecord, modifiedField: string | undefined): number | undefined {
  if (modifiedField === undefined) return undefined;
  const value = getPath(record, modifiedField);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  if (value instanceof Date) return value.getTime();
  return undefined;
}
