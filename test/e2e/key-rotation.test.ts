import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runHub, startHubServer } from '../helpers/hub-process';

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
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const check = () => fetch(`${server.url}/api/v1/connections/sandbox-hubspot/check`, { method: 'POST', headers });

      const before = await check();
      expect(before.status).toBe(200);
      expect(await before.json()).toMatchObject({ ok: true });
      const keyFile = path.join(dataDir, 'keys.json');
      const oldKey = (JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { active: string }).active;

      const rotated = runHub(['keys', 'rotate', '--json'], env);
      expect(rotated.stderr).toBe('');
      expect(rotated.status).toBe(0);
      const result = JSON.parse(rotated.stdout) as { activeKeyId: string; values: number };
      expect(result.activeKeyId).not.toBe(oldKey);
      expect(result.values).toBeGreaterThan(0);

      // the secret is now encrypted with a key this process did not have at start-up
      const after = await check();
      expect(after.status).toBe(200);
      expect(await after.json()).toMatchObject({ ok: true });

      // a secret written after the rotation uses the new key, so dropping the old one loses nothing
      const patched = await fetch(`${server.url}/api/v1/connections/sandbox-hubspot`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ name: 'crm' }),
      });
      expect(patched.status).toBe(200);
      const dropped = runHub(['keys', 'rotate', '--drop-retired'], env);
      expect(dropped.status).toBe(0);
      const last = await fetch(`${server.url}/api/v1/connections/crm/check`, { method: 'POST', headers });
      expect(last.status).toBe(200);
      expect(await last.json()).toMatchObject({ ok: true });
    } finally {
      await server.stop();
    }
  });
});
