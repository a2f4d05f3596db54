import nock from 'nock';
import { isHubError } from 'connector-hub/sdk';
import { createClient, encodeForm, RATE_LIMIT_WAIT_MS } from '../client';
import { API, baseSettings, KEY } from './helpers';
import { mockCall, useNock } from './nock';

useNock();

async function failure(reply: () => nock.Scope): Promise<unknown> {
  reply();
  try {
    await createClient(baseSettings).call('getLists');
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('Unisender client', () => {
  it('encodes arrays PHP-style and sends the key in the body to /<lang>/api/<method>?format=json', async () => {
    const calls = mockCall('importContacts', { result: { ok: true } }, [], 'ru');
    const result = await createClient({ ...baseSettings, lang: 'ru' }).call('importContacts', {
      field_names: ['email', 'Name'],
      data: [['a@example.com', 'Anna']],
      overwrite_tags: false,
    });
    expect(result).toEqual({ ok: true });
    expect(nock.isDone()).toBe(true);
    expect(calls[0]).toEqual({
      field_names: ['email', 'Name'],
      data: [['a@example.com', 'Anna']],
      overwrite_tags: '0',
      api_key: KEY,
    });
    expect(encodeForm({ a: [['x']] }).toString()).toBe('a%5B0%5D%5B0%5D=x');
  });

  it('turns invalid_api_key (HTTP 200) into an AuthError that does not contain the key', async () => {
    const error = await failure(() =>
      nock(API)
        .post('/en/api/getLists?format=json')
        .reply(200, { error: `Invalid key ${KEY}`, code: 'invalid_api_key' }),
    );
    expect(isHubError(error) && error.kind).toBe('auth');
    expect(String((error as Error).message)).not.toContain(KEY);
    expect((error as Error).message).toMatch(/reconnect/);
  });

  it('treats access_denied as an auth problem too', async () => {
    const error = await failure(() =>
      nock(API).post(/.*/).reply(200, { error: 'Access denied', code: 'access_denied' }),
    );
    expect(isHubError(error) && error.kind).toBe('auth');
  });

  it('turns the call limit answer into RateLimitedError with the one-minute wait', async () => {
    const error = await failure(() =>
      nock(API).post(/.*/).reply(200, { error: 'limit', code: 'api_call_limit_exceeded_for_api_key' }),
    );
    expect(isHubError(error) && error.kind).toBe('rate_limited');
    expect((error as { retryAfterMs: number }).retryAfterMs).toBe(RATE_LIMIT_WAIT_MS);
  });

  it('uses Retry-After when a 429 carries it', async () => {
    const error = await failure(() => nock(API).post(/.*/).reply(429, 'slow down', { 'Retry-After': '7' }));
    expect(isHubError(error) && error.kind).toBe('rate_limited');
    expect((error as { retryAfterMs: number }).retryAfterMs).toBe(7000);
  });

  it('classifies retry_later and 5xx as retryable, other codes as permanent', async () => {
    const later = await failure(() => nock(API).post(/.*/).reply(200, { error: 'busy', code: 'retry_later' }));
    expect(isHubError(later) && later.kind).toBe('retryable');
    const down = await failure(() => nock(API).post(/.*/).reply(503, 'down'));
    expect(isHubError(down) && down.kind).toBe('retryable');
    const html = await failure(() => nock(API).post(/.*/).reply(200, '<html>maintenance</html>'));
    expect(isHubError(html) && html.kind).toBe('retryable');
    const bad = await failure(() =>
      nock(API)
        .post(/.*/)
        .reply(200, { error: `Bad arg near ${KEY}`, code: 'invalid_arg' }),
    );
    expect(isHubError(bad) && bad.kind).toBe('permanent');
    expect((bad as Error).message).toContain('invalid_arg');
    expect((bad as Error).message).not.toContain(KEY);
  });

  it('turns a network failure into a retryable error', async () => {
    const error = await failure(() => nock(API).post(/.*/).replyWithError('socket hang up'));
    expect(isHubError(error) && error.kind).toBe('retryable');
  });
});
