import { execFileSync } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../core/cli/main';
import {
  assertSamePluginSet,
  comparePluginSets,
  PLUGIN_SET_KEY,
  pluginSetEntry,
  pluginSetOf,
  readPluginSet,
  recordPluginSet,
  type MetaStore,
  type PluginSetEntry,
} from '../../../core/registry/plugin-set';
import { ConfigError } from '../../../core/sdk/errors';
import { CliBed } from '../cli/helpers';

// the fixture plugin requires the SDK by its public name; under jest that id is mapped to the sources
jest.mock('connector-hub/sdk', () => jest.requireActual('../../../core/sdk'), { virtual: true });

const repo = path.resolve(__dirname, '../../..');
const goodFixture = path.join(repo, 'test/fixtures/plugins/good');

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-plugin-set-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the good fixture plugin, optionally with another version or main file. */
function pluginCopy(name: string, changes: { version?: string; appendToMain?: string } = {}): string {
  const dir = path.join(tmp, name);
  fs.cpSync(goodFixture, dir, { recursive: true });
  const pkgFile = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  if (changes.version !== undefined) pkg.version = changes.version;
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  if (changes.appendToMain !== undefined) fs.appendFileSync(path.join(dir, 'lib/index.js'), changes.appendToMain);
  return dir;
}

function memoryMeta(): MetaStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: async (key) => values.get(key),
    set: async (key, value) => {
      values.set(key, value);
    },
  };
}

const entry = (name: string, version: string, integrity = `sha256-${name}${version}`): PluginSetEntry => ({
  name,
  version,
  integrity,
});

describe('pluginSetEntry', () => {
  it('names a folder plugin by its package.json and hashes package.json with the main file', () => {
    const a = pluginSetEntry(pluginCopy('a'), tmp);
    const same = pluginSetEntry(pluginCopy('same'), tmp);
    const edited = pluginSetEntry(pluginCopy('edited', { appendToMain: '\n// changed\n' }), tmp);
    expect(a).toEqual({ name: 'hub-plugin-echo', version: '0.3.0', integrity: expect.stringMatching(/^sha256-/) });
    expect(same?.integrity).toBe(a?.integrity);
    expect(edited?.version).toBe('0.3.0');
    expect(edited?.integrity).not.toBe(a?.integrity);
  });

  it('reads a tarball as npm pack writes it: name and version inside, hash of the file', () => {
    const staging = path.join(tmp, 'staging');
    fs.cpSync(goodFixture, path.join(staging, 'package'), { recursive: true });
    const tarball = path.join(tmp, 'hub-plugin-echo-0.3.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', staging, 'package']);
    const found = pluginSetEntry(tarball, tmp);
    expect(found).toMatchObject({ name: 'hub-plugin-echo', version: '0.3.0' });
    expect(found?.integrity).not.toBe(pluginSetEntry(goodFixture, tmp)?.integrity);
  });

  it('returns undefined for a plugin that cannot be found', () => {
    expect(pluginSetEntry('./nowhere', tmp)).toBeUndefined();
    expect(pluginSetEntry('no-such-package-xyz', tmp)).toBeUndefined();
  });

  it('keeps only the plugins the registry loaded, sorted by name', () => {
    const set = pluginSetOf([pluginCopy('a'), './nowhere'], new Set(['hub-plugin-echo']), tmp);
    expect(set.map((e) => e.name)).toEqual(['hub-plugin-echo']);
    expect(pluginSetOf([pluginCopy('b')], new Set(), tmp)).toEqual([]);
  });
});

describe('comparePluginSets', () => {
  it('is empty for the same set in any order', () => {
    expect(
      comparePluginSets([entry('a', '1.0.0'), entry('b', '2.0.0')], [entry('b', '2.0.0'), entry('a', '1.0.0')]),
    ).toEqual([]);
  });

  it('names missing, extra, version and content differences', () => {
    const recorded = [entry('gone', '1.0.0'), entry('moved', '1.0.0'), entry('rebuilt', '3.0.0', 'sha256-x')];
    const own = [entry('moved', '1.1.0'), entry('rebuilt', '3.0.0', 'sha256-y'), entry('new', '0.1.0')];
    expect(comparePluginSets(recorded, own)).toEqual([
      'missing here: gone@1.0.0',
      'version differs: moved (recorded 1.0.0, here 1.1.0)',
      'contents differ: rebuilt@3.0.0 (same version, different integrity)',
      'extra here: new@0.1.0',
    ]);
  });
});

describe('recorded plugin set', () => {
  it('round-trips through the meta store under plugins.set', async () => {
    const meta = memoryMeta();
    await recordPluginSet(meta, [entry('a', '1.0.0')], new Date('2026-01-02T03:04:05.000Z'));
    expect(JSON.parse(meta.values.get(PLUGIN_SET_KEY) ?? '')).toEqual({
      recordedAt: '2026-01-02T03:04:05.000Z',
      plugins: [entry('a', '1.0.0')],
    });
    expect(await readPluginSet(meta)).toEqual({
      recordedAt: '2026-01-02T03:04:05.000Z',
      plugins: [entry('a', '1.0.0')],
    });
  });

  it('assertSamePluginSet passes on the same set, reports nothing recorded, and throws naming the difference', async () => {
    const meta = memoryMeta();
    expect(await assertSamePluginSet(meta, [entry('a', '1.0.0')])).toBe(false);
    await recordPluginSet(meta, [entry('a', '1.0.0')]);
    expect(await assertSamePluginSet(meta, [entry('a', '1.0.0')])).toBe(true);
    const refused = await assertSamePluginSet(meta, []).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toContain('missing here: a@1.0.0');
  });
});

describe('hub serve records the set, hub worker compares it (in-process)', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed({ HUB_SANDBOX: 'off', HUB_PORT: '0', HUB_HOST: '127.0.0.1' });
  });
  afterEach(() => bed.cleanup());

  /** Runs a long-lived command until it prints `ready`, then sends SIGTERM to its own listeners only. */
  async function startAndStop(args: string[], ready: RegExp): Promise<{ code: number; stdout: string }> {
    const started = new EventEmitter();
    const before = process.rawListeners('SIGTERM');
    let stdout = '';
    const exit = main(['node', 'hub', ...args], {
      out: (text) => {
        stdout += `${text}\n`;
        if (ready.test(text)) started.emit('ready');
      },
      err: (text) => {
        stdout += `ERR ${text}\n`;
      },
    });
    const first = await Promise.race([once(started, 'ready').then(() => 'ready' as const), exit]);
    if (first === 'ready') {
      for (const listener of process.rawListeners('SIGTERM').filter((l) => !before.includes(l)))
        (listener as (signal: string) => void)('SIGTERM');
    }
    return { code: await exit, stdout };
  }

  it('serve records the loaded plugins; a worker with the same set starts, one with another version refuses', async () => {
    const plugin = pluginCopy('echo');
    bed.setEnv({ HUB_PLUGINS: plugin });
    const served = await startAndStop(['serve'], /listening on/);
    expect(served.code).toBe(0);
    const recorded = await bed.withHub(async (hub) => readPluginSet(hub.repos.meta));
    expect(recorded?.plugins).toEqual([pluginSetEntry(plugin, tmp)]);

    const worked = await startAndStop(['worker', '--concurrency', '1'], /^worker started/);
    expect(worked.code).toBe(0);
    expect(worked.stdout).toContain('worker stopped');

    bed.setEnv({ HUB_PLUGINS: pluginCopy('echo-next', { version: '0.4.0' }) });
    const refused = await bed.hub('worker');
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('version differs: hub-plugin-echo (recorded 0.3.0, here 0.4.0)');
    expect(refused.stderr).toContain('HUB_PLUGINS');
  });

  it('a worker without a plugin the server loaded refuses to start and names it', async () => {
    bed.setEnv({ HUB_PLUGINS: pluginCopy('echo') });
    expect((await startAndStop(['serve'], /listening on/)).code).toBe(0);
    bed.setEnv({ HUB_PLUGINS: undefined });
    const refused = await bed.hub('worker');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('missing here: hub-plugin-echo@0.3.0');
  });
});
