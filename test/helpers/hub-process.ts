import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'hub.cjs');

export interface HubResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `hub` binary (as `npx hub` would) with the test's Node and a controlled environment. */
export function runHub(args: string[], env: Record<string, string | undefined>, input?: string): HubResult {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) clean[k] = v;
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...clean, ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface HubServer {
  url: string;
  /** Everything the server printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Starts `hub serve --port 0` as a child process (127.0.0.1) and resolves once it printed its address and the
 * first-start notices that come with it. The test must call stop().
 */
export function startHubServer(env: Record<string, string | undefined>, cwd: string = ROOT): Promise<HubServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawn } = require('node:child_process') as typeof import('node:child_process');
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) clean[k] = v;
  const child = spawn(process.execPath, [path.join(cwd, 'bin', 'hub.cjs'), 'serve', '--port', '0'], {
    cwd,
    env: { ...clean, HUB_HOST: '127.0.0.1', ...env },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub serve exited with ${code}: ${err}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+?)[ ;]/.exec(out)?.[1];
      // the notices (token, sandbox) come in the same write as the address line
      const noticesDone = !out.includes('First start: created') || out.includes('hub tokens revoke');
      if (url && out.endsWith('\n') && noticesDone) {
        resolve({
          url,
          stdout: () => out,
          stderr: () => err,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}
