import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../../helpers/hub-process';
import { CliBed } from './helpers';

describe('hub tokens', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  it('refuses a token name with a NUL, a control or a bidi-override character, naming the field', async () => {
    for (const name of ['ci\u0000x', 'ci\u0007', 'evil\u202Egnp.exe']) {
      const created = await bed.hub('tokens', 'create', '--role', 'viewer', '--name', name);
      expect(created.code).not.toBe(0);
      expect(created.stderr).toMatch(/name must not start or end with a space, nor contain/);
    }
    expect(JSON.parse((await bed.hub('tokens', 'list', '--json')).stdout)).toEqual([]);
  });

  it('creates a token shown once, lists tokens without it, and revokes by name or id', async () => {
    const created = await bed.hub('tokens', 'create', '--role', 'engineer', '--name', 'ci');
    expect(created.code).toBe(0);
    const token = /(hub_\S+)/.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    expect(created.stdout).toContain('shown only this once');

    const listed = await bed.hub('tokens', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(token);
    const [record] = JSON.parse(listed.stdout);
    expect(record).toMatchObject({ name: 'ci', role: 'engineer' });
    expect((await bed.hub('tokens', 'list')).stdout).toMatch(/ci\s+engineer/);

    const verified = await bed.withHub((hub) => hub.repos.apiTokens.verify(token!));
    expect(verified?.id).toBe(record.id);

    const revoked = await bed.hub('tokens', 'revoke', 'ci');
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining(`revoked token ci (${record.id})`) });
    expect(JSON.parse((await bed.hub('tokens', 'list', '--json')).stdout)).toEqual([]);
    expect(JSON.parse((await bed.hub('tokens', 'list', '--all', '--json')).stdout)[0].revokedAt).toEqual(
      expect.any(Number),
    );
    const audit = await bed.withHub((hub) => hub.repos.auditLog.list({ entity: 'token' }));
    expect(audit.map((e) => [e.action, e.actor])).toEqual([
      ['token.revoke', 'cli'],
      ['token.create', 'cli'],
    ]);
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('refuses an unknown role, an unknown token and an ambiguous name', async () => {
    const role = await bed.hub('tokens', 'create', '--role', 'owner', '--name', 'x');
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('role must be one of admin, engineer, marketer, viewer');
    const unknown = await bed.hub('tokens', 'revoke', 'nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('token "nobody" not found');
    await bed.hub('tokens', 'create', '--role', 'viewer', '--name', 'twin');
    await bed.hub('tokens', 'create', '--role', 'viewer', '--name', 'twin');
    const ambiguous = await bed.hub('tokens', 'revoke', 'twin');
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain('revoke by id');
  });
});

/** Starts `hub serve` on a free port and resolves once it printed its address (and whatever came before). */
function serve(
  dataDir: string,
): Promise<{ stdout: () => string; stderr: () => string; url: string; stop(): Promise<void> }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) env[k] = v;
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hub.cjs'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...env, HUB_DATA_DIR: dataDir, HUB_LOG_LEVEL: 'info' },
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
      // the token notice follows the address line in the same write burst; wait for the end of a line
      if (url && out.endsWith('\n') && (!out.includes('First start') || out.includes('hub tokens revoke'))) {
        resolve({
          stdout: () => out,
          stderr: () => err,
          url,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
  });
}

describe('hub serve on first start', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-serve-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('creates an admin token, prints it once (never logs it), and serves the API with it', async () => {
    const first = await serve(dataDir);
    let token: string | undefined;
    try {
      expect(first.stdout()).toContain('First start: created the admin API token "initial-admin"');
      token = /^\s+(hub_\S+)$/m.exec(first.stdout())?.[1];
      expect(token).toBeDefined();
      const me = await fetch(`${first.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ name: 'initial-admin', role: 'admin' });
      const anonymous = await fetch(`${first.url}/api/v1/connectors`);
      expect(anonymous.status).toBe(401);
    } finally {
      await first.stop();
    }
    expect(first.stderr()).not.toContain(token);

    const second = await serve(dataDir);
    await second.stop();
    expect(second.stdout()).not.toContain('First start');
    expect(second.stdout()).not.toContain('hub_');
  });
});
