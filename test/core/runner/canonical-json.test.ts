import { createHash } from 'node:crypto';
import { canonicalJson, canonicalJsonReference } from '../../../core/runner/canonical-json';
import { contentHash, recordDigest } from '../../../core/runner/hashing';

/** A seeded generator of JSON-like values with the cases canonical JSON must get right. */
function generator(seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const KEYS = [
    'id',
    'email',
    'name',
    'b',
    'a',
    '10',
    '9',
    '',
    'é',
    'Z',
    'z',
    'ключ',
    'with space',
    'q"uote',
    '\u0001',
  ];
  const STRINGS = [
    '',
    'plain',
    'Ann "Q"',
    'back\\slash',
    'line\nbreak',
    'tab\t',
    '\u0000',
    'ü',
    '😀',
    '\ud800',
    'x\udfffy',
    'Санкт-Петербург',
  ];
  const leaf = (): unknown =>
    pick<() => unknown>([
      () => pick(STRINGS),
      () => Math.floor(random() * 1e6) - 5e5,
      () => random() * 1e-7,
      () => pick([0, -0, 1e21, 1.5e-10, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER]),
      () => random() < 0.5,
      () => null,
      () => undefined,
      () => new Date(1_700_000_000_000 + Math.floor(random() * 1e9)),
      () => BigInt(Math.floor(random() * 1e6)),
      () => () => 1,
    ])();
  const value = (depth: number): unknown => {
    const r = random();
    if (depth > 3 || r < 0.4) return leaf();
    if (r < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 6); i > 0; i--) object[pick(KEYS)] = value(depth + 1);
    return object;
  };
  return value;
}

describe('canonical JSON', () => {
  it('is the plain recursive form on generated values (keys sorted, undefined left out, unusual values)', () => {
    const value = generator(42);
    for (let i = 0; i < 20_000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalJsonReference(v));
    }
  });

  it('stays the plain form for records that share a shape, whichever of their values are undefined', () => {
    const shape = (i: number) => ({
      zeta: i % 2 === 0 ? undefined : i,
      alpha: i % 3 === 0 ? undefined : `a${i}`,
      mid: { y: i % 5 === 0 ? undefined : [i], x: 'x' },
    });
    for (let i = 0; i < 30; i++) expect(canonicalJson(shape(i))).toBe(canonicalJsonReference(shape(i)));
    expect(canonicalJson({ b: undefined, a: undefined })).toBe('{}');
    expect(canonicalJson({ b: 1, a: undefined })).toBe('{"b":1}');
  });

  it('sorts keys in code-unit order and parses back to the same content', () => {
    const value = { b: 1, a: { d: [1, 'two', null], c: true }, '10': 'ten', '9': 'nine', é: 'e' };
    const text = canonicalJson(value);
    expect(text).toBe('{"10":"ten","9":"nine","a":{"c":true,"d":[1,"two",null]},"b":1,"é":"e"}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('gives the hashes it gave before: key order does not matter, content does', () => {
    expect(contentHash({ a: 1, b: 'x' })).toBe(contentHash({ b: 'x', a: 1 }));
    expect(contentHash({ a: 1, b: 'x' })).not.toBe(contentHash({ a: 1, b: 'y' }));
    // the read hash with and without field hashes is the hash of the same canonical text
    const record = { updatedAt: 5, name: 'Ann', email: 'ann@example.com', tags: ['b', 'a'] };
    expect(recordDigest(record, 'updatedAt', false).readHash).toBe(recordDigest(record, 'updatedAt', true).readHash);
    expect(recordDigest(record, 'updatedAt', false).readHash).toBe(contentHash(record));
    // pinned: links stored by earlier versions keep matching (sha256 of the canonical text, 32 hex characters)
    expect(contentHash({ b: [1, { d: null, c: 'x' }], a: 'é' })).toBe(
      createHash('sha256').update('{"a":"é","b":[1,{"c":"x","d":null}]}').digest('hex').slice(0, 32),
    );
  });
});
