import { Client } from 'pg';
import { pgArray } from '../../../core/store/raw-pg';
import { engines, pgUrl } from '../../helpers/postgres';

/**
 * Array parameters of the prepared statements are written as PostgreSQL array literals by JSON.stringify
 * (core/store/raw-pg.ts: pgArray), or handed to pg's own conversion where JSON would write them differently. The
 * server must read back exactly the values given, as it does from pg's conversion.
 */
const postgres = engines.includes('postgres');

(postgres ? describe : describe.skip)('pgArray on PostgreSQL (HUB_TEST_DATABASE_URL)', () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ connectionString: pgUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  const readBack = async (type: string, parameter: unknown): Promise<unknown> =>
    (await client.query<{ a: unknown }>(`select $1::${type}[] as a`, [parameter])).rows[0]?.a;

  it.each([
    ['plain ids', ['lnk_1', 'lnk_2', 'ent_x']],
    ['an empty array', []],
    ['nulls and look-alikes', [null, 'NULL', 'null', '', ' ', 'Null']],
    ['quotes, backslashes, braces, commas', ['say "hi"', 'back\\slash', '\\"}', '{a,b}', 'a,b', "it's", '\\\\']],
    ['JSON texts', [JSON.stringify({ email: 'a@x.io', 'we"ird\\': ['x', null] }), '[]', '{}']],
    ['unicode', ['ünï€', '😀', '\u2028\u2029', '\u007f']],
    ['control characters (pg converts them)', ['new\nline', 'tab\there', 'cr\r', '\u0001', 'bell\b', 'ff\f']],
  ])('reads back text[] of %s as given', async (_label, values) => {
    const literal = pgArray(values);
    expect(await readBack('text', literal)).toEqual(values);
    // as pg's own conversion of the same array
    expect(await readBack('text', literal)).toEqual(await readBack('text', values));
  });

  it('writes an array literal whenever JSON holds the values as the literal would, else hands the array to pg', () => {
    expect(pgArray(['a', null, 'b"c'])).toBe('{"a",null,"b\\"c"}');
    expect(pgArray([1, -2, null])).toBe('{1,-2,null}');
    const escaped = ['new\nline'];
    expect(pgArray(escaped)).toBe(escaped);
    const notFinite = [1, Number.NaN];
    expect(pgArray(notFinite)).toBe(notFinite);
  });

  it('reads back bigint[] and integer[] as given: large, negative, null', async () => {
    const values = [0, 1, -5, 2 ** 53 - 1, null, 1_700_000_000_000];
    const read = (await readBack('bigint', pgArray(values))) as (string | null)[];
    expect(read.map((v) => (v === null ? null : Number(v)))).toEqual(values);
    expect(await readBack('integer', pgArray([1, 2, null, -3]))).toEqual([1, 2, null, -3]);
    // a number that is no bigint is refused, as pg's conversion of it is
    await expect(readBack('bigint', pgArray([Number.NaN]))).rejects.toThrow(/bigint/);
  });
});
