import { createHmac } from 'node:crypto';
import nock from 'nock';
import connector from '../../../connectors/meta';
import { MetaClient, clearMetaBackoff } from '../../../connectors/meta/client';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { createMemoryBudget } from '../../../core/runner/budget';
import { connectionBudgetHook, resolveConnectionPolicy } from '../../../core/runner/budget/connection';
import { AuthError, PermanentError, RateLimitedError, RetryableError } from '../../../core/sdk';
import { APP_SECRET, GRAPH, TOKEN, connection, failure, settings, useNock } from './helpers';

useNock();
afterEach(() => clearMetaBackoff());

const V = `/${GRAPH_VERSION}`;
const usage = (callCount: number, regain: number) =>
  JSON.stringify({
    '42': [
      {
        type: 'ads_management',
        call_count: callCount,
        total_cputime: 10,
        total_time: 10,
        estimated_time_to_regain_access: regain,
      },
    ],
  });

describe('Graph client', () => {
  it('names the pinned version, sends the token as a bearer header (never in the URL) and appsecret_proof', async () => {
    const proof = createHmac('sha256', APP_SECRET).update(TOKEN).digest('hex');
    const scope = nock(GRAPH, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`${V}/1234567890`)
      .query((q) => q.appsecret_proof === proof && q.access_token === undefined && q.fields === 'id')
      .reply(200, { id: '1234567890' });
    const client = new MetaClient({ ...settings, appSecret: APP_SECRET });
    await expect(client.request('GET', '1234567890', { query: { fields: 'id' } })).resolves.toEqual({
      id: '1234567890',
    });
    scope.done();
  });

  it('a graphVersion setting overrides the pinned version', async () => {
    const scope = nock(GRAPH).get('/v25.0/me').reply(200, { id: '1' });
    await new MetaClient({ ...settings, graphVersion: 'v25.0' }).request('GET', 'me');
    scope.done();
  });

  it.each([
    [17, 2446079],
    [613, 1487742],
    [80004, undefined],
    [4, undefined],
  ])('throttle code %i → RateLimitedError with the wait stated in X-Business-Use-Case-Usage', async (code, subcode) => {
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(
        400,
        {
          error: {
            message: 'User request limit reached',
            type: 'OAuthException',
            code,
            error_subcode: subcode,
            is_transient: true,
          },
        },
        { 'x-business-use-case-usage': usage(100, 5) },
      );
    const error = await failure(() => new MetaClient(settings).request('GET', 'me'));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(5 * 60_000);
  });

  it('a throttle without a stated wait backs off a default minute', async () => {
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(400, { error: { message: 'Application request limit reached', code: 4 } });
    const error = (await failure(() => new MetaClient(settings).request('GET', 'me'))) as RateLimitedError;
    expect(error.retryAfterMs).toBe(60_000);
  });

  it('after a header at 100 % with a regain time, the next call waits without being sent', async () => {
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(200, { id: '1' }, { 'x-business-use-case-usage': usage(100, 3) });
    const client = new MetaClient(settings);
    await client.request('GET', 'me');
    expect(client.lastUsage[0]).toMatchObject({ callCount: 100, regainMinutes: 3 });
    // no interceptor for a second call: it must not be sent
    const error = (await failure(() => client.request('GET', 'me'))) as RateLimitedError;
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBeGreaterThan(2.9 * 60_000);
    expect(error.message).toContain('X-Business-Use-Case-Usage');
  });

  it("a header at the quota pauses the connection's shared budget, so every worker waits Meta's time", async () => {
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(200, { id: '1' }, { 'x-business-use-case-usage': usage(100, 4) });
    const budget = createMemoryBudget();
    const hook = connectionBudgetHook(budget, 'conn-meta', resolveConnectionPolicy(connector, settings));
    const client = new MetaClient(settings, undefined, undefined, hook);
    const before = Date.now();
    await client.request('GET', 'me');
    // another worker's client (fresh process: no local block) finds the connection paused for Meta's 4 minutes
    const until = await budget.pausedUntil('conn-meta');
    expect(until).toBeGreaterThanOrEqual(before + 4 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 4 * 60_000);
  });

  it('usage below the quota does not hold calls back', async () => {
    nock(GRAPH)
      .get(`${V}/me`)
      .times(2)
      .reply(200, { id: '1' }, { 'x-business-use-case-usage': usage(80, 0) });
    const client = new MetaClient(settings);
    await client.request('GET', 'me');
    await expect(client.request('GET', 'me')).resolves.toEqual({ id: '1' });
  });

  it('an invalid token (190) is an AuthError that says what to do and never shows the token', async () => {
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(400, { error: { message: `Invalid OAuth access token ${TOKEN}`, type: 'OAuthException', code: 190 } });
    const error = await failure(() => new MetaClient(settings).request('GET', 'me'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('Generate new token');
    expect(error.message).not.toContain(TOKEN);
  });

  it("a data error is permanent with Meta's user title and message; 5xx and is_transient are retryable", async () => {
    nock(GRAPH)
      .post(`${V}/1234567890/events`)
      .reply(400, {
        error: {
          message: 'Invalid parameter',
          type: 'OAuthException',
          code: 100,
          error_subcode: 2804016,
          error_user_title: 'User Parameter Not Hashed',
          error_user_msg: 'The ct parameter isn’t hashed.',
        },
      });
    const error = await failure(() => new MetaClient(settings).request('POST', '1234567890/events', { body: {} }));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.message).toContain('User Parameter Not Hashed: The ct parameter isn’t hashed. (code 100/2804016)');
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(500, { error: { message: 'Unknown error', code: 1 } });
    expect(await failure(() => new MetaClient(settings).request('GET', 'me'))).toBeInstanceOf(RetryableError);
    nock(GRAPH)
      .get(`${V}/me`)
      .reply(400, { error: { message: 'Temporary', code: 100, is_transient: true } });
    expect(await failure(() => new MetaClient(settings).request('GET', 'me'))).toBeInstanceOf(RetryableError);
  });

  it('a missing permission (10, 200–299) is permanent and says to grant access; HTTP 429 is rate limited', async () => {
    nock(GRAPH)
      .get(`${V}/act_5550001`)
      .reply(403, { error: { message: 'Permissions error', code: 200 } });
    const denied = await failure(() => new MetaClient(settings).request('GET', 'act_5550001'));
    expect(denied).toBeInstanceOf(PermanentError);
    expect(denied.message).toContain('give the system user access');
    nock(GRAPH).get(`${V}/me`).reply(429, 'slow down', { 'retry-after': '7' });
    const limited = (await failure(() => new MetaClient(settings).request('GET', 'me'))) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(7000);
  });

  it('never shows the app secret or the appsecret_proof in a message', async () => {
    const proof = createHmac('sha256', APP_SECRET).update(TOKEN).digest('hex');
    nock(GRAPH)
      .get(`${V}/me`)
      .query(true)
      .reply(400, { error: { message: `bad proof ${proof} for ${APP_SECRET}`, code: 100 } });
    const error = await failure(() => new MetaClient({ ...settings, appSecret: APP_SECRET }).request('GET', 'me'));
    expect(error.message).not.toContain(proof);
    expect(error.message).not.toContain(APP_SECRET);
  });

  it('check() reads the dataset and the ad account (act_ added), and names the audience operation_status', async () => {
    nock(GRAPH).get(`${V}/1234567890`).query(true).reply(200, { id: '1234567890', name: 'Shop pixel' });
    nock(GRAPH)
      .get(`${V}/act_5550001`)
      .query(true)
      .reply(200, { id: 'act_5550001', name: 'Shop ads', currency: 'EUR' });
    nock(GRAPH)
      .get(`${V}/2380000000001`)
      .query({ fields: 'operation_status' })
      .reply(200, { id: '2380000000001', operation_status: { code: 200, description: 'Normal' } });
    const result = await connector.check(connection());
    expect(result).toEqual({
      ok: true,
      message:
        'Connected to Meta: dataset "Shop pixel", ad account "Shop ads"; audience 2380000000001 operation_status 200: Normal',
    });
  });
});
