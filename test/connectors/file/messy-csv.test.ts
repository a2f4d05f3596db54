import fs from 'node:fs';
import path from 'node:path';
import type { FileCheckpoint } from '../../../connectors/file/streams/records';
import type { Json } from '../../../core/sdk';
import { action, connection, readAll, stream, tmpDir } from './helpers';

/** CSV as people export it: Excel's encodings and delimiters, detected when the settings do not say. */

const ROWS = ['Email;Имя;Город', 'ivan@example.com;Иван;Москва', 'anna@example.com;Анна;Санкт-Петербург'];
const EXPECTED = [
  { Email: 'ivan@example.com', Имя: 'Иван', Город: 'Москва', _line: 2 },
  { Email: 'anna@example.com', Имя: 'Анна', Город: 'Санкт-Петербург', _line: 3 },
];
const cp = (value: Json | null) => value as FileCheckpoint;

/** Windows-1251 bytes of a Cyrillic/ASCII text (Node has no encoder for it; the code page is regular). */
function cp1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((ch) => {
      const code = ch.codePointAt(0) as number;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (code === 0x401) return 0xa8;
      if (code === 0x451) return 0xb8;
      throw new Error(`not in this test's code page table: ${ch}`);
    }),
  );
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
  return le;
}

describe('file connector: encodings and delimiters detected', () => {
  const text = `${ROWS.join('\r\n')}\r\n`;
  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'UTF-8 with BOM'],
    ['UTF-8 without BOM', Buffer.from(text), 'UTF-8'],
    ['Windows-1251', cp1251(text), 'Windows-1251'],
    ['UTF-16 LE with BOM (Excel "Unicode text")', Buffer.from(`\ufeff${text}`, 'utf16le'), 'UTF-16 LE with BOM'],
    ['UTF-16 BE with BOM', utf16be(`\ufeff${text}`), 'UTF-16 BE with BOM'],
    ['UTF-16 LE without BOM', Buffer.from(text, 'utf16le'), 'UTF-16 LE'],
  ])('reads a semicolon CSV in %s, and says how it read it', async (_name, bytes, readAs) => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'contacts.csv'), bytes);
    const { records, checkpoint } = await readAll({ directory: dir, path: 'contacts.csv' });
    expect(records).toEqual(EXPECTED);
    expect(cp(checkpoint)).toMatchObject({
      readAs: `contacts.csv: ${readAs}, delimiter semicolon`,
      offset: bytes.length,
      records: 2,
    });
  });

  it('resumes a UTF-16 file at the exact byte offset of a record boundary, with the same dialect', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'contacts.csv');
    fs.writeFileSync(file, Buffer.from(`\ufeff${text}`, 'utf16le'));
    const settings = { directory: dir, path: 'contacts.csv', pageSize: 1 };
    const first = await readAll(settings, null, { maxPages: 1 });
    expect(first.records).toEqual([EXPECTED[0]]);
    fs.appendFileSync(file, Buffer.from('petr@example.com;Пётр;Казань\r\n', 'utf16le'));
    const rest = await readAll(settings, first.checkpoint);
    expect(rest.records).toEqual([EXPECTED[1], { Email: 'petr@example.com', Имя: 'Пётр', Город: 'Казань', _line: 4 }]);
  });

  it.each([
    [',', 'comma'],
    ['\t', 'tab'],
    ['|', 'pipe'],
    [';', 'semicolon'],
  ])('detects the %j delimiter from the header, ignoring ones inside quotes', async (delimiter, name) => {
    const dir = tmpDir();
    const other = delimiter === ',' ? ';' : ',';
    const lines = [
      ['id', `"a${other}b${other}c"`, 'note'].join(delimiter),
      ['1', `"x${other}y"`, 'one'].join(delimiter),
      ['2', 'z', 'two'].join(delimiter),
    ];
    fs.writeFileSync(path.join(dir, 'data.csv'), `${lines.join('\n')}\n`);
    const { records, checkpoint } = await readAll({ directory: dir, path: 'data.csv' });
    expect(records).toEqual([
      { id: '1', [`a${other}b${other}c`]: `x${other}y`, note: 'one', _line: 2 },
      { id: '2', [`a${other}b${other}c`]: 'z', note: 'two', _line: 3 },
    ]);
    expect(cp(checkpoint).readAs).toBe(`data.csv: UTF-8, delimiter ${name}`);
  });

  it('the delimiter and encoding settings win over detection', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'data.csv'), 'a;b,c\n1;2,3\n');
    const comma = await readAll({ directory: dir, path: 'data.csv', delimiter: ',' });
    expect(comma.records).toEqual([{ 'a;b': '1;2', c: '3', _line: 2 }]);
    fs.writeFileSync(path.join(dir, 'latin.csv'), Buffer.from('id;name\n1;\xc0\xe1\n', 'latin1'));
    const forced = await readAll({ directory: dir, path: 'latin.csv', encoding: 'windows-1251' });
    expect(forced.records).toEqual([{ id: '1', name: 'Аб', _line: 2 }]);
  });

  it('quoted cells keep their line breaks, doubled quotes and delimiters; every row keeps its own line number', async () => {
    const dir = tmpDir();
    fs.writeFileSync(
      path.join(dir, 'notes.csv'),
      'id;note\n1;"first\nsecond\nthird"\n2;"say ""hi""; twice"\n\n3;plain\n',
    );
    const { records } = await readAll({ directory: dir, path: 'notes.csv' });
    expect(records).toEqual([
      { id: '1', note: 'first\nsecond\nthird', _line: 2 },
      { id: '2', note: 'say "hi"; twice', _line: 5 },
      { id: '3', note: 'plain', _line: 7 },
    ]);
  });

  it('a malformed row (bad quoting, too many or too few cells) is handed over as rejected with its line and raw text', async () => {
    const dir = tmpDir();
    const csv = [
      '\ufeffEmail;Name',
      'a@example.com;A',
      'b@example.com;"B" junior',
      'c@example.com;C;extra',
      'd@example.com',
      'e@example.com;E;',
      'f@example.com;"F',
      'ok"quote@example.com;G',
    ].join('\r\n');
    fs.writeFileSync(path.join(dir, 'contacts.csv'), csv);
    const { pages, records } = await readAll({ directory: dir, path: 'contacts.csv' });
    expect(records.map((r) => [r._line, r.Email])).toEqual([
      [2, 'a@example.com'],
      [6, 'e@example.com'],
      [8, 'ok"quote@example.com'],
    ]);
    const rejected = pages.flatMap((p) => p.rejected ?? []);
    expect(rejected.map((r) => r.source)).toEqual([
      { _line: 3, raw: 'b@example.com;"B" junior' },
      { _line: 4, raw: 'c@example.com;C;extra' },
      { _line: 5, raw: 'd@example.com' },
      { _line: 7, raw: 'f@example.com;"F' },
    ]);
    expect(rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/^contacts\.csv line 3 cannot be read: cell 2 has text after its closing quote/),
      'contacts.csv line 4 cannot be read: the row has 3 cells, the file has 2 columns (Email, Name)',
      'contacts.csv line 5 cannot be read: the row has 1 cell, the file has 2 columns (Email, Name)',
      expect.stringMatching(/^contacts\.csv line 7 cannot be read: a quoted cell is never closed/),
    ]);
  });

  it('re-reads rows by their line with the current settings (refetch), and says which are gone', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'contacts.csv');
    fs.writeFileSync(file, 'Email;Name\na@example.com;A\nb@example.com;B;x\nc@example.com;C\n');
    const refetch = stream.refetch;
    if (refetch === undefined) throw new Error('the records stream must offer refetch');
    const settings = { directory: dir, path: 'contacts.csv', delimiter: ',' };
    const wrong = await readAll(settings);
    expect(wrong.records[0]).toEqual({ 'Email;Name': 'a@example.com;A', _line: 2 });
    // the row at line 3 is fixed in the file; the connection is fixed (detected delimiter)
    fs.writeFileSync(file, 'Email;Name\na@example.com;A\nb@example.com;B\nc@example.com;C\n');
    const again = await refetch({
      connection: connection({ directory: dir, path: 'contacts.csv' }),
      records: [
        { key: '(no identity)', source: wrong.records[0] },
        { key: '(no identity)', source: { _line: 3, raw: 'b@example.com;B;x' } },
        { key: '(no identity)', source: { _line: 9 } },
        { key: 'x', source: { Email: 'no line' } },
      ],
    });
    expect(again).toEqual([
      { status: 'found', record: { Email: 'a@example.com', Name: 'A', _line: 2 } },
      { status: 'found', record: { Email: 'b@example.com', Name: 'B', _line: 3 } },
      { status: 'missing', reason: 'contacts.csv has no row starting on line 9 any more' },
      { status: 'unsupported' },
    ]);
  });
});

describe('file connector: appending to a CSV file exported by people', () => {
  it('keeps the existing file delimiter, and refuses to append UTF-8 to a UTF-16 file', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'out.csv'), '\ufeffEmail;Name\r\na@example.com;A\r\n');
    const write = (output: string) =>
      action.write({
        connection: connection({ directory: dir, output }),
        records: [{ Email: 'b@example.com', Name: 'B' }],
      });
    expect(await write('out.csv')).toEqual([{ status: 'ok', targetId: 'line:3', operation: 'created' }]);
    expect(fs.readFileSync(path.join(dir, 'out.csv'), 'utf8')).toBe(
      '\ufeffEmail;Name\r\na@example.com;A\r\nb@example.com;B\n',
    );
    fs.writeFileSync(path.join(dir, 'wide.csv'), Buffer.from('\ufeffEmail;Name\r\n', 'utf16le'));
    await expect(write('wide.csv')).rejects.toMatchObject({
      field: 'output',
      message: expect.stringContaining('is UTF-16 LE with BOM, and records are appended in UTF-8'),
    });
  });
});
