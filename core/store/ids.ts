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
  webhookRejection: 'whr',
} as const;

/**
 * Random bytes for ids, drawn from a pool refilled 4 KiB at a time: one CSPRNG call per ~400 ids instead of one
 * per id (the runner creates an id for every link row it inserts, which made `randomBytes` show in profiles).
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomChunk(length: number): Uint8Array {
  if (poolOffset + length > pool.length) {
    pool = randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const chunk = pool.subarray(poolOffset, poolOffset + length);
  poolOffset += length;
  return chunk;
}

/**
 * A new id: `<prefix>_` + 10 characters of millisecond time + 16 random characters (80 bits), base32.
 * Ids of one kind sort by creation time, which keeps "newest first" listings and index inserts cheap.
 */
export function newId(prefix: string, now: number = Date.now()): string {
  return `${prefix}_${timePart(now)}${base32(randomChunk(10), 16)}`;
}

/** The time part of the last id made, kept: a page's links are made with one `now`. */
let lastTime = -1;
let lastTimePart = '';

function timePart(now: number): string {
  const ms = Math.max(0, Math.floor(now));
  if (ms === lastTime) return lastTimePart;
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  lastTime = ms;
  lastTimePart = time;
  return time;
}
