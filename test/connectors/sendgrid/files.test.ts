import { Readable } from 'node:stream';
import { errorRows, jsonObjects } from '../../../connectors/sendgrid/files';

/** The streaming readers of export and import-error files. */

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** A stream that hands the text over in tiny chunks, splitting objects, strings and multi-byte characters. */
function chunked(text: string, size = 3): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks);
}

describe('jsonObjects', () => {
  const objects = [{ a: 'x}{"', b: { c: [1, { d: '\\"]' }] } }, { e: 'Санкт-Петербург 🙂' }, {}];

  it('reads NDJSON and JSON arrays across arbitrary chunk boundaries', async () => {
    const ndjson = objects.map((o) => JSON.stringify(o)).join('\n') + '\n';
    expect(await collect(jsonObjects(chunked(ndjson), 't'))).toEqual(objects);
    expect(await collect(jsonObjects(chunked(JSON.stringify(objects, null, 2), 5), 't'))).toEqual(objects);
    expect(await collect(jsonObjects(chunked(''), 't'))).toEqual([]);
  });

  it('fails with a permanent error on a truncated or malformed file', async () => {
    await expect(collect(jsonObjects(chunked('{"a":1}\n{"b":'), 'export'))).rejects.toMatchObject({
      kind: 'permanent',
      message: expect.stringContaining('truncated'),
    });
    await expect(collect(jsonObjects(chunked('{"a":tru}'), 'export'))).rejects.toMatchObject({ kind: 'permanent' });
  });

  it('streams a large file without buffering it whole', async () => {
    const line = JSON.stringify({ id: 'x'.repeat(100) }) + '\n';
    async function* many() {
      for (let i = 0; i < 20_000; i++) yield Buffer.from(line);
    }
    let n = 0;
    for await (const _ of jsonObjects(Readable.from(many()), 't')) n++;
    expect(n).toBe(20_000);
  });
});

describe('errorRows', () => {
  it('reads CSV with quoted reasons, NDJSON and JSON arrays', async () => {
    const csv = '\ufeffEmail,Error\nA@x.com,"bad, very bad"\n,no email\n';
    expect(await collect(errorRows(chunked(csv)))).toEqual([
      { email: 'a@x.com', reason: 'bad, very bad' },
      { reason: 'no email' },
    ]);
    const json = '[{"email":"b@x.com","errors":["one","two"]}]';
    expect(await collect(errorRows(chunked(json)))).toEqual([{ email: 'b@x.com', reason: 'one; two' }]);
    const ndjson = '\n{"email":"c@x.com","message":"m"}\n';
    expect(await collect(errorRows(chunked(ndjson)))).toEqual([{ email: 'c@x.com', reason: 'm' }]);
    expect(await collect(errorRows(chunked('')))).toEqual([]);
  });
});
