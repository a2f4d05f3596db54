import fs from 'node:fs';
import path from 'node:path';
import type { FileCheckpoint } from '../../../connectors/file/streams/records';
import { connection, stream, tmpDir } from './helpers';

const LINES = 200_000;
const PAGE = 1_000;

/** Writes a large file in chunks, never holding it whole. */
function generate(file: string, header: string | undefined, line: (i: number) => string): void {
  fs.writeFileSync(file, header === undefined ? '' : `${header}\n`);
  for (let start = 0; start < LINES; start += 10_000) {
    const chunk: string[] = [];
    for (let i = start; i < Math.min(LINES, start + 10_000); i++) chunk.push(line(i));
    fs.appendFileSync(file, `${chunk.join('\n')}\n`);
  }
}

describe.each([
  ['big.csv', 'id,email,city,note', (i: number) => `${i},user${i}@example.com,City ${i % 97},"note, ${i}"`],
  [
    'big.ndjson',
    undefined,
    (i: number) => JSON.stringify({ id: i, email: `user${i}@example.com`, city: `City ${i % 97}` }),
  ],
] as const)('file connector: a %s of 200k records', (name, header, line) => {
  let dir: string;
  let size: number;
  beforeAll(() => {
    dir = tmpDir();
    generate(path.join(dir, name), header, line);
    size = fs.statSync(path.join(dir, name)).size;
  });

  it('streams every record in pages of at most pageSize, the checkpoint advancing through the file', async () => {
    const settings = { directory: dir, path: name, pageSize: PAGE };
    let pages = 0;
    let records = 0;
    let largestPage = 0;
    let lastId: unknown;
    let firstOffset = -1;
    let checkpoint: FileCheckpoint | undefined;
    for await (const page of stream.read({ connection: connection(settings), checkpoint: null })) {
      pages += 1;
      records += page.records.length;
      largestPage = Math.max(largestPage, page.records.length);
      lastId = (page.records[page.records.length - 1] as { id: unknown }).id;
      checkpoint = page.checkpoint as FileCheckpoint;
      if (firstOffset === -1) firstOffset = checkpoint.offset;
    }
    expect({ pages, records, largestPage }).toEqual({ pages: LINES / PAGE, records: LINES, largestPage: PAGE });
    expect(String(lastId)).toBe(String(LINES - 1));
    expect(checkpoint).toMatchObject({ records: LINES, offset: size });
    // the first page's checkpoint sits after 1,000 records, a small fraction of the file
    expect(firstOffset).toBeLessThan(size / 100);
  });
});

// csv-parse runs several times slower inside jest's vm than in plain Node, so resuming inside a large file is
// checked on NDJSON; CSV resume positions are checked byte-exactly in read.test.ts.
describe('file connector: resuming inside a 200k-record file', () => {
  it('resumes from a checkpoint in the middle and reads only the rest', async () => {
    const dir = tmpDir();
    generate(path.join(dir, 'big.ndjson'), undefined, (i) => JSON.stringify({ id: i }));
    const settings = { directory: dir, path: 'big.ndjson', pageSize: PAGE };
    let checkpoint: FileCheckpoint | undefined;
    let pages = 0;
    for await (const page of stream.read({ connection: connection(settings), checkpoint: null })) {
      checkpoint = page.checkpoint as FileCheckpoint;
      if (++pages === 50) break; // the run stops after 50 pages
    }
    let records = 0;
    let firstId: unknown;
    for await (const page of stream.read({ connection: connection(settings), checkpoint: checkpoint ?? null })) {
      firstId ??= (page.records[0] as { id: unknown }).id;
      records += page.records.length;
    }
    expect(firstId).toBe(50 * PAGE);
    expect(records).toBe(LINES - 50 * PAGE);
  });
});
