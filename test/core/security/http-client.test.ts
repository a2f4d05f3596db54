import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PermanentError } from '../../../core/sdk';
import { safeFetch } from '../../../core/security/http-client';
import { SsrfError } from '../../../core/security/ssrf';

interface Seen {
  method: string;
  url: string;
  host: string;
  authorization?: string;
  body: string;
}

describe('safeFetch', () => {
  let server: http.Server;
  let base: string;
  let port: number;
  const seen: Seen[] = [];
  // the test server is itself on loopback: allow it explicitly for the hops that should reach it
  const local = { allowCidrs: ['127.0.0.1/32'] };

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
  });

  it('refuses a loopback URL without an allow-list, before connecting', async () => {
    await expect(safeFetch(`${base}/hello`)).rejects.toBeInstanceOf(SsrfError);
    expect(seen).toEqual([]);
  });

  it('fetches an allow-listed URL like fetch does', async () => {
    const res = await safeFetch(`${base}/hello`, {}, local);
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
    const error = await safeFetch(`${base}/redirect?to=${encodeURIComponent(target)}`, {}, local).catch((e) => e);
    expect(error).toBeInstanceOf(SsrfError);
    expect((error as SsrfError).code).toBe('private_address');
    expect(seen.map((s) => s.url)).toEqual([`/redirect?to=${encodeURIComponent(target)}`]);
  });

  it('follows allowed redirects, turning a POST into a GET on 303', async () => {
    const res = await safeFetch(
      `${base}/redirect303?to=${encodeURIComponent('/final')}`,
      { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } },
      local,
    );
    expect(await res.text()).toBe('ok /final');
    expect(res.url).toBe(`${base}/final`);
    expect(seen.map((s) => [s.method, s.url, s.body])).toEqual([
      ['POST', `/redirect303?to=${encodeURIComponent('/final')}`, 'payload'],
      ['GET', '/final', ''],
    ]);
  });

  it('connects to the address it checked (pinned), and drops credentials across origins', async () => {
    const lookups: string[] = [];
    const lookup = async (hostname: string) => {
      lookups.push(hostname);
      return [{ address: '127.0.0.1', family: 4 as const }];
    };
    const options = { allowHosts: ['api.vendor.test', 'other.vendor.test'], lookup };
    const target = `http://other.vendor.test:${port}/landing`;
    const res = await safeFetch(
      `http://api.vendor.test:${port}/redirect?to=${encodeURIComponent(target)}`,
      { headers: { authorization: 'Bearer t0ken' } },
      options,
    );
    expect(await res.text()).toBe('ok /landing');
    // names that do not exist in DNS were reached through the vetted address, each looked up once
    expect(lookups).toEqual(['api.vendor.test', 'other.vendor.test']);
    expect(seen.map((s) => [s.host, s.authorization])).toEqual([
      [`api.vendor.test:${port}`, 'Bearer t0ken'],
      [`other.vendor.test:${port}`, undefined],
    ]);
  });

  it('stops after maxRedirects, or returns the redirect itself with maxRedirects 0', async () => {
    await expect(safeFetch(`${base}/loop`, {}, { ...local, maxRedirects: 2 })).rejects.toBeInstanceOf(PermanentError);
    expect(seen).toHaveLength(3);
    const res = await safeFetch(`${base}/loop`, {}, { ...local, maxRedirects: 0 });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/loop');
  });

  it('aborts on its deadline and on the caller signal', async () => {
    await expect(safeFetch(`${base}/hang`, {}, { ...local, timeoutMs: 100 })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    const controller = new AbortController();
    const pending = safeFetch(`${base}/hang`, { signal: controller.signal }, local);
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
