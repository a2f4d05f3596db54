import { execFile, execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runHub } from '../../helpers/hub-process';

const LEAKY = path.join(ROOT, 'test', 'fixtures', 'plugins', 'leaky');

function readAll(dir: string): Buffer {
  return Buffer.concat(
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith('hub.sqlite'))
      .map((f) => fs.readFileSync(path.join(dir, f))),
  );
}

describe('the hub binary', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('lists the built-in connectors as JSON', () => {
    const result = runHub(['connectors', 'list', '--json'], { HUB_DATA_DIR: dataDir });
    expect(result.status).toBe(0);
    const list = JSON.parse(result.stdout) as { id: string; source: string }[];
    expect(list.map((c) => c.id)).toContain('file');
    expect(list.find((c) => c.id === 'file')?.source).toBe('builtin');
  });

  it('passes the shipped mappings and fails a broken one with position and field', () => {
    const ok = runHub(['mappings', 'test'], { HUB_DATA_DIR: dataDir });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/0 failed/);

    const syntax = runHub(['mappings', 'test', 'test/fixtures/mappings/broken-syntax'], { HUB_DATA_DIR: dataDir });
    expect(syntax.status).toBe(1);
    expect(syntax.stdout).toMatch(/line 4, column 1/);

    const output = runHub(['mappings', 'test', 'test/fixtures/mappings/broken-output'], { HUB_DATA_DIR: dataDir });
    expect(output.status).toBe(1);
    expect(output.stdout).toContain('/email');
  });

  it('stops start-up with one line naming a bad variable', () => {
    const result = runHub(['connections', 'list'], { HUB_DATA_DIR: dataDir, HUB_PORT: 'eighty' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('error: HUB_PORT="eighty" is not valid: expected a port number from 0 to 65535');
  });

  it('every command answers --help with an example', () => {
    for (const command of [
      ['serve'],
      ['connectors', 'list'],
      ['connectors', 'show'],
      ['connections', 'add'],
      ['connections', 'list'],
      ['connections', 'check'],
      ['connections', 'remove'],
      ['mappings', 'test'],
      ['mappings', 'preview'],
      ['keys', 'rotate'],
    ]) {
      const result = runHub([...command, '--help'], { HUB_DATA_DIR: dataDir });
      expect({ command, status: result.status }).toEqual({ command, status: 0 });
      expect(result.stdout).toMatch(/Example/);
    }
  });

  it('never lets a secret out: database file, logs, CLI output, errors', () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}-secret`;
    const env = { HUB_DATA_DIR: dataDir, HUB_PLUGINS: LEAKY, HUB_LOG_LEVEL: 'trace' };
    const settings = JSON.stringify({ apiToken: canary, account: 'acme' });

    const outputs = [
      runHub(['connections', 'add', 'leaky', '--name', 'crm', '--settings', '-', '--json'], env, settings),
      runHub(['connections', 'list', '--json'], env),
      runHub(['connections', 'check', 'crm'], env),
      runHub(['connections', 'add', 'leaky', '--name', 'crm', '--settings', '-'], env, settings),
      runHub(
        ['connections', 'add', 'leaky', '--name', 'other', '--settings', '-'],
        env,
        `{"apiToken":"${canary}", bad json`,
      ),
      runHub(['keys', 'rotate'], env),
      runHub(['connections', 'check', 'crm'], env),
    ];
    const [added, listed, checked, duplicate, badJson] = outputs;
    expect(added.status).toBe(0);
    expect(JSON.parse(added.stdout).settings).toEqual({ apiToken: '[secret]', account: 'acme' });
    expect(JSON.parse(listed.stdout)[0].settings.apiToken).toBe('[secret]');
    expect(checked.status).toBe(1);
    expect(checked.stdout).toContain('was rejected');
    expect(duplicate.status).not.toBe(0);
    expect(badJson.status).toBe(2);

    for (const result of outputs) {
      expect(result.stdout).not.toContain(canary);
      expect(result.stderr).not.toContain(canary);
    }
    // The careless connector's log line reached the log, scrubbed.
    expect(checked.stderr).toContain('checking with [secret]');
    expect(readAll(dataDir).includes(Buffer.from(canary))).toBe(false);
  });
});

describe('the hub binary: start-up and output', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-out-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints log messages as readable lines, never JSON; --verbose gives JSON lines', () => {
    const env = { HUB_DATA_DIR: dataDir, HUB_PLUGINS: './no-such-plugin' };
    const plain = runHub(['connectors', 'list'], env);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toMatch(/^warning: plugin \.\/no-such-plugin refused: folder .* does not exist$/m);
    expect(plain.stdout + plain.stderr).not.toMatch(/^\{"level":/m);

    const verbose = runHub(['connectors', 'list', '--verbose'], env);
    expect(verbose.status).toBe(0);
    expect(verbose.stderr).toMatch(/^\{"level":\d+,.*"msg":"connector registered"\}$/m);
    expect(verbose.stdout).not.toMatch(/^\{"level":/m);
  });

  it('answers --version from package.json', () => {
    const result = runHub(['--version'], { HUB_DATA_DIR: dataDir });
    expect(result).toEqual({
      status: 0,
      stdout: `${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`,
      stderr: '',
    });
  });

  it('`npx hub` runs node_modules/.bin/hub directly and never fetches a registry package', () => {
    // npm's exec loads the whole installed tree (~0.5 s) before running anything when the project's own package.json
    // declares a bin named like the command; a command found in node_modules/.bin runs at once. So `hub` comes from
    // the dev dependency bin/cli, the root bin is `connector-hub`, and .npmrc forbids npx downloads.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
      bin: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.bin).toEqual({ 'connector-hub': 'bin/hub.cjs' });
    expect(pkg.devDependencies['connector-hub-cli']).toBe('file:bin/cli');
    expect(fs.realpathSync(path.join(ROOT, 'node_modules', '.bin', 'hub'))).toBe(
      path.join(ROOT, 'bin', 'cli', 'hub.cjs'),
    );
    expect(fs.readFileSync(path.join(ROOT, '.npmrc'), 'utf8')).toMatch(/^yes=false$/m);

    const out = execFileSync('npx', ['hub', '--version'], {
      cwd: ROOT,
      env: { ...process.env, HUB_DATA_DIR: dataDir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe(`${pkg.version}\n`);
  });

  it('names the variable when several are wrong, all in one answer, without the password', () => {
    const result = runHub(['connections', 'list'], {
      HUB_DATA_DIR: dataDir,
      HUB_HOST: 'not.a.host',
      HUB_DEFAULT_COUNTRY: 'XX',
      HUB_DATABASE_URL: 'mysql://user:pass-word-1@db/hub',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^error: 3 configuration problems:\n/);
    expect(result.stderr).toContain('HUB_HOST="not.a.host" is not valid');
    expect(result.stderr).toContain('HUB_DEFAULT_COUNTRY="XX" is not valid');
    expect(result.stderr).toContain('HUB_DATABASE_URL="mysql://user:***@db/hub" is not valid');
    expect(result.stderr).not.toContain('pass-word-1');
  });
});

describe('hub serve names the variable when it cannot listen', () => {
  it('a port in use → HUB_PORT and the fix', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-port-'));
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as net.AddressInfo).port;
      const result = await new Promise<{ status: number; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(ROOT, 'bin', 'hub.cjs'), 'serve', '--port', String(port)],
          { env: { ...cleanHubEnv(), HUB_DATA_DIR: dataDir, HUB_SANDBOX: 'off' }, timeout: 90_000 },
          (error, _stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stderr }),
        );
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`error: HUB_PORT=${port}: another process already listens on 127.0.0.1:${port}`);
    } finally {
      busy.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

function cleanHubEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) env[k] = v;
  return env;
}

describe('bin/hub.cjs chooses compiled JavaScript', () => {
  // a stand-in tree: bin/hub.cjs with a main in dist/ and one in the sources, each saying which it is
  let tree: string;
  beforeEach(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bin-'));
    fs.mkdirSync(path.join(tree, 'bin'));
    fs.copyFileSync(path.join(ROOT, 'bin', 'hub.cjs'), path.join(tree, 'bin', 'hub.cjs'));
    fs.writeFileSync(path.join(tree, 'package.json'), JSON.stringify({ name: 'connector-hub', version: '9.9.9' }));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
    const main = (from: string) =>
      `exports.main = async () => { process.stdout.write(${JSON.stringify(from)} + '\\n'); return 0; };\n`;
    fs.mkdirSync(path.join(tree, 'core', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'core', 'cli', 'main.ts'), main('sources'));
    fs.mkdirSync(path.join(tree, 'dist', 'core', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(tree, 'dist', 'core', 'cli', 'main.js'), main('compiled'));
  });
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  const run = (env: NodeJS.ProcessEnv = {}) =>
    execFileSync(process.execPath, [path.join(tree, 'bin', 'hub.cjs'), 'connectors', 'list'], {
      encoding: 'utf8',
      env: { ...process.env, HUB_FROM_SOURCE: undefined, ...env },
    }).trim();
  const touch = (file: string, seconds: number) => {
    const at = new Date(Date.now() + seconds * 1000);
    fs.utimesSync(path.join(tree, file), at, at);
  };

  it('runs dist/ when it is newer than every source, the sources when one changed since, or when asked', () => {
    touch('core/cli/main.ts', -60);
    expect(run()).toBe('compiled');
    touch('core/cli/main.ts', 60); // edited after the build
    expect(run()).toBe('sources');
    touch('core/cli/main.ts', -60);
    expect(run({ HUB_FROM_SOURCE: '1' })).toBe('sources');
    fs.rmSync(path.join(tree, 'dist'), { recursive: true });
    expect(run()).toBe('sources');
  });
});
