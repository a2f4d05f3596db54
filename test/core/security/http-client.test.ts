import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentError } from '../../../core/sdk';
import { safeFetch } from '../../../core/security/http-client';
import { guardedAgent } from '../../../core/security/outbound-guard';
import { configureOutbound, resetOutbound } from '../../../core/security/outbound-policy';
import { SsrfError } from '../../../core/security/ssrf';

interface Seen {
  method: string;
  url: string;
  host: string;
  authorization?: string;
  apiKey?: string;
  cookie?: string;
  accept?: string;
  body: string;
}

// the test server is itself on loopback: allow it explicitly (as HUB_ALLOW_PRIVATE_HOSTS=127.0.0.1 would)
const allowLoopback = () => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] });

describe('safeFetch', () => {
  let server: http.Server;
  let base: string;
  let port: number;
  const seen: Seen[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          host: req.headers.host ?? '',
          authorization: req.headers.authorization,
          apiKey: req.headers['x-api-key'] as string | undefined,
          cookie: req.headers.cookie,
          accept: req.headers.accept,
          body,
        });
        const target = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
        if (req.url?.startsWith('/redirect') && target) {
          res.writeHead(req.url.startsWith('/redirect303') ? 303 : 302, { location: target }).end();
        } else if (req.url === '/loop') {
          res.writeHead(302, { location: '/loop' }).end();
        } else if (req.url === '/hang') {
          // never answers
        } else {
          res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }).end(`ok ${req.url}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    resetOutbound();
  });
  afterAll(() => resetOutbound());

  it('refuses a loopback URL without an allow-list, before connecting', async () => {
    await expect(safeFetch(`${base}/hello`)).rejects.toBeInstanceOf(SsrfError);
    expect(seen).toEqual([]);
  });

  it('fetches an allow-listed URL like fetch does', async () => {
    allowLoopback();
    const res = await safeFetch(`${base}/hello`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok /hello');
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.url).toBe(`${base}/hello`);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/admin',
    'http://[::ffff:169.254.169.254]/',
    'http://0x0a000001/',
  ])('refuses a redirect to %s (the first hop is allowed, the second is not)', async (target) => {
    allowLoopback();
    const error = await safeFetch(`${base}/redirect?to=${encodeURIComponent(target)}`).catch((e) => e);
    expect(error).toBeInstanceOf(SsrfError);
    // plain http to a host that is not allow-listed is refused for its scheme, before its address is looked at
    expect(['private_address', 'protocol']).toContain((error as SsrfError).code);
    expect(seen.map((s) => s.url)).toEqual([`/redirect?to=${encodeURIComponent(target)}`]);
  });

  it('refuses a redirect to file: and gopher:', async () => {
    allowLoopback();
    for (const target of ['file:///etc/passwd', 'gopher://127.0.0.1:70/_x']) {
      const error = await safeFetch(`${base}/redirect?to=${encodeURIComponent(target)}`).catch((e) => e);
      expect(error).toMatchObject({ code: 'protocol' });
    }
  });

  it('follows allowed redirects, turning a POST into a GET on 303', async () => {
    allowLoopback();
    const res = await safeFetch(`${base}/redirect303?to=${encodeURIComponent('/final')}`, {
      method: 'POST',
      body: 'payload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await res.text()).toBe('ok /final');
    expect(res.url).toBe(`${base}/final`);
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', `/redirect303?to=${encodeURIComponent('/final')}`, 'payload'],
      ['GET', '/final', ''],
    ]);
  });

  it('connects to the address it checked (pinned), and drops credentials across origins', async () => {
    const lookups: string[] = [];
    configureOutbound({
      allowPrivateHosts: ['api.vendor.test', 'other.vendor.test'],
      resolver: async (hostname: string) => {
        lookups.push(hostname);
        return [{ address: '127.0.0.1', family: 4 as const }];
      },
    });
    const target = `http://other.vendor.test:${port}/landing`;
    const res = await safeFetch(`http://api.vendor.test:${port}/redirect?to=${encodeURIComponent(target)}`, {
      headers: { authorization: 'Bearer t0ken', 'x-api-key': 'k3y', cookie: 'sid=1', accept: 'text/plain' },
    });
    expect(await res.text()).toBe('ok /landing');
    // names that do not exist in DNS were reached through the vetted address, each looked up once
    expect(lookups).toEqual(['api.vendor.test', 'other.vendor.test']);
    expect(seen.map((s) => [s.host, s.authorization, s.apiKey, s.cookie, s.accept])).toEqual([
      [`api.vendor.test:${port}`, 'Bearer t0ken', 'k3y', 'sid=1', 'text/plain'],
      [`other.vendor.test:${port}`, undefined, undefined, undefined, 'text/plain'],
    ]);
  });

  it('drops credentials on a redirect to the same host on another port (another origin)', async () => {
    allowLoopback();
    const other = http.createServer((req, res) => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        authorization: req.headers.authorization,
        body: '',
      });
      res.end('other');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const otherPort = (other.address() as AddressInfo).port;
    try {
      const res = await safeFetch(`${base}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${otherPort}/x`)}`, {
        headers: { authorization: 'Bearer t0ken' },
      });
      expect(await res.text()).toBe('other');
      expect(seen.map((s) => s.authorization)).toEqual(['Bearer t0ken', undefined]);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('refuses a name that resolves to a private address, without connecting', async () => {
    configureOutbound({ resolver: async () => [{ address: '127.0.0.1', family: 4 as const }] });
    const error = await safeFetch(`https://rebind.vendor.test:${port}/hello`).catch((e) => e);
    expect(error).toMatchObject({ code: 'private_address' });
    expect(seen).toEqual([]);
  });

  it('the guarded agents refuse literal private addresses that skip the lookup', async () => {
    const error = await new Promise<Error>((resolve) => {
      http
        .get(`${base}/hello`, { agent: guardedAgent('http:') }, (res) => {
          res.resume();
          resolve(new Error('reached'));
        })
        .on('error', resolve);
    });
    expect(error).toBeInstanceOf(SsrfError);
    expect(seen).toEqual([]);
  });

  it('stops after maxRedirects, or returns the redirect itself with maxRedirects 0', async () => {
    allowLoopback();
    await expect(safeFetch(`${base}/loop`, {}, { maxRedirects: 2 })).rejects.toBeInstanceOf(PermanentError);
    expect(seen).toHaveLength(3);
    const res = await safeFetch(`${base}/loop`, {}, { maxRedirects: 0 });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/loop');
  });

  it('aborts on its deadline and on the caller signal', async () => {
    allowLoopback();
    await expect(safeFetch(`${base}/hang`, {}, { timeoutMs: 100 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const controller = new AbortController();
    const pending = safeFetch(`${base}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
