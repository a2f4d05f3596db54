import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { ConnectionService } from '../../../core/connections/service';
import { ConfigError, outboundHttp, RetryableError } from '../../../core/sdk';
import { classifyNetworkFailure, forgetAnswered } from '../../../core/sdk/network-failure';
import { configureOutbound, resetOutbound } from '../../../core/security/outbound-policy';
import { connector as odoo } from '../../../connectors/odoo';
import { clearOdooSessions } from '../../../connectors/odoo/client';
import { CONTACT_MAPPING, createHarness, silentLogger, type Harness } from '../runner/harness';

/**
 * The outbound door says what a connection failure means (issue #16): a certificate the hub cannot trust, a server
 * that does not speak TLS, or a host name that never resolved stops the run with a ConfigError naming the host and
 * the fix, and `Test connection` shows the same words; a temporary DNS failure or a refused connection stays
 * retryable. Through the paths users take: the Odoo connector's requests in a flow run and in the connection check.
 */

const TLS_DIR = join(__dirname, '../../fixtures/tls');
const pem = (name: string) => readFileSync(join(TLS_DIR, name), 'utf8');

interface TlsServer {
  url: string;
  /** TCP connections the server accepted. */
  connections: number;
  close(): Promise<void>;
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function tlsServer(cert: string, key: string): Promise<TlsServer> {
  const server = https.createServer({ cert: pem(cert), key: pem(key) }, (_req, res) => res.end('ok'));
  const state = { connections: 0 };
  server.on('connection', () => (state.connections += 1));
  const port = await listen(server);
  return {
    url: `https://127.0.0.1:${port}`,
    get connections() {
      return state.connections;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const odooSettings = (url: string) => ({ url, database: 'sandbox', login: 'admin', apiKey: 'odoo-test-key-0001' });

describe('connection failures by what they mean, through a flow run and the connection check', () => {
  let h: Harness;
  const servers: TlsServer[] = [];

  beforeAll(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
  afterAll(() => resetOutbound());
  beforeEach(async () => {
    clearOdooSessions();
    forgetAnswered();
    // a small retry window (the harness scales the waits down too), so a retryable failure ends the run quickly
    h = await createHarness({ deps: { retry: { baseMs: 100, maxMs: 400, maxElapsedMs: 2_000 } } });
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
  });
  afterEach(async () => {
    await h.close();
    await Promise.all(servers.splice(0).map((s) => s.close()));
    configureOutbound({ allowPrivateHosts: ['127.0.0.1'] });
  });

  async function odooFlow(url: string) {
    await h.register('odoo', odoo, odooSettings(url));
    await h.flow({ name: 'odoo-to-b', source: { connection: 'odoo', stream: 'partners' } });
  }

  const checkOdoo = () =>
    new ConnectionService({
      repos: h.repos,
      registry: { get: () => odoo, has: () => true },
      logger: silentLogger,
    }).check('odoo');

  async function serve(cert: string, key: string): Promise<TlsServer> {
    const server = await tlsServer(cert, key);
    servers.push(server);
    return server;
  }

  it('a self-signed certificate stops the run at once with a ConfigError naming the host and the fix', async () => {
    const server = await serve('self-signed.crt', 'self-signed.key');
    const host = new URL(server.url).host;
    await odooFlow(server.url);
    const run = await h.run('odoo-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'config', field: 'url' });
    expect(run.error?.message).toBe(
      `connection "odoo": odoo: the TLS certificate of ${host} is self-signed: fix the server's certificate, or the URL setting (url) if it points to the wrong server; a private CA is trusted by starting the hub with NODE_EXTRA_CA_CERTS=<its PEM file>`,
    );
    expect(run.error?.message).not.toMatch(/\n\s+at /); // no stack
    expect(h.sleeps).toEqual([]); // no retry
    expect(server.connections).toBe(1);

    const check = await checkOdoo();
    expect(check.ok).toBe(false);
    expect(check.message).toBe(run.error?.message.replace('connection "odoo": ', ''));
    expect(check.connection.lastCheckError).toBe(check.message);
  });

  it('a host name that never resolved is a ConfigError at once: "not found: check the URL setting"', async () => {
    await odooFlow('https://odoo.exmple.invalid');
    const run = await h.run('odoo-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({
      kind: 'config',
      field: 'url',
      message: 'connection "odoo": odoo: host odoo.exmple.invalid not found: check the URL setting (url)',
    });
    expect(h.sleeps).toEqual([]);
    expect(await checkOdoo()).toMatchObject({
      ok: false,
      message: 'odoo: host odoo.exmple.invalid not found: check the URL setting (url)',
    });
  });

  it('a refused connection stays retryable: the run retries over its window', async () => {
    const closed = await serve('self-signed.crt', 'self-signed.key');
    const url = closed.url;
    await closed.close();
    servers.pop();
    await odooFlow(url);
    const run = await h.run('odoo-to-b');
    expect(run.status).toBe('failed');
    expect(run.error?.kind).toBe('retryable');
    expect(run.error?.message).toMatch(/failed \d+ times: .*ECONNREFUSED/);
    expect(h.sleeps.length).toBeGreaterThan(1);
  });

  it('a temporary DNS failure (EAI_AGAIN) stays retryable: the run retries over its window', async () => {
    configureOutbound({
      resolver: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo EAI_AGAIN ${hostname}`), {
          code: 'EAI_AGAIN',
          syscall: 'getaddrinfo',
          hostname,
        });
      },
    });
    await odooFlow('https://odoo.example.com');
    const run = await h.run('odoo-to-b');
    expect(run.status).toBe('failed');
    expect(run.error?.kind).toBe('retryable');
    expect(run.error?.message).toMatch(/failed \d+ times: .*EAI_AGAIN/);
    expect(h.sleeps.length).toBeGreaterThan(1);
  });

  it('a plain-http server on an https URL is a ConfigError about the port', async () => {
    const plain = http.createServer((_req, res) => res.end('ok'));
    const port = await listen(plain);
    servers.push({
      url: '',
      connections: 0,
      close: () => new Promise<void>((resolve) => plain.close(() => resolve())),
    });
    await odooFlow(`https://127.0.0.1:${port}`);
    expect(await checkOdoo()).toMatchObject({
      ok: false,
      message: `odoo: 127.0.0.1:${port} does not speak TLS (https) on this port: check the URL setting (url) (the port, or whether the server serves https at all)`,
    });
  });

  describe('with a test CA trusted', () => {
    let defaults: string[];
    beforeAll(() => {
      defaults = tls.getCACertificates('default');
      tls.setDefaultCACertificates([...defaults, pem('ca.crt')]);
    });
    afterAll(() => tls.setDefaultCACertificates(defaults));
    beforeEach(() => configureOutbound({})); // new agents: no socket pooled before the CA was trusted

    it('a certificate of the trusted CA is accepted (the control: the failures below are the certificate)', async () => {
      const server = await serve('valid.crt', 'leaf.key');
      const response = await outboundHttp({ connector: 'odoo' }).fetch(`${server.url}/web/version`);
      expect(await response.text()).toBe('ok');
    });

    it('an expired certificate: the ConfigError says when it expired', async () => {
      const server = await serve('expired.crt', 'leaf.key');
      await odooFlow(server.url);
      const run = await h.run('odoo-to-b');
      expect(run.error).toMatchObject({ kind: 'config' });
      expect(run.error?.message).toContain(
        `the TLS certificate of ${new URL(server.url).host} expired on 2020-02-01: fix the server's certificate, or the URL setting (url)`,
      );
      expect(h.sleeps).toEqual([]);
      expect((await checkOdoo()).message).toBe(run.error?.message.replace('connection "odoo": ', ''));
    });

    it('a certificate for another name: the ConfigError names the names it is for', async () => {
      const server = await serve('other-host.crt', 'leaf.key');
      await odooFlow(server.url);
      expect(await checkOdoo()).toMatchObject({
        ok: false,
        message: `odoo: the TLS certificate of ${new URL(server.url).host} is for other.example, not 127.0.0.1: fix the server's certificate, or the URL setting (url) if it points to the wrong server`,
      });
    });
  });

  it('the hint works: NODE_EXTRA_CA_CERTS makes a hub process trust a private CA', async () => {
    const server = await serve('valid.crt', 'leaf.key');
    const script = `require('${join(__dirname, '../../../core/sdk/http').replace(/\\/g, '/')}').outboundHttp({ connector: 'odoo' })
      .fetch(process.argv[1]).then((r) => r.text()).then((t) => console.log(t), (e) => console.log(e.message));`;
    const run = (env: Record<string, string>) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--require', require.resolve('tsx/cjs'), '-e', script, server.url],
          { env: { ...process.env, HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1', ...env }, timeout: 12_000 },
          (error, stdout) => (error ? reject(error) : resolve(stdout.trim())),
        ),
      );
    expect(await run({})).toContain('NODE_EXTRA_CA_CERTS=<its PEM file>');
    expect(await run({ NODE_EXTRA_CA_CERTS: join(TLS_DIR, 'ca.crt') })).toBe('ok');
  });
});

describe('a host name that answered before is retried when it is not found (a DNS outage, not a typo)', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    port = await listen(server);
  });
  afterAll(async () => {
    resetOutbound();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ConfigError before the first answer, RetryableError after it', async () => {
    forgetAnswered();
    const notFound = async (hostname: string): Promise<never> => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    };
    const door = outboundHttp({ connector: 'odoo' });
    const url = `http://odoo.vendor.test:${port}/web/version`;
    configureOutbound({ allowPrivateHosts: ['odoo.vendor.test'], resolver: notFound });
    const typo = await door.fetch(url, { field: 'url' }).catch((e: unknown) => e);
    expect(typo).toBeInstanceOf(ConfigError);
    expect((typo as Error).message).toBe('odoo: host odoo.vendor.test not found: check the URL setting (url)');

    configureOutbound({ resolver: async () => [{ address: '127.0.0.1', family: 4 }] });
    expect(await (await door.fetch(url)).text()).toBe('ok');

    configureOutbound({ resolver: notFound });
    const outage = await door.fetch(url, { field: 'url' }).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(RetryableError);
    expect((outage as Error).message).toBe(
      'odoo: host odoo.vendor.test not found (ENOTFOUND), though it answered before: a DNS failure (if it lasts, check the DNS server, the VPN, or the URL setting (url))',
    );
  });
});

describe('the code is read anywhere in the cause chain', () => {
  it('on the top error, on cause (undici: "fetch failed"), deeper, and in an AggregateError', () => {
    const expired = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    expect(classifyNetworkFailure(expired)).toMatchObject({ kind: 'certificate', code: 'CERT_HAS_EXPIRED' });
    expect(classifyNetworkFailure(new TypeError('fetch failed', { cause: expired }))).toMatchObject({
      kind: 'certificate',
    });
    const deeper = new Error('request failed', { cause: new TypeError('fetch failed', { cause: expired }) });
    expect(classifyNetworkFailure(deeper)).toMatchObject({ kind: 'certificate', code: 'CERT_HAS_EXPIRED' });
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND a.invalid'), {
      code: 'ENOTFOUND',
      hostname: 'a.invalid',
    });
    expect(classifyNetworkFailure(new AggregateError([notFound]))).toEqual({
      kind: 'not_found',
      code: 'ENOTFOUND',
      host: 'a.invalid',
    });
    // a wrapper's own code does not hide the meaning underneath
    const wrapped = Object.assign(new Error('wrapped'), { code: 'UND_ERR_SOCKET', cause: expired });
    expect(classifyNetworkFailure(wrapped)).toMatchObject({ kind: 'certificate' });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(classifyNetworkFailure(new TypeError('fetch failed', { cause: refused }))).toEqual({
      kind: 'other',
      code: 'ECONNREFUSED',
    });
    const loop: Error & { cause?: unknown } = new Error('loop');
    loop.cause = loop;
    expect(classifyNetworkFailure(loop)).toEqual({ kind: 'other' });
  });
});
