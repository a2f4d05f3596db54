import fs from 'node:fs';
import path from 'node:path';
import connector from '../../../connectors/file';
import { formatOf, resolveInDirectory } from '../../../connectors/file/client';
import { ConfigError } from '../../../core/sdk';
import { connection, tmpDir } from './helpers';

function refusal(fn: () => unknown): { field?: string; message: string } | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { field: error.field, message: error.message };
  }
}

describe('file connector: paths stay inside the directory', () => {
  it('resolves names inside the directory, including absolute ones that point inside', () => {
    const dir = tmpDir();
    expect(resolveInDirectory(dir, 'a.csv', 'path')).toBe(path.join(dir, 'a.csv'));
    expect(resolveInDirectory(dir, 'sub/../b.csv', 'output')).toBe(path.join(dir, 'b.csv'));
    expect(resolveInDirectory(dir, path.join(dir, 'c.csv'), 'path')).toBe(path.join(dir, 'c.csv'));
    expect(resolveInDirectory(dir, '..not-a-parent.csv', 'path')).toBe(path.join(dir, '..not-a-parent.csv'));
  });

  it('refuses .. escapes, absolute paths elsewhere, the directory itself and symlinks that point out', () => {
    const dir = tmpDir();
    const outside = tmpDir();
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'id\n1\n');
    fs.symlinkSync(outside, path.join(dir, 'link'));
    const escape = (name: string, field: 'path' | 'output') => refusal(() => resolveInDirectory(dir, name, field));
    expect(escape('../x.csv', 'path')).toEqual({
      field: 'path',
      message: `path "../x.csv" resolves outside directory "${dir}"; name a file inside that folder`,
    });
    expect(escape('a/../../x.csv', 'output')).toMatchObject({ field: 'output' });
    expect(escape('/etc/passwd', 'path')).toMatchObject({ field: 'path' });
    expect(escape('.', 'path')).toMatchObject({ field: 'path' });
    expect(escape('link/secret.csv', 'path')).toMatchObject({
      field: 'path',
      message: expect.stringContaining('resolves outside directory'),
    });
    expect(escape('link/new.csv', 'output')).toMatchObject({ field: 'output' });
    expect(refusal(() => resolveInDirectory(path.join(dir, 'nope'), 'a.csv', 'path'))).toMatchObject({
      field: 'directory',
    });
  });

  it('infers the format from the extension, or asks for the format setting', () => {
    expect(formatOf(undefined, 'a.CSV', 'path')).toBe('csv');
    expect(formatOf(undefined, 'a.tsv', 'path')).toBe('csv');
    expect(formatOf(undefined, 'a.jsonl', 'output')).toBe('ndjson');
    expect(formatOf('ndjson', 'a.txt', 'path')).toBe('ndjson');
    expect(refusal(() => formatOf(undefined, 'a.json', 'path'))).toMatchObject({ field: 'format' });
  });
});

describe('file connector: check()', () => {
  it('is ok for a readable, writable directory and says when the input file is not there yet', async () => {
    const dir = tmpDir();
    expect(await connector.check(connection({ directory: dir, path: 'later.csv', output: 'out.csv' }))).toEqual({
      ok: true,
      message: `directory ${dir} is readable and writable; later.csv does not exist yet`,
    });
  });

  it('fails for a missing directory, a file instead of a folder, and an unsafe path', async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'plain.txt'), '');
    expect(await connector.check(connection({ directory: path.join(dir, 'missing') }))).toEqual({
      ok: false,
      message: `directory "${path.join(dir, 'missing')}" does not exist`,
    });
    expect(await connector.check(connection({ directory: path.join(dir, 'plain.txt') }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/is not a folder$/),
    });
    expect(await connector.check(connection({ directory: dir, path: '../../etc/passwd.csv' }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('resolves outside directory'),
    });
  });
});
