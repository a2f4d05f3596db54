import { createHash } from 'node:crypto';
import type { SourceRecord } from './hashing';

/**
 * Erasure wins: a record that carries a suppressed identifier is never written. An identifier is hashed as
 * sha256 (hex) of its NFC-normalised, trimmed, lower-cased text; whoever adds a suppression (the erasure flow)
 * hashes with `identifierHash` too, so both sides agree.
 */
export function identifierHash(value: string): string {
  return createHash('sha256').update(value.normalize('NFC').trim().toLowerCase()).digest('hex');
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function collect(value: unknown, out: Set<string>, depth: number): void {
  if (typeof value === 'string') {
    if (EMAIL.test(value.trim())) out.add(identifierHash(value));
    return;
  }
  if (depth >= 3 || typeof value !== 'object' || value === null) return;
  for (const item of Array.isArray(value) ? value : Object.values(value)) collect(item, out, depth + 1);
}

/**
 * The identifier hashes a record is checked against: every e-mail address in the source record or the mapped
 * payload (nested up to three levels), the source key and the target identity value.
 */
export function suppressionCandidates(
  record: SourceRecord,
  payload: unknown,
  identifiers: readonly (string | undefined)[],
): string[] {
  const out = new Set<string>();
  collect(record, out, 0);
  collect(payload, out, 0);
  for (const id of identifiers) if (id !== undefined && id !== '') out.add(identifierHash(id));
  return [...out];
}
