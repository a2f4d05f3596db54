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
