import nock from 'nock';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SendGridClient, classifySendGridFailure, gunzipIfNeeded } from '../../../connectors/sendgrid/client';
import { isHubError, type HubError } from '../../../core/sdk';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { API, EU_API, KEY } from './helpers';
import { allowLoopbackForTests } from '../../helpers/outbound';
import { useNock } from './use-nock';

/** How SendGrid's answers become the hub's typed errors, and that the API key never shows in them. */

useNock();
// the base URLs http://127.0.0.1:<port> below stand for an on-premise host allowed by HUB_ALLOW_PRIVATE_HOSTS
allowLoopbackForTests();

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isHubError(error)) throw new Error(`expected a hub error, got ${String(error)}`);
  expect(error.message).not.toContain(KEY);
  expect(JSON.stringify(error.toInfo())).not.toContain(KEY);
  return error;
}

const client = (settings = {}) => new SendGridClient({ apiKey: KEY, ...settings });

describe('SendGrid client', () => {
  it('sends the key as a Bearer token to the region’s base URL', async () => {
    nock(API, { reqheaders: { authorization: `Bearer ${KEY}` } })
      .get('/v3/marketing/field_definitions')
      .reply(200, { custom_fields: [] });
    nock(EU_API)
      .get('/v3/marketing/field_definitions')
      .reply(200, { custom_fields: [{ id: 'eu' }] });
    nock('http://127.0.0.1:9')
      .get('/v3/marketing/field_definitions')
      .reply(200, { custom_fields: [{ id: 'sb' }] });
    expect(await client().request('GET', '/v3/marketing/field_definitions')).toEqual({ custom_fields: [] });
    expect(await client({ region: 'eu' }).request('GET', '/v3/marketing/field_definitions')).toEqual({
      custom_fields: [{ id: 'eu' }],
    });
    expect(await client({ baseUrl: 'http://127.0.0.1:9/' }).request('GET', '/v3/marketing/field_definitions')).toEqual({
      custom_fields: [{ id: 'sb' }],
    });
  });

  it('401 and 403 are auth errors telling the user to check the key, without the key', async () => {
    nock(API)
      .get('/v3/x')
      .reply(401, { errors: [{ field: null, message: 'authorization required' }] });
    const unauthorized = await failure(() => client().request('GET', '/v3/x'));
    expect(unauthorized).toMatchObject({ kind: 'auth', status: 401 });
    expect(unauthorized.message).toMatch(/authorization required.*check that the connection's key/);
    nock(API)
      .get('/v3/x')
      .reply(403, { errors: [{ message: 'access forbidden' }] });
    expect(await failure(() => client().request('GET', '/v3/x'))).toMatchObject({ kind: 'auth', status: 403 });
  });

  it('429 waits until X-RateLimit-Reset (epoch seconds)', async () => {
    const reset = Math.floor(Date.now() / 1000) + 42;
    nock(API)
      .get('/v3/x')
      .reply(
        429,
        { errors: [{ message: 'too many requests' }] },
        { 'X-RateLimit-Limit': '600', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
      );
    const error = await failure(() => client().request('GET', '/v3/x'));
    expect(error.kind).toBe('rate_limited');
    const wait = (error as unknown as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(38_000);
    expect(wait).toBeLessThanOrEqual(42_000);
  });

  it('5xx and 408 are retryable without taking X-RateLimit-Reset as a wait; other 4xx are permanent', async () => {
    const reset = String(Math.floor(Date.now() / 1000) + 50);
    nock(API)
      .get('/v3/x')
      .reply(503, { errors: [{ message: 'busy' }] }, { 'X-RateLimit-Reset': reset });
    const busy = await failure(() => client().request('GET', '/v3/x'));
    expect(busy).toMatchObject({ kind: 'retryable', status: 503 });
    expect(busy.toInfo().retryAfterMs).toBeUndefined();
    nock(API)
      .get('/v3/x')
      .reply(408, { errors: [{ message: 'query took too long' }] });
    expect(await failure(() => client().request('GET', '/v3/x'))).toMatchObject({ kind: 'retryable', status: 408 });
    nock(API)
      .get('/v3/x')
      .reply(400, { errors: [{ field: 'contacts', message: 'too many' }] });
    const bad = await failure(() => client().request('GET', '/v3/x'));
    expect(bad).toMatchObject({ kind: 'permanent', status: 400 });
    expect(bad.message).toContain('contacts: too many');
  });

  it('a network failure is retryable and does not carry the request (with its Authorization header)', async () => {
    // a port nothing listens on: a real connection refusal, not a mocked one
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await failure(() => client({ baseUrl: `http://127.0.0.1:${port}` }).request('GET', '/v3/x'));
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.kind).toBe('retryable');
    expect(error.cause).toBeUndefined();
  });

  it('classifies from status alone when the body is empty or text', () => {
    expect(classifySendGridFailure('GET', '/v3/x', 502, {}, '').kind).toBe('retryable');
    expect(classifySendGridFailure('GET', '/v3/x', 404, {}, 'Not Found').message).toContain('Not Found');
  });

  it('downloads files plain or gzipped, and an expired link is retryable', async () => {
    nock('https://files.example.com').get('/a').reply(200, 'plain text').get('/b').reply(200, gzipSync('zipped text'));
    const read = async (r: Readable) => {
      let text = '';
      for await (const chunk of r) text += String(chunk);
      return text;
    };
    expect(await read(await client().download('https://files.example.com/a', 'test'))).toBe('plain text');
    expect(await read(await client().download('https://files.example.com/b', 'test'))).toBe('zipped text');
    nock('https://files.example.com').get('/c').reply(403, 'AccessDenied');
    expect(await failure(() => client().download('https://files.example.com/c', 'test'))).toMatchObject({
      kind: 'retryable',
    });
    expect(await read(await gunzipIfNeeded(Readable.from([])))).toBe('');
  });

  it('a file link whose host does not exist stops with the door’s plain message, not an endless retry', async () => {
    // .invalid never resolves (RFC 2606): the door's ConfigError passes through as it is (let through nock: the door
    // resolves the name itself)
    nock.enableNetConnect('files.export.invalid');
    const error = await failure(() => client().download('https://files.export.invalid/a', 'export'));
    expect(error).toMatchObject({ kind: 'config' });
    expect(error.message).toContain('files.export.invalid not found');
  });
});
