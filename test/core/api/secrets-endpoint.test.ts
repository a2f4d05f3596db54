import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { main } from '../../../core/cli/main';
import { openApiBed, type ApiBed } from './helpers';

/**
 * Secrets stay bound to their endpoint. The exfiltration sequence of issue 13 — PATCH a connection with its secret
 * sent back as "[secret]" (keep) and a new base URL pointing at an attacker, then check — must never send the
 * stored secret to the new host: for every built-in connector with a secret, the secret is cleared (the change
 * is the creator's) or the change is refused with 403 (someone else's connection), and the capture listener
 * never receives the secret in any form.
 */

interface Captured {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function captureListener(): Promise<{ url: string; requests: Captured[]; close(): Promise<void> }> {
  const requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', message: 'who are you?' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Everything a request carried, with every base64-looking run decoded next to it. */
function seen(requests: Captured[]): string {
  const text = JSON.stringify(requests);
  const decoded = (text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? []).map((run) =>
    Buffer.from(run, 'base64').toString('latin1'),
  );
  return [text, decodeURIComponent(text.replace(/%(?![0-9a-fA-F]{2})/g, '%25')), ...decoded].join('\n');
}

const secret = (name: string) => `${name}-${Math.random().toString(36).slice(2)}-canary`;

interface ConnectorCase {
  connectorId: string;
  /** The secret field(s) the endpoint change must clear. */
  secrets: string[];
  settings(token: string, baseUrl: string): Record<string, unknown>;
  keep(baseUrl: string): Record<string, unknown>;
}

const CASES: ConnectorCase[] = [
  {
    connectorId: 'hubspot',
    secrets: ['accessToken'],
    settings: (token, baseUrl) => ({ accessToken: token, baseUrl }),
    keep: (baseUrl) => ({ accessToken: '[secret]', baseUrl }),
  },
  {
    connectorId: 'mailchimp',
    secrets: ['apiKey'],
    settings: (token, baseUrl) => ({ apiKey: `${token}-us7`, listId: 'list1', baseUrl }),
    keep: (baseUrl) => ({ apiKey: '[secret]', listId: 'list1', baseUrl }),
  },
  {
    connectorId: 'sendgrid',
    secrets: ['apiKey'],
    settings: (token, baseUrl) => ({ apiKey: `SG.${token}`, baseUrl }),
    keep: (baseUrl) => ({ apiKey: '[secret]', baseUrl }),
  },
];

describe('secrets stay bound to their endpoint', () => {
  let bed: ApiBed;
  let capture: Awaited<ReturnType<typeof captureListener>>;

  const allowed = process.env.HUB_ALLOW_PRIVATE_HOSTS;
  const dataDir = process.env.HUB_DATA_DIR;
  beforeAll(async () => {
    // the capture listener is on 127.0.0.1, allowed as a private host (as an on-premise system would be): the
    // address guard lets the request through, so only the endpoint binding keeps the secret home
    process.env.HUB_ALLOW_PRIVATE_HOSTS = '127.0.0.1';
    bed = await openApiBed({ env: { HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
    capture = await captureListener();
  });
  afterAll(async () => {
    if (allowed === undefined) delete process.env.HUB_ALLOW_PRIVATE_HOSTS;
    else process.env.HUB_ALLOW_PRIVATE_HOSTS = allowed;
    if (dataDir === undefined) delete process.env.HUB_DATA_DIR;
    else process.env.HUB_DATA_DIR = dataDir;
    await capture.close();
    await bed.close();
  });

  for (const c of CASES) {
    it(`${c.connectorId}: the creator's endpoint change clears the kept secret; check never sends it`, async () => {
      const token = secret(c.connectorId);
      const engineer = bed.as('engineer');
      const created = await engineer
        .post('/connections', {
          name: `${c.connectorId}-own`,
          connectorId: c.connectorId,
          settings: c.settings(token, 'https://vendor.example'),
        })
        .expect(201);
      const id = created.body.id as string;

      const patched = await engineer.patch(`/connections/${id}`, { settings: c.keep(capture.url) }).expect(200);
      expect(patched.body.secretsCleared).toEqual(c.secrets);
      expect(patched.body.notice).toMatch(/endpoint changed .*baseUrl.*cleared/);
      expect(patched.body.status).toBe('error');
      for (const field of c.secrets) expect(patched.body.settings[field]).toBeUndefined();

      const stored = await bed.hub.repos.connections.require(id, { decrypt: true });
      expect(JSON.stringify(stored.settings)).not.toContain(token);

      await engineer.post(`/connections/${id}/check`).expect(200);
      expect(seen(capture.requests)).not.toContain(token);

      // control: the check does reach the listener with a secret given anew (the user's own choice), so the
      // absence of the old one above is the binding at work, not a request that never left
      const control = secret('control');
      await engineer.patch(`/connections/${id}`, { settings: c.settings(control, capture.url) }).expect(200);
      await engineer.post(`/connections/${id}/check`).expect(200);
      expect(seen(capture.requests)).toContain(control);
      expect(seen(capture.requests)).not.toContain(token);

      const audit = await bed.as('admin').get(`/audit?action=connection.endpoint-change`).expect(200);
      const entry = (audit.body.items as { entityId: string; after: unknown }[]).find((e) => e.entityId === id);
      expect(entry?.after).toEqual({ endpoint: { baseUrl: capture.url }, secretsCleared: c.secrets });
    });

    it(`${c.connectorId}: someone else's connection: an engineer's endpoint change is 403, an admin's clears`, async () => {
      const token = secret(c.connectorId);
      const created = await bed
        .as('admin')
        .post('/connections', {
          name: `${c.connectorId}-admin`,
          connectorId: c.connectorId,
          settings: c.settings(token, 'https://vendor.example'),
        })
        .expect(201);
      const id = created.body.id as string;

      const refused = await bed.as('engineer').patch(`/connections/${id}`, { settings: c.keep(capture.url) });
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toMatch(/only an admin may change baseUrl/);
      const unchanged = await bed.hub.repos.connections.require(id);
      expect(unchanged.settings.baseUrl).toBe('https://vendor.example');
      await bed.as('engineer').post(`/connections/${id}/check`).expect(200);
      expect(seen(capture.requests)).not.toContain(token);

      const byAdmin = await bed
        .as('admin')
        .patch(`/connections/${id}`, { settings: c.keep(capture.url) })
        .expect(200);
      expect(byAdmin.body.secretsCleared).toEqual(c.secrets);
      await bed.as('admin').post(`/connections/${id}/check`).expect(200);
      expect(seen(capture.requests)).not.toContain(token);
    });
  }

  it('keeps the secret when no endpoint setting changes, and takes a new secret given with the new endpoint', async () => {
    const token = secret('keep');
    const engineer = bed.as('engineer');
    const created = await engineer
      .post('/connections', {
        name: 'hubspot-keep',
        connectorId: 'hubspot',
        settings: { accessToken: token, baseUrl: 'https://api.hubapi.com' },
      })
      .expect(201);
    const id = created.body.id as string;
    // the default base URL written out is not a change
    const same = await engineer
      .patch(`/connections/${id}`, { settings: { accessToken: '[secret]', tier: 'starter' } })
      .expect(200);
    expect(same.body.secretsCleared).toBeUndefined();
    let stored = await bed.hub.repos.connections.require(id, { decrypt: true });
    expect(stored.settings.accessToken).toBe(token);

    const fresh = secret('fresh');
    const moved = await engineer
      .patch(`/connections/${id}`, { settings: { accessToken: fresh, baseUrl: 'https://eu.example' } })
      .expect(200);
    expect(moved.body.secretsCleared).toBeUndefined();
    stored = await bed.hub.repos.connections.require(id, { decrypt: true });
    expect(stored.settings.accessToken).toBe(fresh);
  });

  it('the CLI says so too: `hub connections update --settings` with a new baseUrl clears and reports the secret', async () => {
    const token = secret('cli');
    await bed
      .as('engineer')
      .post('/connections', {
        name: 'sendgrid-cli',
        connectorId: 'sendgrid',
        settings: { apiKey: `SG.${token}`, baseUrl: 'https://vendor.example' },
      })
      .expect(201);
    process.env.HUB_DATA_DIR = path.join(bed.dir, 'data');
    const file = path.join(bed.dir, 'moved.json');
    fs.writeFileSync(file, JSON.stringify({ baseUrl: capture.url }));
    const run = async (...args: string[]) => {
      let out = '';
      const output = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (out += `${t}\n`) };
      const code = await main(['node', 'hub', ...args], output);
      return { code, out };
    };
    const json = await run('connections', 'update', 'sendgrid-cli', '--settings', file, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({
      secretsCleared: ['apiKey'],
      notice: expect.stringContaining('cleared'),
    });
    const stored = await bed.hub.repos.connections.require('sendgrid-cli', { decrypt: true });
    expect(stored.settings.apiKey).toBeUndefined();
    const check = await run('connections', 'check', 'sendgrid-cli');
    expect(check.out).not.toContain(token);
    expect(seen(capture.requests)).not.toContain(token);
  });

  it('mailchimp: moving the data centre (server) clears the kept access token', async () => {
    const token = secret('oauth');
    const engineer = bed.as('engineer');
    const created = await engineer
      .post('/connections', {
        name: 'mailchimp-dc',
        connectorId: 'mailchimp',
        settings: { accessToken: token, server: 'us7', listId: 'list1' },
      })
      .expect(201);
    const moved = await engineer
      .patch(`/connections/${created.body.id as string}`, {
        settings: { accessToken: '[secret]', server: 'us9', listId: 'list1' },
      })
      .expect(200);
    expect(moved.body.secretsCleared).toEqual(['accessToken']);
    expect(moved.body.notice).toContain('server');
  });
});
