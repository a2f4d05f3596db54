import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../core/cli/main';
import type { Output } from '../../../core/cli/output';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging/logger';
import { openHub, type Hub } from '../../../core/runtime/hub';

export const ROOT = path.resolve(__dirname, '../../..');
export const FLOW_FIXTURES = path.join(ROOT, 'test', 'fixtures', 'flows');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A temporary HUB_DATA_DIR (plus any other HUB_* variables) set in process.env for one test and restored after,
 * and `hub(...)` running the CLI in-process with its output captured.
 */
export class CliBed {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-cli-'));
  private readonly saved = new Map<string, string | undefined>();

  constructor(env: Record<string, string> = {}) {
    const inherited = Object.keys(process.env).filter((k) => k.startsWith('HUB_') && !k.startsWith('HUB_TEST_'));
    this.setEnv(Object.fromEntries(inherited.map((k) => [k, undefined])));
    // the file connections of these tests keep their files in <test folder>/files: the hub's file root here
    this.setEnv({
      HUB_DATA_DIR: path.join(this.dir, 'data'),
      HUB_FILES_ROOT: path.join(this.dir, 'files'),
      HUB_LOG_LEVEL: 'silent',
      ...env,
    });
  }

  setEnv(env: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(env)) {
      if (!this.saved.has(key)) this.saved.set(key, process.env[key]);
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  async hub(...args: string[]): Promise<CliResult> {
    let stdout = '';
    let stderr = '';
    const output: Output = {
      out: (text) => (stdout += text.endsWith('\n') ? text : `${text}\n`),
      err: (text) => (stderr += text.endsWith('\n') ? text : `${text}\n`),
    };
    const code = await main(['node', 'hub', ...args], output);
    return { code, stdout, stderr };
  }

  /** Writes a file in the test folder; returns its path. */
  write(name: string, content: string | object): string {
    const file = path.join(this.dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  /** Adds a file connection over `folder` (inside the test folder) through the CLI. */
  async fileConnection(name: string, settings: Record<string, unknown> = {}): Promise<void> {
    const folder = path.join(this.dir, 'files');
    fs.mkdirSync(folder, { recursive: true });
    const file = this.write(`${name}.settings.json`, { directory: folder, ...settings });
    const result = await this.hub('connections', 'add', 'file', '--name', name, '--settings', file);
    if (result.code !== 0) throw new Error(`connections add failed: ${result.stderr}`);
  }

  /** Enables the clean-contact-list template over the connections `contacts` and `cleaned`, as the README does. */
  async enableCleanContactList(): Promise<void> {
    const result = await this.hub(
      'flows',
      'enable',
      'clean-contact-list',
      '--connection',
      'contacts=contacts',
      '--connection',
      'cleaned=cleaned',
    );
    if (result.code !== 0) throw new Error(`flows enable failed: ${result.stderr}`);
  }

  /** Opens the same store as the CLI, for arranging runs and dead letters directly. */
  async withHub<T>(fn: (hub: Hub) => Promise<T>): Promise<T> {
    const hub = await openHub(loadConfig(), { logger: createLogger({ level: 'silent' }) });
    try {
      return await fn(hub);
    } finally {
      await hub.close();
    }
  }

  cleanup(): void {
    for (const [key, value] of this.saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
