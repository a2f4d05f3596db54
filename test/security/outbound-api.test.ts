import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connector as hubspot } from '../../connectors/hubspot';
import { startSandbox, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { ConfigError } from '../../core/sdk';
import { configureOutbound, resetOutbound } from '../../core/security/outbound-policy';
import { openApiBed, type ApiBed } from '../core/api/helpers';

/**
 * The outbound door through the paths users take (#13, item 1): a connection whose base URL the door would refuse
 * is refused when it is saved, naming the field; a connection saved before the fix is refused by `check` without
 * reaching the listener; HUB_ALLOW_PRIVATE_HOSTS lets an on-premise host through; the local sandboxes the hub
 * started are reachable, and only while they run.
 */

const TOKEN = 'pat-na1-outbound-api-token-1234';

let listener: http.Server;
let port: number;
let hits = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  listener = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[]}');
  });
  listener.on('connection', (socket: Socket) => {
    hits++;
    sockets.add(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => listener.close(resolve));
  resetOutbound();
});

describe('saving and checking connections', () => {
  let bed: ApiBed;
  beforeAll(async () => {
    resetOutbound();
    bed = await openApiBed();
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    hits = 0;
  });

  it.each([
    'file:///etc/passwd',
    'gopher://127.0.0.1:70/_GET',
    'ftp://files.example.com/',
    'http://api.hubapi.com',
    'https://127.0.0.1',
    'https://0x7f000001',
    'https://2130706433',
    'https://127.1',
    'https://[::ffff:127.0.0.1]',
    'https://0.0.0.0',
    'https://localhost',
    'https://169.254.169.254',
    'https://user:pass@api.hubapi.com',
  ])('refuses baseUrl %s when the connection is saved, naming the field', async (baseUrl) => {
    const res = await bed
      .as('engineer')
      .post('/connections', { name: 'hs', connectorId: 'hubspot', settings: { accessToken: TOKEN, baseUrl } });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('settings.baseUrl');
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it('refuses the same on an update', async () => {
    const created = await bed.as('engineer').post('/connections', {
      name: 'hs-update',
      connectorId: 'hubspot',
      settings: { accessToken: TOKEN, baseUrl: 'https://api.hubapi.com' },
    });
    expect(created.status).toBe(201);
    const res = await bed.as('engineer').patch(`/connections/${created.body.id as string}`, {
      settings: { accessToken: TOKEN, baseUrl: `http://0x7f000001:${port}` },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain('settings.baseUrl');
  });

  it('a connection saved before the fix is refused by check, and its token never reaches the host', async () => {
    for (const baseUrl of [
      `http://0x7f000001:${port}`,
      `https://[::ffff:127.0.0.1]:${port}`,
      `http://localhost:${port}`,
    ]) {
      const stored = await bed.hub.repos.connections.create({
        name: `legacy-${hits}-${baseUrl.length}`,
        connectorId: 'hubspot',
        settings: { accessToken: TOKEN, baseUrl },
        settingsSchema: hubspot.settingsSchema,
      });
      const res = await bed.as('engineer').post(`/connections/${stored.id}/check`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false });
      expect(res.body.message as string).toMatch(/baseUrl/);
    }
    expect(hits).toBe(0);
  });
});

describe('HUB_ALLOW_PRIVATE_HOSTS', () => {
  it('lets an allowed on-premise host through, on save and on check', async () => {
    resetOutbound();
    hits = 0;
    const bed = await openApiBed({ env: { HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
    try {
      const created = await bed.as('engineer').post('/connections', {
        name: 'erp',
        connectorId: 'hubspot',
        settings: { accessToken: TOKEN, baseUrl: `http://127.0.0.1:${port}` },
      });
      expect(created.status).toBe(201);
      const res = await bed.as('engineer').post(`/connections/${created.body.id as string}/check`);
      expect(res.body).toMatchObject({ ok: true });
      expect(hits).toBeGreaterThan(0);
    } finally {
      await bed.close();
      resetOutbound();
    }
  });

  it('a bad range stops the configuration, naming the variable', () => {
    expect(() => configureOutbound({ allowPrivateHosts: ['10.0.0.0/99'] })).toThrow(ConfigError);
    expect(() => configureOutbound({ allowPrivateHosts: ['10.0.0.0/99'] })).toThrow(/HUB_ALLOW_PRIVATE_HOSTS/);
  });

  it('is read from the environment when nothing configured it', async () => {
    resetOutbound();
    const before = process.env.HUB_ALLOW_PRIVATE_HOSTS;
    process.env.HUB_ALLOW_PRIVATE_HOSTS = '127.0.0.0/8';
    hits = 0;
    try {
      const check = await hubspot.check({
        id: 'c',
        name: 'c',
        settings: { accessToken: TOKEN, baseUrl: `http://127.0.0.1:${port}` },
        log: { debug() {}, info() {}, warn() {}, error() {} },
      });
      expect(check.ok).toBe(true);
      expect(hits).toBeGreaterThan(0);
    } finally {
      if (before === undefined) delete process.env.HUB_ALLOW_PRIVATE_HOSTS;
      else process.env.HUB_ALLOW_PRIVATE_HOSTS = before;
      resetOutbound();
    }
  });
});

describe('local sandboxes the hub started', () => {
  let bed: ApiBed;
  let sandbox: HubSpotSandbox;
  beforeAll(async () => {
    resetOutbound();
    bed = await openApiBed();
    sandbox = await startSandbox({ seedContacts: 3 });
  });
  afterAll(async () => {
    await bed.close();
  });

  it('are reachable over http while they run; the same port after they stop, and other local ports, are not', async () => {
    const created = await bed
      .as('engineer')
      .post('/connections', { name: 'sandbox-hs', connectorId: 'hubspot', settings: sandbox.settings });
    expect(created.status).toBe(201);
    const check = await bed.as('engineer').post(`/connections/${created.body.id as string}/check`);
    expect(check.body).toMatchObject({ ok: true });

    // another local port (a listener the hub did not start, e.g. the hub's own API) is not a sandbox
    const other = await bed.as('engineer').post('/connections', {
      name: 'not-a-sandbox',
      connectorId: 'hubspot',
      settings: { ...sandbox.settings, baseUrl: `http://127.0.0.1:${port}` },
    });
    expect(other.status).toBe(422);

    await sandbox.close();
    const after = await bed.as('engineer').post(`/connections/${created.body.id as string}/check`);
    expect(after.body).toMatchObject({ ok: false });
    expect(after.body.message as string).toMatch(/baseUrl/);
  });
});
