import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import connector from '../../../connectors/file';
import { allowedRoots } from '../../../connectors/file/roots';
import { ConfigError } from '../../../core/sdk';
import { CliBed } from '../../core/cli/helpers';
import { action, connection, readAll } from './helpers';

/**
 * Issue 13.4: a file connection reads and writes only inside the hub's file roots (HUB_FILES_ROOT, default
 * <data dir>/files, plus ./imports), symlinks followed; refused when the connection is saved, naming the setting
 * and the roots, and again at read and write time (a symlink swapped after the save).
 */

describe('file connector: files stay in the hub folders', () => {
  let bed: CliBed;
  let root: string;
  let outside: string;

  beforeEach(() => {
    bed = new CliBed();
    root = path.join(bed.dir, 'files');
    fs.mkdirSync(root, { recursive: true });
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.csv'), 'id,secret\n1,do not read me\n');
  });
  afterEach(() => {
    bed.cleanup();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  const add = async (name: string, settings: Record<string, unknown>) =>
    bed.hub('connections', 'add', 'file', '--name', name, '--settings', bed.write(`${name}.json`, settings));

  it('refuses to save a directory outside the roots, naming the setting, the roots and HUB_FILES_ROOT', async () => {
    for (const directory of ['/', '/etc', outside, path.join(root, '..')]) {
      const result = await add('escape', { directory, path: 'etc/passwd' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`directory "${directory}" is outside the folders the hub may read and write`);
      expect(result.stderr).toContain(root);
      expect(result.stderr).toContain('HUB_FILES_ROOT');
    }
    const listed = await bed.hub('connections', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('refuses .. and absolute paths out of the directory, for path and output, on add and on update', async () => {
    for (const settings of [
      { path: '../../../../etc/passwd' },
      { path: '/etc/passwd' },
      { output: '../escape.ndjson' },
      { output: path.join(outside, 'x.ndjson') },
    ]) {
      const result = await add('escape', { directory: root, ...settings });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/(path|output) ".*" resolves outside directory/);
    }
    expect((await add('ok', { directory: root, path: 'in.csv' })).code).toBe(0);
    const update = await bed.hub(
      'connections',
      'update',
      'ok',
      '--settings',
      bed.write('upd.json', { directory: outside }),
    );
    expect(update.code).not.toBe(0);
    expect(update.stderr).toContain(`directory "${outside}" is outside the folders`);
  });

  it('refuses symlinks that lead out of the roots: a linked directory, a linked file, a linked parent', async () => {
    fs.symlinkSync(outside, path.join(root, 'linked-dir'));
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'linked.csv'));
    fs.symlinkSync('/etc/passwd', path.join(root, 'dangling-or-not.csv'));
    const cases: [Record<string, unknown>, string][] = [
      [{ directory: path.join(root, 'linked-dir'), path: 'secret.csv' }, 'directory'],
      [{ directory: root, path: 'linked.csv' }, 'path'],
      [{ directory: root, path: 'linked-dir/secret.csv' }, 'path'],
      [{ directory: root, output: 'linked-dir/new.ndjson' }, 'output'],
      [{ directory: root, path: 'dangling-or-not.csv' }, 'path'],
    ];
    for (const [settings, field] of cases) {
      const result = await add('link', settings);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`${field} "`);
    }
  });

  it('refuses at read time (dry run and run) when the file was swapped for a symlink after the save', async () => {
    bed.write('files/contacts.csv', 'Email,Phone\nann@example.com,1\n');
    expect((await add('contacts', { directory: root, path: 'contacts.csv' })).code).toBe(0);
    expect((await add('cleaned', { directory: root, output: 'clean.ndjson' })).code).toBe(0);
    await bed.enableCleanContactList();
    fs.rmSync(path.join(root, 'contacts.csv'));
    fs.symlinkSync(path.join(outside, 'secret.csv'), path.join(root, 'contacts.csv'));

    const dry = await bed.hub('flows', 'run', 'clean-contact-list', '--dry-run');
    expect(dry.code).not.toBe(0);
    expect(dry.stderr).toContain('path "contacts.csv" resolves outside directory');
    expect(dry.stdout).not.toContain('do not read me');

    const run = await bed.hub('flows', 'run', 'clean-contact-list', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      status: 'failed',
      error: { kind: 'config', message: expect.stringContaining('resolves outside directory'), field: 'path' },
    });
    expect(fs.existsSync(path.join(root, 'clean.ndjson'))).toBe(false);
  });

  it('refuses at write time: writeRecords does not append through a symlink swapped in after the save', async () => {
    const target = path.join(outside, 'victim.ndjson');
    fs.writeFileSync(target, '{"keep":"me"}\n');
    const settings = { directory: root, output: 'out.ndjson' };
    expect(() => connector.checkSettings?.(settings)).not.toThrow();
    fs.symlinkSync(target, path.join(root, 'out.ndjson'));
    await expect(action.write({ connection: connection(settings), records: [{ id: 1 }] })).rejects.toMatchObject({
      field: 'output',
      message: expect.stringContaining('outside'),
    });
    fs.rmSync(path.join(root, 'out.ndjson'));
    fs.symlinkSync(outside, path.join(root, 'sub'));
    await expect(
      action.write({ connection: connection({ directory: root, output: 'sub/victim.ndjson' }), records: [{ id: 1 }] }),
    ).rejects.toBeInstanceOf(ConfigError);
    expect(fs.readFileSync(target, 'utf8')).toBe('{"keep":"me"}\n');
  });

  it('refuses at read time through the stream, with `..` and absolute paths as well', async () => {
    await expect(readAll({ directory: root, path: '../../etc/passwd', format: 'csv' })).rejects.toMatchObject({
      field: 'path',
    });
    await expect(readAll({ directory: '/etc', path: 'passwd', format: 'csv' })).rejects.toMatchObject({
      field: 'directory',
      message: expect.stringContaining('HUB_FILES_ROOT'),
    });
    await expect(readAll({ directory: root, path: path.join(outside, 'secret.csv') })).rejects.toMatchObject({
      field: 'path',
    });
    expect(await connector.check(connection({ directory: '/etc' }))).toMatchObject({
      ok: false,
      message: expect.stringContaining('outside the folders'),
    });
  });

  it('the roots: HUB_FILES_ROOT (comma-separated), else <data dir>/files; ./imports always', () => {
    expect(allowedRoots({ HUB_DATA_DIR: '/srv/hub' }, '/work')).toEqual(['/srv/hub/files', '/work/imports']);
    expect(allowedRoots({}, '/work')).toEqual(['/work/data/files', '/work/imports']);
    expect(allowedRoots({ HUB_FILES_ROOT: '/a, b ,', HUB_DATA_DIR: '/srv/hub' }, '/work')).toEqual([
      '/a',
      '/work/b',
      '/work/imports',
    ]);
  });
});
