import nock from 'nock';
import hubspot from '../../../../connectors/hubspot';
import { hubspotPolicyFor } from '../../../../connectors/hubspot/policy';
import type { HubSpotSettings } from '../../../../connectors/hubspot/schemas/settings';
import { createMemoryBudget, type MemoryBudget } from '../../../../core/runner/budget';
import { connectionBudgetHook, resolveConnectionPolicy } from '../../../../core/runner/budget/connection';
import type { BudgetPolicy, ConnectionBudget } from '../../../../core/runner/budget-port';
import { RateLimitedError, type ConnectionContext } from '../../../../core/sdk';
import { setupNock } from '../../../connectors/hubspot/nock-setup';
import { createHarness, seed, type Harness } from '../harness';

/**
 * HubSpot on the shared budget: the budget of a connection comes from its tier, a 429 waits only as long as it
 * must (the Retry-After it states, else the real remainder of the window, never a whole window when less will do),
 * and CRM search takes slots of its own lane. Waits are asserted as computed (pauses set, errors' waits, an
 * injected clock), never timed.
 */

setupNock();

const API = 'https://api.hubapi.com';
const UPSERT = '/crm/v3/objects/contacts/batch/upsert';
const TOKEN = 'pat-na1-budget-test-token';
const settings = (extra: Partial<HubSpotSettings> = {}): HubSpotSettings => ({
  accessToken: TOKEN,
  lookbackMs: 0,
  ...extra,
});
const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

const upserted = (id: string, email: string) => ({
  id,
  properties: { email, hs_object_id: id },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  archived: false,
  new: true,
});

const tenSecondly = {
  status: 'error',
  message: 'You have reached your ten_secondly_rolling limit.',
  errorType: 'RATE_LIMIT',
  policyName: 'TEN_SECONDLY_ROLLING',
};

/** A budget that records every pause it is asked for, as the wait from the moment it was asked. */
function recording(inner: MemoryBudget): ConnectionBudget & { pauses: { key: string; waitMs: number }[] } {
  const pauses: { key: string; waitMs: number }[] = [];
  return {
    pauses,
    acquire: (key, policy, signal) => inner.acquire(key, policy, signal),
    pause: async (key, until, reason) => {
      pauses.push({ key, waitMs: until - Date.now() });
      await inner.pause(key, until, reason);
    },
    pausedUntil: (key) => inner.pausedUntil(key),
    windowRemainder: (key, policy) => inner.windowRemainder(key, policy),
    close: () => inner.close(),
  };
}

describe('HubSpot on the shared budget', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('gives each connection the burst of its tier and the search lane of its settings', () => {
    const free = resolveConnectionPolicy(hubspot, settings({ tier: 'free' }));
    expect(free.main).toEqual({ requests: 100, intervalMs: 10_000, concurrency: 6 });
    expect(free.lanes.search).toMatchObject({ requests: 5, intervalMs: 1_000 });
    expect(resolveConnectionPolicy(hubspot, settings({ tier: 'api-add-on' })).main.requests).toBe(250);
    expect(resolveConnectionPolicy(hubspot, settings({ appType: 'public-oauth' })).main.requests).toBe(110);
    expect(resolveConnectionPolicy(hubspot, settings({ searchRateLimit: 50 })).lanes.search?.requests).toBe(50);
    expect(hubspotPolicyFor({}).rateBudget?.requests).toBe(190);
  });

  it('through the runner: a 429 with Retry-After 2 pauses the connection 2 s, not a whole 10 s window', async () => {
    const inner = createMemoryBudget();
    const budget = recording(inner);
    h = await createHarness({ deps: { budget } });
    const source = await h.connector('a', { pageSize: 10 });
    seed(source, 2, 'a');
    const crm = await h.register('crm', hubspot, settings({ tier: 'free' }));
    await h.mapping('contact', '{ "email": email, "properties": { "firstname": name } }');
    await h.flow({ name: 'to-hubspot', target: { connection: 'crm', action: 'upsertContacts' } });
    nock(API).post(UPSERT).reply(429, tenSecondly, { 'Retry-After': '2' });
    nock(API)
      .post(UPSERT)
      .reply(200, {
        status: 'COMPLETE',
        results: [upserted('1', 'person1@example.com'), upserted('2', 'person2@example.com')],
      });

    const run = await h.run('to-hubspot');

    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ created: 2, failed: 0 });
    const crmPauses = budget.pauses.filter((p) => p.key === crm);
    expect(crmPauses).toHaveLength(1);
    expect(crmPauses[0]!.waitMs).toBeGreaterThan(1_900);
    expect(crmPauses[0]!.waitMs).toBeLessThanOrEqual(2_000);
    expect(h.sleeps).toEqual([]); // a pause, not a backoff
    expect(nock.isDone()).toBe(true);
  });

  /** A connection context on an injected-clock budget, as the runner hands it over. */
  function onClock(start: number) {
    const clock = { now: start };
    const budget = createMemoryBudget({ now: () => clock.now });
    const policy = resolveConnectionPolicy(hubspot, settings());
    const connection: ConnectionContext<HubSpotSettings> = {
      id: 'conn-hs',
      name: 'hubspot',
      settings: settings(),
      log: silentLog,
      budget: connectionBudgetHook(budget, 'conn-hs', policy, () => clock.now),
    };
    /** One request as the runner makes it: a slot of `key` held around it. */
    const request = async (key: string, lanePolicy: BudgetPolicy) => (await budget.acquire(key, lanePolicy)).release();
    return { clock, budget, policy, connection, request };
  }

  it('a ten-secondly 429 with no Retry-After waits the real remainder of the window: answered 7 s ago → 3 s', async () => {
    const { clock, budget, policy, connection, request } = onClock(5_000_000);
    await request('conn-hs', policy.main); // a request answered at t0
    clock.now += 7_000;
    nock(API).post(UPSERT).reply(429, tenSecondly, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' });

    const action = hubspot.actions.find((a) => a.name === 'upsertContacts')!;
    const error = await action.write({ connection, records: [{ email: 'x@example.com', properties: {} }] }).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(3_000);
    await budget.close();
  });

  it('a stated Retry-After wins over the window; without the shared budget the whole window is the fallback', async () => {
    const { budget, connection } = onClock(6_000_000);
    const action = hubspot.actions.find((a) => a.name === 'upsertContacts')!;
    const records = [{ email: 'x@example.com', properties: {} }];
    const waitOf = (c: ConnectionContext<HubSpotSettings>) =>
      action.write({ connection: c, records }).then(
        () => undefined,
        (e: unknown) => (e as RateLimitedError).retryAfterMs,
      );

    nock(API).post(UPSERT).reply(429, tenSecondly, { 'Retry-After': '2' });
    expect(await waitOf(connection)).toBe(2_000);
    nock(API).post(UPSERT).reply(429, tenSecondly, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' });
    const withoutBudget: ConnectionContext<HubSpotSettings> = { ...connection, budget: undefined };
    expect(await waitOf(withoutBudget)).toBe(10_000);
    await budget.close();
  });

  it('CRM search takes slots of its own lane; list reads do not', async () => {
    const inner = createMemoryBudget();
    const keys: string[] = [];
    const spy: ConnectionBudget = {
      acquire: (key, policy, signal) => {
        keys.push(key);
        return inner.acquire(key, policy, signal);
      },
      pause: (key, until, reason) => inner.pause(key, until, reason),
      pausedUntil: (key) => inner.pausedUntil(key),
      windowRemainder: (key, policy) => inner.windowRemainder(key, policy),
      close: () => inner.close(),
    };
    const policy = resolveConnectionPolicy(hubspot, settings());
    const connection: ConnectionContext<HubSpotSettings> = {
      id: 'conn-hs',
      name: 'hubspot',
      settings: settings(),
      log: silentLog,
      budget: connectionBudgetHook(spy, 'conn-hs', policy),
    };
    const contacts = hubspot.streams.find((s) => s.name === 'contacts')!;
    nock(API).post('/crm/v3/objects/contacts/search').reply(200, { total: 0, results: [] });
    for await (const page of contacts.read({ connection, checkpoint: null, since: '2026-01-01T00:00:00.000Z' }))
      expect(page.records).toEqual([]);
    nock(API).get('/crm/v3/objects/contacts').query(true).reply(200, { results: [] });
    for await (const page of contacts.read({ connection, checkpoint: null })) expect(page.records).toEqual([]);

    expect(keys).toEqual(['conn-hs#search']);
    expect(nock.isDone()).toBe(true);
    await inner.close();
  });
});
