import fs from 'node:fs';
import path from 'node:path';
import type { FileSettings } from '../../../connectors/file/schemas/settings';
import { ConfigError, type WriteOutcome } from '../../../core/sdk';
import { action, connection, readAll, tmpDir } from './helpers';

const write = (settings: FileSettings, records: object[]): Promise<WriteOutcome[]> =>
  action.write({ connection: connection(settings), records });
const read = (dir: string, name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

describe('file connector: writeRecords to CSV', () => {
  it('creates the file with a header once, then appends rows in the header order', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'out/contacts.csv' };
    const first = await write(settings, [
      { id: 'c1', email: 'a@example.com', vip: true },
      { id: 'c2', email: 'b@example.com', score: 4.5 },
    ]);
    expect(first).toEqual([
      { status: 'ok', targetId: 'c1', operation: 'created' },
      { status: 'ok', targetId: 'c2', operation: 'created' },
    ]);
    await write(settings, [{ email: 'c@example.com', id: 'c3', vip: false, score: null }]);
    expect(read(dir, 'out/contacts.csv')).toBe(
      'id,email,vip,score\nc1,a@example.com,true,\nc2,b@example.com,,4.5\nc3,c@example.com,false,\n',
    );
  });

  it('fails only the record that cannot be a CSV row, naming the field', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'out.csv' };
    await write(settings, [{ id: '1', name: 'Ann' }]);
    const outcomes = await write(settings, [
      { id: '2', name: 'Bob' },
      { id: '3', name: 'Cy', city: 'Москва' },
      { id: '4', name: ['D', 'E'] },
      { id: '5', name: 'Eve, "the" second' },
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: '2', operation: 'created' },
      {
        status: 'failed',
        failure: 'permanent',
        field: 'city',
        reason: 'field "city" is not a column of the file (columns: id, name)',
      },
      {
        status: 'failed',
        failure: 'permanent',
        field: 'name',
        reason: expect.stringContaining('field "name" is an array'),
      },
      { status: 'ok', targetId: '5', operation: 'created' },
    ]);
    const back = await readAll({ directory: dir, path: 'out.csv' });
    expect(back.records).toEqual([
      { id: '1', name: 'Ann', _line: 2 },
      { id: '2', name: 'Bob', _line: 3 },
      { id: '5', name: 'Eve, "the" second', _line: 4 },
    ]);
  });

  it('a nested object in a new file fails that record, the others form the header', async () => {
    const dir = tmpDir();
    const outcomes = await write({ directory: dir, output: 'new.csv' }, [
      { id: 'a', profile: { age: 3 } },
      { id: 'b', city: 'Kazan' },
    ]);
    expect(outcomes[0]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'profile',
      reason: 'field "profile" is an object; a CSV cell holds text, a number or a boolean (flatten it in the mapping)',
    });
    expect(outcomes[1]).toMatchObject({ status: 'ok', targetId: 'b' });
    expect(read(dir, 'new.csv')).toBe('id,city\nb,Kazan\n');
    expect(await write({ directory: dir, output: 'none.csv' }, [{ nested: { a: 1 } }])).toMatchObject([
      { status: 'failed' },
    ]);
    expect(fs.existsSync(path.join(dir, 'none.csv'))).toBe(false);
  });

  it('uses line numbers as target ids for records without the id field, and ends a last line first', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'log.csv'), 'ref,msg\nr1,"multi\nline"\nr2,no newline at end');
    const outcomes = await write({ directory: dir, output: 'log.csv', idField: 'ref' }, [
      { msg: 'x' },
      { ref: 'r9', msg: 'y' },
      { msg: 'z' },
    ]);
    expect(outcomes.map((o) => (o.status === 'ok' ? o.targetId : o.status))).toEqual(['line:5', 'r9', 'line:7']);
    expect(read(dir, 'log.csv')).toBe('ref,msg\nr1,"multi\nline"\nr2,no newline at end\n,x\nr9,y\n,z\n');
  });

  it('writes header-less files with the columns setting', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'plain.csv', header: false, columns: ['id', 'n'], delimiter: ';' };
    await write(settings, [{ id: 'a', n: 1 }]);
    await write(settings, [{ n: 2, id: 'b' }]);
    expect(read(dir, 'plain.csv')).toBe('a;1\nb;2\n');
  });
});

describe('file connector: writeRecords to NDJSON', () => {
  it('appends one JSON line per record and fails a record JSON cannot carry, naming the field', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'events.ndjson' };
    const outcomes = await write(settings, [
      { id: 1, tags: ['a'], at: new Date('2024-05-01T10:00:00Z') },
      { id: 2, amount: BigInt(10) },
      { id: 3, nested: { score: Number.NaN } },
      { name: 'no id' },
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: '1', operation: 'created' },
      {
        status: 'failed',
        failure: 'permanent',
        field: 'amount',
        reason: 'field "amount" is a bigint; write it as a string or a number',
      },
      {
        status: 'failed',
        failure: 'permanent',
        field: 'nested.score',
        reason: 'field "nested.score" is NaN, which JSON cannot carry',
      },
      { status: 'ok', targetId: 'line:2', operation: 'created' },
    ]);
    expect(read(dir, 'events.ndjson')).toBe(
      '{"id":1,"tags":["a"],"at":"2024-05-01T10:00:00.000Z"}\n{"name":"no id"}\n',
    );
  });

  it('concurrent batches to one file never interleave', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'many.ndjson' };
    const batch = (b: number) => Array.from({ length: 200 }, (_, i) => ({ id: `${b}-${i}`, text: 'x'.repeat(200) }));
    await Promise.all([1, 2, 3, 4, 5].map((b) => write(settings, batch(b))));
    const lines = read(dir, 'many.ndjson').trimEnd().split('\n');
    expect(lines).toHaveLength(1000);
    const batches = lines.map((l) => (JSON.parse(l) as { id: string }).id.split('-')[0]);
    const runs = batches.filter((b, i) => i === 0 || b !== batches[i - 1]);
    expect(runs).toHaveLength(5);
  });
});

describe('file connector: concurrent first batches to a new CSV file', () => {
  it('write the header exactly once', async () => {
    const dir = tmpDir();
    const settings = { directory: dir, output: 'new.csv' };
    await Promise.all([1, 2, 3].map((b) => write(settings, [{ id: `${b}`, name: `n${b}` }])));
    const lines = read(dir, 'new.csv').trimEnd().split('\n');
    expect(lines.filter((l) => l === 'id,name')).toHaveLength(1);
    expect(lines[0]).toBe('id,name');
    expect(lines.slice(1).sort()).toEqual(['1,n1', '2,n2', '3,n3']);
  });
});

describe('file connector: writeRecords configuration errors', () => {
  it('refuses an output outside the directory and a missing output setting', async () => {
    const dir = tmpDir();
    await expect(write({ directory: dir, output: '../escape.csv' }, [{ id: 1 }])).rejects.toMatchObject({
      field: 'output',
      message: expect.stringMatching(/^output "\.\.\/escape\.csv" resolves outside directory/),
    });
    await expect(write({ directory: dir }, [{ id: 1 }])).rejects.toBeInstanceOf(ConfigError);
    expect(fs.existsSync(path.join(path.dirname(dir), 'escape.csv'))).toBe(false);
  });
});
