import fs from 'node:fs';
import path from 'node:path';
import type { FileCheckpoint } from '../../../connectors/file/streams/records';
import { ConfigError, type Json } from '../../../core/sdk';
import { ids, readAll, tmpDir } from './helpers';

function csvFile(dir: string, name: string, rows: number, from = 1): string {
  const lines = ['id,name,updatedAt'];
  for (let i = from; i < from + rows; i++) lines.push(`${i},name ${i},2024-01-${String(i).padStart(2, '0')}T00:00:00Z`);
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

const cp = (value: Json | null) => value as FileCheckpoint;

describe('file connector: reading CSV', () => {
  it('reads in pages of pageSize, each with a checkpoint at the offset after its last record', async () => {
    const dir = tmpDir();
    csvFile(dir, 'people.csv', 5);
    const { pages } = await readAll({ directory: dir, path: 'people.csv', pageSize: 2 });
    expect(pages.map((p) => ids(p.records))).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(pages[0].records[0]).toEqual({ id: '1', name: 'name 1', updatedAt: '2024-01-01T00:00:00Z', _line: 2 });
    const checkpoints = pages.map((p) => cp(p.checkpoint));
    expect(checkpoints.map((c) => [c.file, c.records, c.line])).toEqual([
      ['people.csv', 2, 3],
      ['people.csv', 4, 5],
      ['people.csv', 5, 6],
    ]);
    expect(checkpoints[2].offset).toBe(fs.statSync(path.join(dir, 'people.csv')).size);
    expect(JSON.parse(JSON.stringify(checkpoints))).toEqual(checkpoints);
  });

  it('resumes right after the last recorded record, and picks up appended rows', async () => {
    const dir = tmpDir();
    csvFile(dir, 'people.csv', 5);
    const settings = { directory: dir, path: 'people.csv', pageSize: 2 };
    const first = await readAll(settings, null, { maxPages: 1 }); // the run stopped after one page
    const rest = await readAll(settings, first.checkpoint);
    expect(ids(rest.records)).toEqual(['3', '4', '5']);

    const nothingNew = await readAll(settings, rest.checkpoint);
    expect(nothingNew.pages).toEqual([]);

    fs.appendFileSync(
      path.join(dir, 'people.csv'),
      '6,name 6,2024-01-06T00:00:00Z\n7,"Zoë, ""the"" 2nd",2024-01-07T00:00:00Z\n',
    );
    const appended = await readAll(settings, rest.checkpoint);
    expect(appended.records).toEqual([
      { id: '6', name: 'name 6', updatedAt: '2024-01-06T00:00:00Z', _line: 7 },
      { id: '7', name: 'Zoë, "the" 2nd', updatedAt: '2024-01-07T00:00:00Z', _line: 8 },
    ]);
    expect(cp(appended.checkpoint).records).toBe(7);
  });

  it('restarts from the first record when the file was replaced or truncated', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, path: 'people.csv', pageSize: 100 };
    csvFile(dir, 'people.csv', 3);
    const done = await readAll(settings);

    csvFile(dir, 'people.csv', 6, 101); // replaced by a longer file with other rows
    const replaced = await readAll(settings, done.checkpoint);
    expect(ids(replaced.records)).toEqual(['101', '102', '103', '104', '105', '106']);

    csvFile(dir, 'people.csv', 500, 101);
    const long = await readAll(settings);
    expect(long.records).toHaveLength(500);
    csvFile(dir, 'people.csv', 300, 101); // truncated: the same first rows (and first 4 KiB), shorter than the checkpoint
    const truncated = await readAll(settings, long.checkpoint);
    expect(truncated.records).toHaveLength(300);
    expect(truncated.records[0].id).toBe('101');

    csvFile(dir, 'people.csv', 2, 101);

    const foreign = await readAll(settings, { cursor: 'abc' });
    expect(ids(foreign.records)).toEqual(['101', '102']);
  });

  it('resumes exactly at record boundaries with quoted newlines, multi-byte text, CRLF and a BOM', async () => {
    const dir = tmpDir();
    const text = '\ufeffid,note\r\n1,"two\r\nlines"\r\n2,Ёжик 🦔\r\n3,"a,b"\r\n4,last';
    fs.writeFileSync(path.join(dir, 'notes.csv'), text);
    const settings = { directory: dir, path: 'notes.csv', pageSize: 1 };
    const expected = [
      { id: '1', note: 'two\r\nlines', _line: 2 },
      { id: '2', note: 'Ёжик 🦔', _line: 4 },
      { id: '3', note: 'a,b', _line: 5 },
      { id: '4', note: 'last', _line: 6 },
    ];
    let checkpoint: Json | null = null;
    for (const record of expected) {
      const one = await readAll(settings, checkpoint, { maxPages: 1 });
      expect(one.records).toEqual([record]);
      checkpoint = one.checkpoint;
    }
    expect((await readAll(settings, checkpoint)).records).toEqual([]);
  });

  it('reads header-less CSV with the columns setting, and TSV by its extension', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'raw.csv'), 'a;1\nb;2\n');
    fs.writeFileSync(path.join(dir, 'data.tsv'), 'id\tcity\nx\tСПб\n');
    const raw = await readAll({ directory: dir, path: 'raw.csv', header: false, columns: ['id', 'n'], delimiter: ';' });
    expect(raw.records).toEqual([
      { id: 'a', n: '1', _line: 1 },
      { id: 'b', n: '2', _line: 2 },
    ]);
    expect((await readAll({ directory: dir, path: 'data.tsv' })).records).toEqual([{ id: 'x', city: 'СПб', _line: 2 }]);
  });

  it('dead-letters a row with too many or too few cells with its line and raw text, and reads on', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'broken.csv'), 'id,name\n1,a\n2,b\n3,c,extra\n4,d\n5\n6,f\n');
    const { pages, records, checkpoint } = await readAll({ directory: dir, path: 'broken.csv', pageSize: 10 });
    expect(ids(records)).toEqual(['1', '2', '4', '6']);
    expect(pages.flatMap((p) => p.rejected ?? [])).toEqual([
      {
        reason: 'broken.csv line 4 cannot be read: the row has 3 cells, the file has 2 columns (id, name)',
        source: { _line: 4, raw: '3,c,extra' },
      },
      {
        reason: 'broken.csv line 6 cannot be read: the row has 1 cell, the file has 2 columns (id, name)',
        source: { _line: 6, raw: '5' },
      },
    ]);
    expect(cp(checkpoint)).toMatchObject({ records: 6, line: 7 });
  });

  it("keeps line numbers the file's own when a read resumes after a rejected row", async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'broken.csv'), 'id,name\n1,"two\nlines"\n2,b,x\n3,c\n4,"bad"q\n5,e\n');
    const settings = { directory: dir, path: 'broken.csv', pageSize: 1 };
    const lines: unknown[] = [];
    let checkpoint: Json | null = null;
    for (;;) {
      const one = await readAll(settings, checkpoint, { maxPages: 1 });
      if (one.pages.length === 0) break;
      lines.push(
        ...one.records.map((r) => r._line),
        ...(one.pages[0].rejected ?? []).map((r) => `!${String(r.source._line)}`),
      );
      checkpoint = one.checkpoint;
    }
    expect(lines).toEqual([2, '!4', 5, '!6', 7]);
  });

  it('an unclosed quote refuses only its own line; the rows after it are read', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'q.csv'), 'id,name\n1,a\n2,"never closed\n3,c\n4,d\n');
    const { records, pages } = await readAll({ directory: dir, path: 'q.csv' });
    expect(ids(records)).toEqual(['1', '3', '4']);
    expect(pages[0].rejected).toEqual([
      {
        reason: expect.stringContaining('line 3 cannot be read: a quoted cell is never closed'),
        source: { _line: 3, raw: '2,"never closed' },
      },
    ]);
  });

  it('an empty file or a header alone yields one empty page with a checkpoint', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'empty.csv'), '');
    fs.writeFileSync(path.join(dir, 'header.csv'), 'id,name\n');
    for (const name of ['empty.csv', 'header.csv']) {
      const { pages } = await readAll({ directory: dir, path: name });
      expect(pages).toHaveLength(1);
      expect(pages[0].records).toEqual([]);
      expect(cp(pages[0].checkpoint).file).toBe(name);
    }
  });

  it('with modifiedField, a read with since keeps newer records while the checkpoint covers all', async () => {
    const dir = tmpDir();
    csvFile(dir, 'people.csv', 5);
    const settings = { directory: dir, path: 'people.csv', modifiedField: 'updatedAt' };
    const { records, checkpoint } = await readAll(settings, null, { since: '2024-01-04T00:00:00Z' });
    expect(ids(records)).toEqual(['4', '5']);
    expect(cp(checkpoint).records).toBe(5);
  });
});

describe('file connector: reading NDJSON', () => {
  it('reads pages, skips blank lines, keeps JSON types, accepts CRLF and a last line without newline', async () => {
    const dir = tmpDir();
    const lines = [
      '{"id":1,"tags":["a"],"vip":true}',
      '',
      '{"id":2,"address":{"city":"Питер"}}\r',
      '{"id":3}',
      '{"id":4}',
    ];
    fs.writeFileSync(path.join(dir, 'events.ndjson'), lines.join('\n'));
    const { pages } = await readAll({ directory: dir, path: 'events.ndjson', pageSize: 3 });
    expect(pages.map((p) => ids(p.records))).toEqual([[1, 2, 3], [4]]);
    expect(pages[0].records.slice(0, 2)).toEqual([
      { id: 1, tags: ['a'], vip: true },
      { id: 2, address: { city: 'Питер' } },
    ]);
    expect(cp(pages[0].checkpoint)).toMatchObject({ records: 3, line: 4 });
    expect(cp(pages[1].checkpoint).offset).toBe(fs.statSync(path.join(dir, 'events.ndjson')).size);
  });

  it('resumes from a checkpoint and restarts when the file was replaced', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'events.jsonl');
    fs.writeFileSync(file, '{"id":"a"}\n{"id":"b"}\n{"id":"c"}\n');
    const settings = { directory: dir, path: 'events.jsonl', pageSize: 2 };
    const first = await readAll(settings, null, { maxPages: 1 });
    expect(ids(first.records)).toEqual(['a', 'b']);
    fs.appendFileSync(file, '{"id":"d"}\n');
    const rest = await readAll(settings, first.checkpoint);
    expect(ids(rest.records)).toEqual(['c', 'd']);

    fs.writeFileSync(file, '{"id":"x"}\n{"id":"y"}\n{"id":"z"}\n{"id":"w"}\n{"id":"v"}\n');
    expect(ids((await readAll(settings, rest.checkpoint)).records)).toEqual(['x', 'y', 'z', 'w', 'v']);
  });

  it('dead-letters a line that is not a JSON object with its line number, and reads on', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'bad.ndjson'), '{"id":1}\n{"id":2}\n{"id":3\n[1]\n{"id":4}\n');
    const { records, pages } = await readAll({ directory: dir, path: 'bad.ndjson' });
    expect(ids(records)).toEqual([1, 2, 4]);
    expect(pages[0].rejected).toEqual([
      { reason: expect.stringMatching(/^bad\.ndjson line 3 is not valid JSON/), source: { _line: 3, raw: '{"id":3' } },
      { reason: 'bad.ndjson line 4 is not a JSON object', source: { _line: 4, raw: '[1]' } },
    ]);
  });
});

describe('file connector: read configuration errors', () => {
  it('names the field at fault', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'data.txt'), 'x');
    const fieldOf = async (settings: Parameters<typeof readAll>[0]) => {
      try {
        await readAll(settings);
      } catch (error) {
        return [error instanceof ConfigError, (error as ConfigError).field, (error as Error).message];
      }
      return 'no error';
    };
    expect(await fieldOf({ directory: dir })).toEqual([true, 'path', expect.stringMatching(/^path is not set/)]);
    expect(await fieldOf({ directory: dir, path: 'missing.csv' })).toEqual([
      true,
      'path',
      expect.stringMatching(/^missing\.csv does not exist/),
    ]);
    expect(await fieldOf({ directory: dir, path: 'data.txt' })).toEqual([
      true,
      'format',
      expect.stringContaining('set format to "csv" or "ndjson"'),
    ]);
    expect(await fieldOf({ directory: dir, path: '../etc/passwd', format: 'csv' })).toEqual([
      true,
      'path',
      expect.stringMatching(/^path "\.\.\/etc\/passwd" resolves outside directory/),
    ]);
    expect(await fieldOf({ directory: dir, path: 'x.csv', header: false })).toEqual([
      true,
      'columns',
      expect.any(String),
    ]);
  });
});
