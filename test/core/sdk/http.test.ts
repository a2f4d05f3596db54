import { createHubMetrics } from '../../../core/observability';
import { OUTBOUND_METRIC, outboundRegistry } from '../../../core/observability/outbound';
import { outboundHttp, RetryableError, SsrfError } from '../../../core/sdk';
import { configureOutbound, resetOutbound } from '../../../core/security/outbound-policy';
import { classifyHttpFailure, readRetryAfter, isHubError, toErrorInfo, RateLimitedError } from '../../../core/sdk';

const policy = {
  retryStatuses: [500, 502, 503, 504],
  retryAfter: [
    { header: 'retry-after', unit: 'seconds' as const },
    { header: 'x-ratelimit-reset', unit: 'epoch-seconds' as const },
  ],
};

describe('readRetryAfter', () => {
  it('reads seconds, HTTP dates and epoch resets by the policy', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfter(policy, { 'Retry-After': '7' }, now)).toBe(7000);
    expect(readRetryAfter(policy, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30000);
    expect(readRetryAfter(policy, { 'x-ratelimit-reset': String(now / 1000 + 12) }, now)).toBe(12000);
    expect(readRetryAfter(policy, new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(readRetryAfter(policy, {}, now)).toBeUndefined();
  });
});

describe('classifyHttpFailure', () => {
  it('maps statuses to the typed errors the runner acts on', () => {
    const limited = classifyHttpFailure(policy, { status: 429, headers: { 'retry-after': '3' } }, 'slow down');
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.toInfo()).toEqual({ kind: 'rate_limited', message: 'slow down', retryAfterMs: 3000, status: 429 });
    expect(classifyHttpFailure(policy, { status: 401, headers: {} }, 'x').kind).toBe('auth');
    expect(classifyHttpFailure(policy, { status: 503, headers: {} }, 'x').kind).toBe('retryable');
    expect(classifyHttpFailure(policy, { status: 400, headers: {} }, 'x').kind).toBe('permanent');
  });

  it('recognises hub errors by brand and treats unknown errors as retryable', () => {
    const error = classifyHttpFailure(policy, { status: 400, headers: {} }, 'bad email');
    expect(isHubError(error)).toBe(true);
    expect(isHubError(new Error('x'))).toBe(false);
    expect(toErrorInfo(new Error('socket hang up'))).toEqual({ kind: 'retryable', message: 'socket hang up' });
  });
});

describe('the outbound door (outboundHttp)', () => {
  let server: import('node:http').Server;
  let base: string;
  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      if (req.url === '/hang') return; // never answers
      res.writeHead(req.url === '/missing' ? 404 : 200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    resetOutbound();
  });
  beforeEach(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));

  const counted = async (connector: string, status: string): Promise<number> => {
    const metric = await outboundRegistry().getSingleMetric(OUTBOUND_METRIC)?.get();
    return metric?.values.find((v) => v.labels.connector === connector && v.labels.status === status)?.value ?? 0;
  };

  it('counts requests per connector and status, refusals included, and shows them in /metrics', async () => {
    const door = outboundHttp({ connector: 'door-test' });
    await (await door.fetch(`${base}/ok`)).text();
    await (await door.fetch(`${base}/missing`)).text();
    resetOutbound();
    await expect(door.fetch(`${base}/ok`)).rejects.toBeInstanceOf(SsrfError);
    expect(await counted('door-test', '200')).toBe(1);
    expect(await counted('door-test', '404')).toBe(1);
    expect(await counted('door-test', 'refused')).toBe(1);
    const rendered = await createHubMetrics({ defaultMetrics: false }).render();
    expect(rendered.body).toContain('hub_outbound_requests_total{connector="door-test",status="200"} 1');
  });

  it("applies the connection policy's timeout as a retryable error", async () => {
    const door = outboundHttp({ connector: 'door-timeout', timeoutMs: 50 });
    const error = await door.fetch(`${base}/hang`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('no answer within 50 ms');
    expect(await counted('door-timeout', 'timeout')).toBe(1);
  });

  it('check() refuses without sending, naming the field', () => {
    resetOutbound();
    const door = outboundHttp({ connector: 'door-check' });
    expect(() => door.check('gopher://example.com/', 'settings.apiUrl')).toThrow(/settings\.apiUrl/);
    expect(() => door.check('https://2130706433/', 'settings.apiUrl')).toThrow(SsrfError);
    expect(door.check('https://api.example.com/v1', 'settings.apiUrl').host).toBe('api.example.com');
  });
});
