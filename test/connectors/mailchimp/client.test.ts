import nock from 'nock';
import { MailchimpClient, resolveBaseUrl, subscriberHash } from '../../../connectors/mailchimp/client';
import {
  AuthError,
  ConfigError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  type HubError,
} from '../../../core/sdk';
import { API, API_KEY, LIST, problemBody, settings, useNock } from './helpers';

useNock();

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  try {
    await run();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected a failure');
}

const get = (client = new MailchimpClient(settings)) => client.request({ method: 'GET', path: client.listPath() });

describe('subscriberHash', () => {
  it("matches Mailchimp's documented vector", () => {
    expect(subscriberHash('Urist.McVankab@freddiesjokes.com')).toBe('62eeb292278cc15f5817cb78f7790b08');
  });
  it('trims and lowercases before hashing', () => {
    expect(subscriberHash('  URIST.mcvankab@FreddiesJokes.com ')).toBe('62eeb292278cc15f5817cb78f7790b08');
  });
});

describe('resolveBaseUrl', () => {
  it('takes the data centre from the key suffix', () => {
    expect(resolveBaseUrl({ apiKey: 'abc-us19', listId: 'l' })).toBe('https://us19.api.mailchimp.com/3.0');
  });
  it('uses server with an access token, and baseUrl over both', () => {
    expect(resolveBaseUrl({ accessToken: 't', server: 'us3', listId: 'l' })).toBe('https://us3.api.mailchimp.com/3.0');
    expect(resolveBaseUrl({ apiKey: 'abc-us19', listId: 'l', baseUrl: 'http://127.0.0.1:9/3.0/' })).toBe(
      'http://127.0.0.1:9/3.0',
    );
  });
  it('refuses a key without a data centre, naming the field but not the key', () => {
    let error: unknown;
    try {
      resolveBaseUrl({ apiKey: 'secretkeywithoutdc', listId: 'l' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('apiKey');
    expect((error as Error).message).not.toContain('secretkeywithoutdc');
    expect(() => resolveBaseUrl({ accessToken: 't', listId: 'l' })).toThrow(/server is required/);
  });
});

describe('MailchimpClient requests', () => {
  it('sends Basic auth with the key as password', async () => {
    const basic = (value: string | null) =>
      Buffer.from((value ?? '').replace('Basic ', ''), 'base64')
        .toString()
        .split(':')[1];
    nock(API, { reqheaders: { authorization: (value: string | null) => basic(value) === API_KEY } })
      .get(`/3.0/lists/${LIST}`)
      .reply(200, { id: LIST });
    await expect(get()).resolves.toEqual({ status: 200, body: { id: LIST } });
  });

  it('sends a Bearer token for OAuth connections', async () => {
    nock('https://us3.api.mailchimp.com', { reqheaders: { authorization: 'Bearer oauth-token-xyz' } })
      .get(`/3.0/lists/${LIST}`)
      .reply(200, { id: LIST });
    const client = new MailchimpClient({ accessToken: 'oauth-token-xyz', server: 'us3', listId: LIST });
    await expect(get(client)).resolves.toEqual({ status: 200, body: { id: LIST } });
  });
});

describe('failure classification', () => {
  it('401 → AuthError telling to check the key, without the key', async () => {
    nock(API)
      .get(`/3.0/lists/${LIST}`)
      .reply(401, problemBody(401, 'API Key Invalid', `Your API key ${API_KEY} may be invalid`));
    const error = await failure(() => get());
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/check the API key|reconnect/i);
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error.toInfo())).not.toContain(API_KEY);
  });

  it('403 with a JSON body → AuthError; 403 without a body → RateLimitedError (throttling)', async () => {
    nock(API)
      .get(`/3.0/lists/${LIST}`)
      .reply(403, problemBody(403, 'Forbidden', 'User disabled'));
    expect(await failure(() => get())).toBeInstanceOf(AuthError);
    nock(API).get(`/3.0/lists/${LIST}`).reply(403, '');
    const throttled = await failure(() => get());
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect((throttled as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
  });

  it('429 → RateLimitedError with a wait (Mailchimp sends no Retry-After)', async () => {
    nock(API)
      .get(`/3.0/lists/${LIST}`)
      .reply(429, problemBody(429, 'Too Many Requests', 'too many connections'));
    const error = await failure(() => get());
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
  });

  it.each([500, 502, 503, 504])('%i → RetryableError', async (status) => {
    nock(API)
      .get(`/3.0/lists/${LIST}`)
      .reply(status, problemBody(status, 'Server Error', 'oops'));
    const error = await failure(() => get());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.status).toBe(status);
  });

  it('other 4xx → PermanentError with the field and the detail', async () => {
    nock(API)
      .get(`/3.0/lists/${LIST}`)
      .reply(400, {
        ...problemBody(400, 'Invalid Resource', 'The resource submitted could not be validated.'),
        errors: [{ field: 'count', message: 'too big' }],
      });
    const error = await failure(() => get());
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.field).toBe('count');
    expect(error.message).toContain('could not be validated');
    expect(error.message).toContain('count: too big');
  });

  it('a network failure → RetryableError, without the key', async () => {
    nock(API).get(`/3.0/lists/${LIST}`).replyWithError('socket hang up');
    const error = await failure(() => get());
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).not.toContain(API_KEY);
  });
});
