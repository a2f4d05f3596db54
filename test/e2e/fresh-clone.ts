import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers/hub-process';

/**
 * A fresh clone of the hub for end-to-end tests: the working tree copied without what a clone does not have
 * (node_modules, dist, data, .git, coverage), with node_modules linked to this checkout's (what `npm install` would
 * bring; the registry is not used), then `npm run prepare` — the step `npm install` runs after installing, which
 * builds dist/. Copying (rather than `git clone`) keeps uncommitted work in the test's view, in CI and locally.
 */
const SKIPPED = new Set(['node_modules', 'dist', 'data', '.git', 'coverage', 'imports']);

export interface FreshClone {
  dir: string;
  /** Runs a command in the clone (or `cwd`), with the clone's npm scripts on Node 24; never throws. */
  run(command: string, args: string[], options?: RunOptions): Promise<RunResult>;
  remove(): void;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** process.env without HUB_* (the test controls those) and with this test's Node first on PATH. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) env[k] = v;
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** The clone's own packages: the link npm makes for a `file:` dependency inside the project (the `hub` command). */
const OWN_PACKAGES: Record<string, string> = { 'connector-hub-cli': path.join('bin', 'cli') };

/**
 * node_modules as `npm install` would leave it in the clone: every installed package linked from this checkout's,
 * but the clone's own packages (`file:` dependencies) and their commands pointing into the clone — so `npx hub`
 * runs the clone's hub, not this checkout's.
 */
function linkNodeModules(dir: string): void {
  const from = path.join(ROOT, 'node_modules');
  const to = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(to, '.bin'), { recursive: true });
  for (const name of fs.readdirSync(from)) {
    if (name === '.bin' || name in OWN_PACKAGES) continue;
    fs.symlinkSync(path.join(from, name), path.join(to, name));
  }
  const ownBins = new Set<string>();
  for (const [name, folder] of Object.entries(OWN_PACKAGES)) {
    fs.symlinkSync(path.join('..', folder), path.join(to, name), 'dir');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, folder, 'package.json'), 'utf8')) as {
      bin?: Record<string, string>;
    };
    for (const [command, file] of Object.entries(manifest.bin ?? {})) {
      fs.symlinkSync(path.join('..', name, file), path.join(to, '.bin', command));
      ownBins.add(command);
    }
  }
  for (const command of fs.readdirSync(path.join(from, '.bin')))
    if (!ownBins.has(command)) fs.symlinkSync(path.join(from, '.bin', command), path.join(to, '.bin', command));
}

export function makeFreshClone(prefix = 'hub-clone-'): FreshClone {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(base, 'connector-hub');
  fs.cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => !SKIPPED.has(path.basename(source)) && !source.endsWith('.tgz'),
  });
  linkNodeModules(dir);
  const run = (command: string, args: string[], options: RunOptions = {}): Promise<RunResult> =>
    new Promise((resolve) => {
      const child = spawn(command, args, {
        cwd: options.cwd ?? dir,
        env: cleanEnv(options.env),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
  return { dir, run, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** `npm run prepare` in the clone (what `npm install` runs last): builds dist/. Throws with the output on failure. */
export function buildClone(clone: FreshClone): void {
  const result = spawnSync('npm', ['run', 'prepare'], {
    cwd: clone.dir,
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 240_000,
  });
  const built = fs.existsSync(path.join(clone.dir, 'dist', 'core', 'cli', 'main.js'));
  if (!built) throw new Error(`npm run prepare did not build dist/:\n${result.stdout}\n${result.stderr}`);
}
