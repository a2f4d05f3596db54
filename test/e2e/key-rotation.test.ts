import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { runHub, startHubServer } from '../helpers/hub-process';

/** One request on its own connection (no keep-alive: the CLI runs between requests outlast the server's window). */
function request(
  url: string,
  method: string,
  token: string,
  body?: object,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? undefined : JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/**
 * `hub keys rotate` against the data dir of a running hub: the hub picks up the new key from the key file and keeps
 * decrypting the secrets the rotation re-encrypted (before the fix: 500s naming a key id "not in the key file").
 */
describe('key rotation while the hub runs', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-rotate-live-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps decrypting connection secrets after a rotation made by another process', async () => {
    const env = { HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'warn' };
    const server = await startHubServer(env);
    try {
      const token = /^\s+(hub_\S+)$/m.exec(server.stdout())?.[1];
      expect(token).toBeDefined();
      const check = (name: string) => request(`${server.url}/api/v1/connections/${name}/check`, 'POST', token!);

      expect(await check('sandbox-hubspot')).toMatchObject({ status: 200, json: { ok: true } });
      const keyFile = path.join(dataDir, 'keys.json');
      const oldKey = (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { active: string }).active;

      const rotated = runHub(['keys', 'rotate', '--json'], env);
      expect(rotated.stderr).toBe('');
      expect(rotated.status).toBe(0);
      const result = JSON.parse(rotated.stdout) as { activeKeyId: string; values: number };
      expect(result.activeKeyId).not.toBe(oldKey);
      expect(result.values).toBeGreaterThan(0);

      // the secret is now encrypted with a key this process did not have at start-up
      expect(await check('sandbox-hubspot')).toMatchObject({ status: 200, json: { ok: true } });

      // settings written by the running hub after the rotation, then a second rotation that drops the old keys
      const patched = await request(`${server.url}/api/v1/connections/sandbox-hubspot`, 'PATCH', token!, {
        name: 'crm',
      });
      expect(patched.status).toBe(200);
      const dropped = runHub(['keys', 'rotate', '--drop-retired'], env);
      expect(dropped.status).toBe(0);
      expect(await check('crm')).toMatchObject({ status: 200, json: { ok: true } });
    } catch (error) {
      throw new Error(`${(error as Error).message}\nhub serve said:\n${server.stdout()}\n${server.stderr()}`, {
        cause: error,
      });
    } finally {
      await server.stop();
    }
  }, 120_000);
});
