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
