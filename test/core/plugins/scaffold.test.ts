import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectorIdFor, displayNameFor, hubPackageRoot, scaffoldPlugin } from '../../../core/plugins';
import { ConfigError } from '../../../core/sdk/errors';
import { SDK_VERSION } from '../../../core/sdk/version';
import { buildSdkPackage, ROOT } from './sdk-package';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-scaffold-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A folder that looks like the connector-hub package, without a built SDK. */
function unbuiltHub(name: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'connector-hub', version: '0.1.0' }));
  return dir;
}

describe('naming', () => {
  it('derives the connector id and display name from the package name', () => {
    expect(connectorIdFor('hub-connector-acme')).toBe('acme');
    expect(connectorIdFor('@acme/hub-plugin-crm-sync')).toBe('crm-sync');
    expect(connectorIdFor('Connector-Hub-Big_Shop')).toBe('big-shop');
    expect(displayNameFor('crm-sync')).toBe('Crm Sync');
  });

  it('finds the hub package root from the sources', () => {
    expect(hubPackageRoot()).toBe(ROOT);
  });
});

describe('scaffoldPlugin', () => {
  it('writes the connector shape, a manifest, the SDK as peer and file: dev dependency', () => {
    const sdk = unbuiltHub('hub-a');
    const result = scaffoldPlugin({ name: '@acme/hub-connector-shop', sdk, cwd: tmp });
    expect(result).toMatchObject({ dir: path.join(tmp, 'hub-connector-shop'), id: 'shop', displayName: 'Shop' });
    expect(result.files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'tsconfig.json',
        'tsconfig.build.json',
        'jest.config.js',
        'src/index.ts',
        'src/client.ts',
        'src/streams/contacts.ts',
        'src/actions/upsertContacts.ts',
        'src/webhooks.ts',
        'src/schemas/settings.ts',
        'src/sandbox.ts',
        'src/conformance.ts',
        'test/conformance.test.ts',
      ]),
    );
    for (const file of result.files) expect(fs.existsSync(path.join(result.dir, file))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(result.dir, 'package.json'), 'utf8')) as Record<string, never>;
    expect(pkg).toMatchObject({
      name: '@acme/hub-connector-shop',
      main: 'dist/index.js',
      connectorHub: { export: 'connector', sdk: `^${SDK_VERSION}` },
      peerDependencies: { 'connector-hub': '>=0.1.0' },
      devDependencies: { 'connector-hub': `file:${sdk}` },
    });
    const index = fs.readFileSync(path.join(result.dir, 'src/index.ts'), 'utf8');
    expect(index).toContain("id: 'shop'");
    expect(index).not.toMatch(/__[A-Z_]+__/);
    // a partner package reaches the hub only through its public SDK ids
    for (const file of result.files.filter((f) => f.endsWith('.ts'))) {
      const source = fs.readFileSync(path.join(result.dir, file), 'utf8');
      for (const [, spec] of source.matchAll(/from '([^']+)'/g))
        expect(spec).toMatch(/^(\.|node:|connector-hub\/sdk(\/testing)?$|@sinclair\/typebox$)/);
    }
    expect(result.warnings).toEqual([expect.stringContaining('has no built SDK')]);
  });

  it('refuses a bad name, an unusable id, a non-empty folder and an --sdk that is not the hub', () => {
    const sdk = unbuiltHub('hub-b');
    expect(() => scaffoldPlugin({ name: 'Bad Name', sdk, cwd: tmp })).toThrow(ConfigError);
    expect(() => scaffoldPlugin({ name: 'hub-connector-123', sdk, cwd: tmp })).toThrow(/pass --id/);
    fs.mkdirSync(path.join(tmp, 'taken'));
    fs.writeFileSync(path.join(tmp, 'taken', 'x'), '');
    expect(() => scaffoldPlugin({ name: 'hub-connector-xy', dir: 'taken', sdk, cwd: tmp })).toThrow(
      /not an empty folder/,
    );
    const other = path.join(tmp, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: 'left-pad' }));
    expect(() => scaffoldPlugin({ name: 'hub-connector-yz', sdk: other, cwd: tmp })).toThrow(/not the connector-hub/);
    expect(() => scaffoldPlugin({ name: 'hub-connector-zz', sdk: './missing', cwd: tmp })).toThrow(/does not exist/);
  });
});

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string): Promise<Run> {
  // the test's own node first on PATH, so npm scripts in the scaffold run on it too
  const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` };
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

describe('a fresh scaffold', () => {
  it('passes npm install && npm test out of the box, and its conformance test fails when the connector breaks', async () => {
    const sdk = buildSdkPackage(path.join(tmp, 'connector-hub'));
    const { dir, warnings } = scaffoldPlugin({ name: 'hub-connector-acme', sdk, cwd: tmp });
    expect(warnings).toEqual([]);

    const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    expect(install).toMatchObject({ code: 0 });
    const test = await run('npm', ['test', '--', '--verbose'], dir);
    if (test.code !== 0) throw new Error(`npm test failed in the scaffold:\n${test.output}`);
    expect(test.output).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    expect(test.output).toMatch(/✓ action\.one-outcome-per-record/);

    // the same tests catch a defect: a batch action that drops the last outcome
    const action = path.join(dir, 'src/actions/upsertContacts.ts');
    const source = fs.readFileSync(action, 'utf8');
    fs.writeFileSync(action, source.replace('return records.map(', 'return records.slice(1).map('));
    const broken = await run('npm', ['test', '--', '--verbose'], dir);
    expect(broken.code).not.toBe(0);
    expect(broken.output).toMatch(/✕ action\.one-outcome-per-record/);
  }, 180_000);
});
