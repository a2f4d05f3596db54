import fs from 'node:fs';
import path from 'node:path';
import { buildClone, makeFreshClone, type FreshClone, type RunResult } from './fresh-clone';

/**
 * The partners' path of the README on a fresh clone of the hub, with no manual build step: `npm install` in the hub
 * (its prepare script builds dist/, which the scaffold's `file:` dev dependency on the hub needs), then
 * `npx hub plugins new`, `npm install && npm test` in the new package, `hub plugins check` on the folder before any
 * build (its TypeScript sources run through tsx), `npm pack`, and `hub plugins check` on the tarball (its TypeBox
 * dependency linked as HUB_PLUGINS links it). Before: 31 TypeScript errors until `npm run build` in the hub, a
 * check that needed a build, and a tarball check failing with "Cannot find module '@sinclair/typebox'".
 */
describe('a partner scaffolds, tests and checks a connector on a fresh clone', () => {
  let clone: FreshClone;
  beforeAll(() => {
    clone = makeFreshClone('hub-partner-');
    buildClone(clone);
  }, 240_000);
  afterAll(() => clone.remove());

  const ok = (label: string, result: RunResult) => {
    if (result.code !== 0)
      throw new Error(`${label} failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  };

  it('plugins new → npm install && npm test → plugins check (folder, unbuilt) → npm pack → plugins check (tarball)', async () => {
    const work = path.dirname(clone.dir);
    const acme = path.join(work, 'acme');
    const created = await clone.run('npx', ['hub', 'plugins', 'new', 'hub-connector-acme', '--dir', acme]);
    ok('hub plugins new', created);
    expect(created.stderr).not.toContain('has no built SDK');
    const pkg = JSON.parse(fs.readFileSync(path.join(acme, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    expect(pkg.devDependencies['connector-hub']).toBe(`file:${clone.dir}`);

    ok(
      'npm install',
      await clone.run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: acme }),
    );
    const tested = await clone.run('npm', ['test'], { cwd: acme, timeoutMs: 240_000 });
    ok('npm test', tested);
    expect(tested.stdout + tested.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);

    expect(fs.existsSync(path.join(acme, 'dist'))).toBe(false); // never built so far
    const folder = await clone.run('npx', ['hub', 'plugins', 'check', acme]);
    ok('hub plugins check <folder>', folder);
    expect(folder.stdout).toMatch(/^hub-connector-acme@0\.1\.0 \(connector acme\), options from conformance export/);
    expect(folder.stdout).toMatch(/\d+ passed, 0 failed/);

    ok('npm pack', await clone.run('npm', ['pack', '--silent'], { cwd: acme }));
    const tarball = path.join(acme, 'hub-connector-acme-0.1.0.tgz');
    expect(fs.existsSync(tarball)).toBe(true);
    const packed = await clone.run('npx', ['hub', 'plugins', 'check', tarball]);
    ok('hub plugins check <tarball>', packed);
    expect(packed.stderr).not.toContain('Cannot find module');
    expect(packed.stdout).toMatch(/\d+ passed, 0 failed/);
  }, 600_000);
});
