import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONSOLE_DIR } from '../../core/api/console';

/**
 * The README's quick start: `npm start` (hub serve) prints where the console is and how to sign in (the admin token
 * of the first start comes right after), and `/` serves the console. Without a build (web/dist), no console line.
 */
const ROOT = path.resolve(__dirname, '..', '..');

function serve(dataDir: string): Promise<{ out: string; url: string; stop(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hub.cjs'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...env, HUB_DATA_DIR: dataDir, HUB_SANDBOX: 'off', HUB_LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hub serve exited with ${code}: ${err}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /listening on (http:\/\/\S+?)[ ;]/.exec(out)?.[1];
      if (url && out.includes('hub tokens revoke') && out.endsWith('\n')) resolve({ out, url, stop });
    });
  });
}

describe('npm start says where the console is and how to sign in', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-console-notice-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints the console URL with "sign in with an API token", then the first admin token; / is the console', async () => {
    const hub = await serve(dataDir);
    try {
      const built = fs.existsSync(path.join(CONSOLE_DIR, 'index.html'));
      const line = `Web console: ${hub.url}/ (sign in with an API token)`;
      if (built) {
        expect(hub.out).toContain(line);
        // the token to sign in with follows the console line
        expect(hub.out.indexOf('First start: created the admin API token')).toBeGreaterThan(hub.out.indexOf(line));
        const page = await fetch(`${hub.url}/`, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js"/);
      } else {
        expect(hub.out).not.toContain('Web console:');
      }
    } finally {
      await hub.stop();
    }
  }, 60_000);
});
