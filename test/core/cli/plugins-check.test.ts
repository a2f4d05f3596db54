import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { findBuiltinModules } from '../../../core/registry/discover';
import { runHub } from '../../helpers/hub-process';
import { CliBed, ROOT, type CliResult } from './helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'connectors');

/** Runs `hub plugins check …` in-process through the CLI, output captured. */
function pluginsCheck(bed: CliBed, ...args: string[]): Promise<CliResult> {
  return bed.hub('plugins', 'check', ...args);
}

describe('hub plugins check', () => {
  let bed: CliBed;
  beforeEach(() => (bed = new CliBed()));
  afterEach(() => bed.cleanup());

  it('passes a conforming plugin folder: one line per rule, exit 0', async () => {
    const result = await pluginsCheck(bed, path.join(FIXTURES, 'broken-kit'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('hub-fixture-broken-kit@1.0.0 (connector kit-none), options from conformance export');
    expect(lines).toContain('pass  stream.resumable [contacts]');
    expect(lines).toContain('pass  action.rate-limited [upsertContacts]');
    expect(lines.at(-1)).toBe('26 passed, 0 failed, 0 skipped');
  });

  it('fails a broken plugin with what was expected and seen, exit 1; --json gives the results', async () => {
    const dir = path.join(FIXTURES, 'broken-missing-outcomes');
    const result = await pluginsCheck(bed, dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'fail  action.one-outcome-per-record [upsertContacts]  expected: 3 outcomes; seen: 2\n',
    );
    expect(result.stdout).toContain('25 passed, 1 failed, 0 skipped');

    const asJson = await pluginsCheck(bed, dir, '--json');
    expect(asJson.code).toBe(1);
    const parsed = JSON.parse(asJson.stdout) as { ok: boolean; plugin: object; results: { status: string }[] };
    expect(parsed.ok).toBe(false);
    expect(parsed.plugin).toEqual({
      name: 'hub-fixture-broken-missing-outcomes',
      version: '1.0.0',
      connector: 'kit-missing-outcomes',
    });
    expect(parsed.results.filter((r) => r.status === 'fail')).toEqual([
      {
        id: 'action.one-outcome-per-record',
        subject: 'upsertContacts',
        status: 'fail',
        expected: '3 outcomes',
        seen: '2',
      },
    ]);
  });

  it('checks an npm pack tarball after unpacking it', async () => {
    // a self-contained plugin (plain JS, no SDK import) packed the way npm pack lays it out: package/…
    const pkg = path.join(bed.dir, 'src', 'package');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'tiny-plugin',
        version: '0.1.0',
        main: 'index.js',
        connectorHub: { export: 'connector', sdk: '^1.0.0' },
      }),
    );
    fs.writeFileSync(
      path.join(pkg, 'index.js'),
      `exports.connector = {
        id: 'tiny', displayName: 'Tiny', version: '0.1.0', category: 'other',
        settingsSchema: { type: 'object', properties: {} },
        policy: { rateBudget: { requests: 1, intervalMs: 1000 }, concurrency: 1, maxBatchSize: {}, retryStatuses: [], retryAfter: [] },
        check: async () => ({ ok: true, message: 'ok' }),
        streams: [], actions: [], webhooks: [],
      };\n`,
    );
    const tarball = path.join(bed.dir, 'tiny-plugin-0.1.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', path.join(bed.dir, 'src'), 'package']);
    const result = await pluginsCheck(bed, tarball);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tiny-plugin@0.1.0 (connector tiny), options from none');
    expect(result.stdout).toContain(
      'skip  webhook.signed-accepted  not applicable (the connector declares no webhooks)',
    );
  });

  it('checks a tarball whose dependencies the hub ships (TypeBox), linked as HUB_PLUGINS links them', async () => {
    // before: the check unpacked the tarball on its own and failed with "Cannot find module '@sinclair/typebox'"
    const pkg = path.join(bed.dir, 'typed', 'package');
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({
        name: 'typed-plugin',
        version: '0.2.0',
        main: 'index.js',
        dependencies: { '@sinclair/typebox': '^0.34.0' },
        connectorHub: { export: 'connector', sdk: '^1.0.0' },
      }),
    );
    fs.writeFileSync(
      path.join(pkg, 'index.js'),
      `const { Type } = require('@sinclair/typebox');
      exports.connector = {
        id: 'typed', displayName: 'Typed', version: '0.2.0', category: 'other',
        settingsSchema: Type.Object({}),
        policy: { rateBudget: { requests: 1, intervalMs: 1000 }, concurrency: 1, maxBatchSize: {}, retryStatuses: [], retryAfter: [] },
        check: async () => ({ ok: true, message: 'ok' }),
        streams: [], actions: [], webhooks: [],
      };\n`,
    );
    const tarball = path.join(bed.dir, 'typed-plugin-0.2.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', path.join(bed.dir, 'typed'), 'package']);
    const result = await pluginsCheck(bed, tarball);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('typed-plugin@0.2.0 (connector typed)');
    // the check unpacks into a temporary data folder, never into the hub's
    expect(fs.existsSync(path.join(bed.dir, 'data', 'plugins'))).toBe(false);
  });

  it('checks a built-in connector by id, with its own conformance setup', async () => {
    const result = await pluginsCheck(bed, 'hubspot', '--json');
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { ok: boolean; plugin: object; results: { status: string }[] };
    expect(report.plugin).toMatchObject({ name: 'builtin connectors/hubspot', connector: 'hubspot' });
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(report.results.filter((r) => r.status === 'pass').length).toBeGreaterThan(20);
    expect(result.code).toBe(0);
  }, 60_000);

  it('names the built-ins instead of advising to install an unrelated package', async () => {
    const result = await pluginsCheck(bed, 'hubspott');
    expect(result.code).toBe(2);
    const builtins = findBuiltinModules()
      .map((m) => m.folder)
      .sort();
    expect(builtins).toEqual(expect.arrayContaining(['file', 'hubspot', 'mailchimp', 'odoo', 'sendgrid']));
    expect(result.stderr).toContain(`"hubspott" is not a built-in connector (${builtins.join(', ')})`);
    expect(result.stderr).not.toContain('npm install');
  });

  it('checks a plugin folder that was never built: its TypeScript sources run through tsx (real binary)', () => {
    // a package whose main (dist/index.js) does not exist yet, with its sources in src/
    const dir = path.join(bed.dir, 'unbuilt');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'unbuilt-plugin',
        version: '0.3.0',
        main: 'dist/index.js',
        connectorHub: { export: 'connector', sdk: '^1.0.0' },
      }),
    );
    const kit = path.join(FIXTURES, 'broken-kit', 'index');
    fs.writeFileSync(
      path.join(dir, 'src', 'index.ts'),
      `export { connector, conformance } from ${JSON.stringify(kit)};\n`,
    );
    const result = runHub(['plugins', 'check', dir], { HUB_DATA_DIR: path.join(bed.dir, 'data') });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('unbuilt-plugin@0.3.0 (connector kit-none), options from conformance export');
    expect(result.stdout).toContain('26 passed, 0 failed, 0 skipped');
  }, 60_000);

  it('names the plugin and the problem when it cannot be loaded', async () => {
    const result = await pluginsCheck(bed, path.join(bed.dir, 'missing'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/plugin .*missing refused: folder .* does not exist/);
  });
});
