import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '../../../core/registry';
import { loadPlugin, PluginRefusedError } from '../../../core/registry/load-plugin';
import { extractPluginTarball, TarballError, tarballFolder } from '../../../core/registry/tarball';
import { SDK_VERSION } from '../../../core/sdk/version';

// jest's module system does not consult the registry's Module._resolveFilename alias (see registry.test.ts); the
// last test runs the real hook in a Node process.
jest.mock('connector-hub/sdk', () => jest.requireActual('../../../core/sdk'), { virtual: true });

const repo = path.resolve(__dirname, '../../..');
const goodFixture = path.join(repo, 'test/fixtures/plugins/good');

const tmpDirs: string[] = [];
function makeTmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-tarball-'));
  tmpDirs.push(dir);
  return dir;
}
afterAll(() => tmpDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** Writes a tarball shaped like `npm pack`'s (everything under package/) from a folder, with package.json edits. */
function pack(from: string, edit: (pkg: Record<string, unknown>) => void = () => undefined): string {
  const work = makeTmp();
  const packageDir = path.join(work, 'package');
  fs.cpSync(from, packageDir, { recursive: true });
  const pkgFile = path.join(packageDir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as Record<string, unknown>;
  edit(pkg);
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
  const base = String(pkg.name).replace(/^@/, '').replace('/', '-');
  const file = path.join(work, `${base}-${String(pkg.version)}.tgz`);
  execFileSync('tar', ['-czf', file, '-C', work, 'package']);
  return file;
}

describe('extractPluginTarball', () => {
  it('unpacks into <dataDir>/plugins/<name>-<version>-<sha8>/ once and reuses the folder', () => {
    const tarball = pack(goodFixture);
    const dataDir = makeTmp();
    const root = extractPluginTarball(tarball, dataDir);
    expect(path.dirname(root)).toBe(path.join(dataDir, 'plugins'));
    expect(path.basename(root)).toMatch(/^hub-plugin-echo-0\.3\.0-[0-9a-f]{8}$/);
    expect(fs.readFileSync(path.join(root, 'lib/index.js'), 'utf8')).toBe(
      fs.readFileSync(path.join(goodFixture, 'lib/index.js'), 'utf8'),
    );
    // no staging folders left behind
    expect(fs.readdirSync(path.join(dataDir, 'plugins'))).toEqual([path.basename(root)]);

    // a second start reuses the folder as it is (a marker written there survives)
    fs.writeFileSync(path.join(root, 'marker'), 'kept');
    expect(extractPluginTarball(tarball, dataDir)).toBe(root);
    expect(fs.readFileSync(path.join(root, 'marker'), 'utf8')).toBe('kept');
  });

  it('gives a rebuilt tarball of the same version its own folder', () => {
    const dataDir = makeTmp();
    const first = extractPluginTarball(pack(goodFixture), dataDir);
    const second = extractPluginTarball(
      pack(goodFixture, (pkg) => (pkg.description = 'rebuilt')),
      dataDir,
    );
    expect(second).not.toBe(first);
    expect(path.basename(second)).toMatch(/^hub-plugin-echo-0\.3\.0-[0-9a-f]{8}$/);
  });

  it('names a scoped package folder without the @ and slash', () => {
    const tarball = pack(goodFixture, (pkg) => (pkg.name = '@acme/hub-echo'));
    expect(path.basename(tarballFolder(tarball, '/data').dir)).toMatch(/^acme-hub-echo-0\.3\.0-[0-9a-f]{8}$/);
  });

  it('links a dependency the hub ships when its version fits, and refuses one it cannot provide', () => {
    const dataDir = makeTmp();
    const provided = extractPluginTarball(
      pack(goodFixture, (pkg) => (pkg.dependencies = { semver: '^7.0.0' })),
      dataDir,
    );
    const link = path.join(provided, 'node_modules/semver');
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(link)).toBe(fs.realpathSync(path.join(repo, 'node_modules/semver')));

    const tooNew = pack(goodFixture, (pkg) => {
      pkg.version = '0.4.0';
      pkg.dependencies = { semver: '^99.0.0', 'left-pad-never-installed': '1.0.0' };
    });
    expect(() => extractPluginTarball(tooNew, dataDir)).toThrow(TarballError);
    expect(() => extractPluginTarball(tooNew, dataDir)).toThrow(
      'hub-plugin-echo-0.4.0.tgz needs semver@^99.0.0, left-pad-never-installed@1.0.0, which the tarball does not bundle',
    );
  });

  it('refuses a file that is not an npm pack tarball', () => {
    const dir = makeTmp();
    const notGzip = path.join(dir, 'broken.tgz');
    fs.writeFileSync(notGzip, 'not a tarball');
    expect(() => extractPluginTarball(notGzip, dir)).toThrow(/broken\.tgz is not an npm package tarball/);

    const work = makeTmp();
    fs.writeFileSync(path.join(work, 'readme.txt'), 'x');
    const noPackage = path.join(work, 'flat.tgz');
    execFileSync('tar', ['-czf', noPackage, '-C', work, 'readme.txt']);
    expect(() => extractPluginTarball(noPackage, dir)).toThrow(/flat\.tgz is not an npm package tarball/);
    expect(fs.existsSync(path.join(dir, 'plugins'))).toBe(false);
  });
});

describe('loadPlugin and the registry with a tarball', () => {
  it('loads a tarball like a folder, into the configured data dir', () => {
    const tarball = pack(goodFixture);
    const dataDir = makeTmp();
    const plugin = loadPlugin(tarball, repo, { dataDir });
    expect(plugin).toMatchObject({ spec: tarball, name: 'hub-plugin-echo', version: '0.3.0' });
    expect(plugin.root.startsWith(path.join(dataDir, 'plugins') + path.sep)).toBe(true);
    expect((plugin.definition as { id: string }).id).toBe('echo');
  });

  it('resolves a relative tarball path from cwd and unpacks under HUB_DATA_DIR', async () => {
    const tarball = pack(goodFixture);
    const dataDir = makeTmp();
    const previous = process.env.HUB_DATA_DIR;
    process.env.HUB_DATA_DIR = dataDir;
    try {
      const registry = await createRegistry({ plugins: [`./${path.basename(tarball)}`], cwd: path.dirname(tarball) });
      expect(registry.problems).toEqual([]);
      expect(registry.describe('echo').source).toBe('hub-plugin-echo');
      expect(fs.readdirSync(path.join(dataDir, 'plugins'))).toEqual([
        expect.stringMatching(/^hub-plugin-echo-0\.3\.0-/),
      ]);
    } finally {
      if (previous === undefined) delete process.env.HUB_DATA_DIR;
      else process.env.HUB_DATA_DIR = previous;
    }
  });

  it('refuses a missing tarball with the plugin named', () => {
    expect(() => loadPlugin('./nowhere/hub-x-1.0.0.tgz', makeTmp())).toThrow(PluginRefusedError);
    expect(() => loadPlugin('./nowhere/hub-x-1.0.0.tgz', makeTmp())).toThrow(
      /^plugin \.\/nowhere\/hub-x-1\.0\.0\.tgz refused: tarball .*hub-x-1\.0\.0\.tgz does not exist$/,
    );
  });

  it('in a real Node process, a plugin unpacked from a tarball gets the hub SDK instance', () => {
    const tarball = pack(goodFixture);
    const dataDir = makeTmp();
    const script = `
      const { createRegistry } = require(${JSON.stringify(path.join(repo, 'core/registry'))});
      const { RetryableError } = require(${JSON.stringify(path.join(repo, 'core/sdk'))});
      createRegistry({ plugins: [process.argv[1]], cwd: process.cwd() }).then(async (registry) => {
        const echo = registry.get('echo');
        const connection = { id: 'c', name: 'c', settings: { down: true }, log: console };
        let thrown = 'nothing';
        try { await echo.actions[0].write({ connection, records: [{ id: 'x' }] }); }
        catch (error) { thrown = error instanceof RetryableError ? 'hub RetryableError' : String(error); }
        process.stdout.write(JSON.stringify({ problems: registry.problems, sdkVersion: echo.sdkVersion, thrown }));
      });`;
    const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), '-e', script, tarball], {
      cwd: repo,
      env: { ...process.env, HUB_DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ problems: [], sdkVersion: SDK_VERSION, thrown: 'hub RetryableError' });
    expect(fs.readdirSync(path.join(dataDir, 'plugins'))).toHaveLength(1);
  });
});
