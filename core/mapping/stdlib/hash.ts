import { hash } from 'node:crypto';
import { nfc } from './nfc';

/**
 * `$sha256(s)`, `$md5(s)`: lowercase hex digest of the UTF-8 bytes of the NFC-normalised string.
 * Numbers and booleans are hashed as their JSONata string form; undefined stays undefined. The functions do not
 * trim or lowercase: normalise first (e.g. `$sha256($normalizeEmail(email))`), as each vendor's rules differ.
 */

function digest(algorithm: 'sha256' | 'md5', value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw { code: `stdlib.${algorithm}`, message: `$${algorithm} expects a string, got ${typeof value}` };
  }
  return hash(algorithm, nfc(String(value)), 'hex');
}

export function sha256(value: unknown): string | undefined {
  return digest('sha256', value);
}

export function md5(value: unknown): string | undefined {
  return digest('md5', value);
}
