import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '../../../core/registry';
import { ConfigError, RetryableError } from '../../../core/sdk';
import { SDK_VERSION } from '../../../core/sdk/version';
import { findBuiltinModules } from '../../../core/registry/discover';

/** The built-in connectors, as the registry finds them (every folder of connectors/), in id order. */
const BUILTINS = findBuiltinModules()
  .map((m) => m.folder)
  .sort();

// Under jest the module system is jest's, not Node's, so the registry's Module._resolveFilename alias is not
// consulted; this maps the SDK ids the same way (sdk-alias.test.ts checks the real hook in a Node process).
jest.mock('connector-hub/sdk', () => jest.requireActual('../../../core/sdk'), { virtual: true });

const repo = path.resolve(__dirname, '../../..');
const fixture = (name: string) => `./test/fixtures/plugins/${name}`;

const tmpDirs: string[] = [];
const makeTmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-registry-'));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => tmpDirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('createRegistry: built-ins', () => {
  it('discovers the file connector by convention, with no plugins configured', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(registry.list().map((c) => c.id)).toContain('file');
    expect(registry.problems).toEqual([]);
    expect(registry.describe('file')).toMatchObject({
      id: 'file',
      source: 'builtin',
      category: 'other',
      sdkVersion: SDK_VERSION,
    });
  });

  it('describe() is JSON: schemas, streams, actions and policy, no functions', async () => {
    const registry = await createRegistry({ plugins: [] });
    const info = registry.describe('file');
    expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    expect(info.streams.map((s) => s.name)).toEqual(['records']);
    expect(info.actions).toEqual([expect.objectContaining({ name: 'writeRecords', mode: 'append' })]);
    expect(info.actions[0].maxBatchSize).toBe(1000);
    expect(info.settingsSchema).toMatchObject({ type: 'object', required: ['directory'] });
    // describe hands out a copy: callers cannot change the registry
    info.displayName = 'changed';
    expect(registry.describe('file').displayName).not.toBe('changed');
  });

  it('get() names the installed connectors when the id is unknown', async () => {
    const registry = await createRegistry({ plugins: [] });
    expect(() => registry.get('hubspot2')).toThrow(ConfigError);
    expect(() => registry.get('hubspot2')).toThrow(/^unknown connector hubspot2; installed: .*file/);
    expect(registry.has('file')).toBe(true);
    expect(registry.has('hubspot2')).toBe(false);
  });
});

describe('createRegistry: plugins', () => {
  const broken = [
    [
      'bad-sdk',
      new RegExp(
        `^plugin hub-plugin-future \\(.*bad-sdk\\) needs SDK \\^2\\.0\\.0, this hub provides ${SDK_VERSION.replaceAll('.', '\\.')}$`,
      ),
    ],
    ['no-manifest', /^plugin hub-plugin-no-manifest .*refused: package\.json has no "connectorHub" manifest/],
    ['bad-manifest', /^plugin hub-plugin-bad-manifest .*refused: invalid manifest: connectorHub\.sdk must be string$/],
    [
      'invalid-definition',
      /^plugin hub-plugin-invalid-definition .*refused: invalid definition: \/policy\/rateBudget\/requests must be >= 1$/,
    ],
    [
      'bad-settings-schema',
      /^plugin hub-plugin-bad-settings .*refused: invalid definition: \/settingsSchema is not a valid JSON Schema: .*properties\/token\/type/,
    ],
    [
      'missing-batch-size',
      /^plugin hub-plugin-missing-batch .*refused: invalid definition: \/actions\/0\/maxBatchSize is missing: declare the largest batch action "pushThings" accepts$/,
    ],
    [
      'duplicate-file',
      /^plugin hub-plugin-duplicate-file .*refused: connector id "file" is already provided by builtin \(connectors[\\/]file\)$/,
    ],
    [
      'throws-on-load',
      /^plugin hub-plugin-throws .*refused: loading index\.js failed: cannot reach the licence server$/,
    ],
    [
      'missing-export',
      /^plugin hub-plugin-missing-export .*refused: export "connector" \(connectorHub\.export\) not found in index\.js; it exports: definition$/,
    ],
  ] as const;

  it('loads the good plugin next to the built-ins and refuses each broken one, naming plugin and problem', async () => {
    const warnings: unknown[] = [];
    const logger = { debug() {}, info() {}, warn: (obj: unknown) => void warnings.push(obj) };
    const plugins = [fixture('good'), ...broken.map(([name]) => fixture(name)), 'hub-plugin-not-installed'];
    const registry = await createRegistry({ plugins, cwd: repo, logger });

    expect(registry.list().map((c) => c.id)).toEqual([...BUILTINS, 'echo']);
    expect(registry.problems.map((p) => p.source)).toEqual([
      ...broken.map(([name]) => fixture(name)),
      'hub-plugin-not-installed',
    ]);
    broken.forEach(([name, message], i) => {
      expect({ name, message: registry.problems[i].message }).toEqual({
        name,
        message: expect.stringMatching(message),
      });
    });
    expect(registry.problems[broken.length].message).toMatch(
      /^plugin hub-plugin-not-installed refused: package not found/,
    );
    expect(warnings).toHaveLength(registry.problems.length);
  });

  it('describes a plugin connector with its package as the source', async () => {
    const registry = await createRegistry({ plugins: [fixture('good')], cwd: repo });
    expect(registry.problems).toEqual([]);
    const info = registry.describe('echo');
    expect(info).toMatchObject({ id: 'echo', source: 'hub-plugin-echo', version: '0.3.0', sdkVersion: SDK_VERSION });
    expect(info.streams[0]).toMatchObject({ name: 'items', identity: ['id'], modifiedField: 'updatedAt' });
    expect(info.settingsSchema).toMatchObject({ properties: { token: { 'x-secret': true } } });
  });

  it('a plugin shares the hub SDK: its errors are the hub classes', async () => {
    const registry = await createRegistry({ plugins: [path.join(repo, 'test/fixtures/plugins/good')] });
    const echo = registry.get('echo');
    const connection = {
      id: 'c',
      name: 'c',
      settings: { down: true },
      log: { debug() {}, info() {}, warn() {}, error() {} },
    };
    await expect(echo.actions[0].write({ connection, records: [{ id: 'x' }] })).rejects.toBeInstanceOf(RetryableError);
  });

  it('refuses a second plugin with an id that another plugin already provides, and a plugin listed twice', async () => {
    const tmp = makeTmp();
    const copy = path.join(tmp, 'echo-copy');
    fs.cpSync(path.join(repo, 'test/fixtures/plugins/good'), copy, { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ ...pkg, name: 'hub-plugin-echo-copy' }));

    const registry = await createRegistry({ plugins: [fixture('good'), copy, fixture('good/')], cwd: repo });
    expect(registry.list().map((c) => c.id)).toEqual([...BUILTINS, 'echo']);
    expect(registry.problems).toEqual([
      {
        source: copy,
        message: expect.stringMatching(/refused: connector id "echo" is already provided by plugin hub-plugin-echo$/),
      },
      {
        source: fixture('good/'),
        message: expect.stringMatching(/refused: it is listed twice \(also as \.\/test\/fixtures\/plugins\/good\)$/),
      },
    ]);
  });

  it('resolves a plugin by npm package name from node_modules above cwd', async () => {
    const tmp = makeTmp();
    const pkgDir = path.join(tmp, 'node_modules', '@acme', 'hub-plugin-echo');
    fs.cpSync(path.join(repo, 'test/fixtures/plugins/good'), pkgDir, { recursive: true });
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(path.join(pkgDir, 'package.json'), JSON.stringify({ ...pkg, name: '@acme/hub-plugin-echo' }));
    const cwd = path.join(tmp, 'app', 'config');
    fs.mkdirSync(cwd, { recursive: true });

    const registry = await createRegistry({ plugins: ['@acme/hub-plugin-echo'], cwd });
    expect(registry.problems).toEqual([]);
    expect(registry.describe('echo').source).toBe('@acme/hub-plugin-echo');

    const elsewhere = await createRegistry({ plugins: ['@acme/hub-plugin-echo'], cwd: os.tmpdir() });
    expect(elsewhere.has('echo')).toBe(false);
    expect(elsewhere.problems[0].message).toMatch(/^plugin @acme\/hub-plugin-echo refused: package not found/);
  });

  it('refuses a path that is not a package folder and a manifest entry that leaves the package', async () => {
    const tmp = makeTmp();
    const escaping = path.join(tmp, 'escaping');
    fs.mkdirSync(escaping);
    fs.writeFileSync(
      path.join(escaping, 'package.json'),
      JSON.stringify({
        name: 'hub-plugin-escaping',
        connectorHub: { export: 'connector', sdk: '^1.0.0', entry: '../outside.js' },
      }),
    );
    const registry = await createRegistry({ plugins: ['./missing-folder', escaping], cwd: tmp });
    expect(registry.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/^plugin \.\/missing-folder refused: folder .*missing-folder does not exist$/),
      expect.stringMatching(
        /^plugin hub-plugin-escaping .*refused: entry "\.\.\/outside\.js" points outside the package folder$/,
      ),
    ]);
  });
});
