import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerPluginsNew } from '../../../core/cli/commands/plugins-new';
import type { Output } from '../../../core/cli/output';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-plugins-new-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `hub plugins new …` through commander with the output captured (main.ts wires the group in the hub). */
async function pluginsNew(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const output: Output = { out: (text) => (stdout += `${text}\n`), err: (text) => (stderr += `${text}\n`) };
  const program = new Command().exitOverride();
  registerPluginsNew(program.command('plugins'), output);
  await program.parseAsync(['node', 'hub', 'plugins', 'new', ...args]);
  return { stdout, stderr };
}

function fakeHub(): string {
  const dir = path.join(tmp, 'hub');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'connector-hub', version: '0.1.0' }));
  return dir;
}

describe('hub plugins new', () => {
  it('creates the package, lists its files and the next steps, and warns when the SDK is not built', async () => {
    const dir = path.join(tmp, 'acme');
    const { stdout, stderr } = await pluginsNew('hub-connector-acme', '--dir', dir, '--sdk', fakeHub());
    expect(stdout).toContain(`Created hub-connector-acme (connector id acme) in ${dir}:`);
    expect(stdout).toContain('  src/sandbox.ts');
    expect(stdout).toContain('npm install && npm test');
    expect(stdout).toContain(`connector-hub from file:${path.join(tmp, 'hub')} (folder)`);
    expect(stderr).toMatch(/^warning: .*has no built SDK/);
    expect(fs.existsSync(path.join(dir, 'test/conformance.test.ts'))).toBe(true);
  });

  it('prints JSON with --json and takes --id', async () => {
    const dir = path.join(tmp, 'shop');
    const { stdout } = await pluginsNew(
      '@acme/shop-plugin',
      '--dir',
      dir,
      '--id',
      'acme-shop',
      '--sdk',
      fakeHub(),
      '--json',
    );
    const result = JSON.parse(stdout) as { id: string; dir: string; files: string[]; sdkKind: string };
    expect(result).toMatchObject({ id: 'acme-shop', dir, sdkKind: 'folder' });
    expect(fs.readFileSync(path.join(dir, 'src/index.ts'), 'utf8')).toContain("id: 'acme-shop'");
  });

  it('refuses a folder that is not empty, naming it', async () => {
    fs.writeFileSync(path.join(tmp, 'keep.txt'), 'x');
    await expect(pluginsNew('hub-connector-acme', '--dir', tmp, '--sdk', fakeHub())).rejects.toThrow(
      `${tmp} already exists and is not an empty folder`,
    );
    expect(fs.readdirSync(tmp).sort()).toEqual(['hub', 'keep.txt']);
  });
});
