import nock from 'nock';
import connector from '../../../connectors/hubspot';
import { HubSpotClient } from '../../../connectors/hubspot/client';
import { RollingThrottle } from '../../../connectors/hubspot/throttle';
import { isHubError, type HubError } from '../../../core/sdk';
import { API, TOKEN, connection, nockSettings } from './helpers';
import { allowLoopbackForTests } from '../../helpers/outbound';
import { setupNock } from './nock-setup';

setupNock();
// http://127.0.0.1:1 below stands for an on-premise host allowed by HUB_ALLOW_PRIVATE_HOSTS
allowLoopbackForTests();

async function failure(promise: Promise<unknown>): Promise<HubError> {
  try {
    await promise;
  } catch (error) {
    if (isHubError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const list = () => new HubSpotClient(nockSettings()).get('/crm/v3/objects/contacts', 'list contacts', { limit: '1' });

describe('HubSpot client', () => {
  it('sends the token as a Bearer header through the SDK, to the configured base URL', async () => {
    const scope = nock('https://hubspot.test', { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/crm/v3/objects/contacts')
      .query({ limit: '1' })
      .matchHeader('user-agent', /hubspot-api-client-nodejs/)
      .reply(200, { results: [] });
    const client = new HubSpotClient(nockSettings({ baseUrl: 'https://hubspot.test/' }));
    await expect(client.get('/crm/v3/objects/contacts', 'list', { limit: '1' })).resolves.toEqual({
      status: 200,
      body: { results: [] },
    });
    expect(scope.isDone()).toBe(true);
  });

  it('401 is an AuthError telling the user to reconnect, without the token', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(401, {
        status: 'error',
        message: `Authentication credentials not found for ${TOKEN}`,
        category: 'INVALID_AUTHENTICATION',
      });
    const error = await failure(list());
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/reconnect/);
    expect(error.message).not.toContain(TOKEN);
    expect(JSON.stringify(error.toInfo())).not.toContain(TOKEN);
  });

  it('403 is an AuthError naming the missing scope, with any echoed token redacted', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(403, {
        status: 'error',
        message: `This app (token ${TOKEN}) lacks crm.objects.contacts.read`,
        category: 'MISSING_SCOPES',
      });
    const error = await failure(list());
    expect(error.kind).toBe('auth');
    expect(error.message).toMatch(/scope/);
    expect(error.message).toContain('crm.objects.contacts.read');
    expect(error.message).not.toContain(TOKEN);
  });

  it('429 TEN_SECONDLY_ROLLING waits the interval HubSpot states in its header', async () => {
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(
      429,
      {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
      },
      { 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000', 'X-HubSpot-RateLimit-Remaining': '0' },
    );
    const error = await failure(list());
    expect(error.kind).toBe('rate_limited');
    expect(error.toInfo().retryAfterMs).toBe(10_000);
    expect(error.message).toContain('TEN_SECONDLY_ROLLING');
  });

  it('429 SECONDLY (search) waits one second; DAILY waits an hour; Retry-After wins when present', async () => {
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(429, {
      status: 'error',
      message: 'You have reached your secondly limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'SECONDLY',
    });
    expect((await failure(list())).toInfo().retryAfterMs).toBe(1_000);
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(429, {
      status: 'error',
      message: 'You have reached your daily limit.',
      errorType: 'RATE_LIMIT',
      policyName: 'DAILY',
    });
    expect((await failure(list())).toInfo().retryAfterMs).toBe(3_600_000);
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(429, { status: 'error', policyName: 'TEN_SECONDLY_ROLLING' }, { 'Retry-After': '3' });
    expect((await failure(list())).toInfo().retryAfterMs).toBe(3_000);
  });

  it.each([500, 502, 503, 504])('%i is retryable', async (status) => {
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(status, { status: 'error', message: 'internal error' });
    const error = await failure(list());
    expect(error.kind).toBe('retryable');
    expect(error.status).toBe(status);
  });

  it('other 4xx are permanent with HubSpot message; network failures are retryable', async () => {
    nock(API)
      .get('/crm/v3/objects/contacts')
      .query(true)
      .reply(400, { status: 'error', message: 'limit must be at most 100', category: 'VALIDATION_ERROR' });
    const error = await failure(list());
    expect(error.kind).toBe('permanent');
    expect(error.message).toContain('limit must be at most 100');
    // nock's replyWithError never settles node-fetch 2 (the SDK's HTTP client), so the refused connection is real
    nock.enableNetConnect('127.0.0.1');
    const refused = new HubSpotClient(nockSettings({ baseUrl: 'http://127.0.0.1:1' }));
    const network = await failure(refused.get('/crm/v3/objects/contacts', 'list contacts'));
    nock.disableNetConnect();
    expect(network.kind).toBe('retryable');
    expect(network.message).toContain('ECONNREFUSED');
    expect(network.message).not.toContain(TOKEN);
  });

  it('check() answers ok with a valid token and not ok (no token in the message) with a rejected one', async () => {
    nock(API).get('/crm/v3/objects/contacts').query({ limit: '1' }).reply(200, { results: [] });
    await expect(connector.check(connection(nockSettings()))).resolves.toMatchObject({ ok: true });
    nock(API).get('/crm/v3/objects/contacts').query({ limit: '1' }).reply(401, { status: 'error', message: 'expired' });
    const result = await connector.check(connection(nockSettings()));
    expect(result.ok).toBe(false);
    expect(result.message).not.toContain(TOKEN);
  });
});

describe('RollingThrottle', () => {
  afterEach(() => jest.useRealTimers());

  it('lets `limit` requests through per interval, counted from their responses', async () => {
    jest.useFakeTimers();
    const throttle = new RollingThrottle(2, 1000);
    const first = await throttle.acquire();
    const second = await throttle.acquire();
    let third = false;
    const pending = throttle.acquire().then((release) => {
      third = true;
      return release;
    });
    await jest.advanceTimersByTimeAsync(2000);
    // both slots are still held by requests in flight
    expect(third).toBe(false);
    first();
    second();
    await jest.advanceTimersByTimeAsync(500);
    expect(third).toBe(false);
    await jest.advanceTimersByTimeAsync(600);
    expect(third).toBe(true);
    (await pending)();
  });
});
