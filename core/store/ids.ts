import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Prefixes used for ids, so an id says what it names (`con_…` is a connection). */
export const ID_PREFIX = {
  connection: 'con',
  mapping: 'map',
  flow: 'flw',
  run: 'run',
  runFailure: 'rfl',
  recordLink: 'lnk',
  entity: 'ent',
  deadLetter: 'dlq',
  suppression: 'sup',
  audit: 'aud',
  apiToken: 'tok',
  webhookEvent: 'whe',
} as const;

/**
 * A new id: `<prefix>_` + 10 characters of millisecond time + 16 random characters (80 bits), base32.
 * Ids of one kind sort by creation time, which keeps "newest first" listings and index inserts cheap.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  let time = '';
  let t = Math.max(0, Math.floor(now));
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  return `${prefix}_${time}${base32(randomBytes(10), 16)}`;
}
