import connector from '../../../connectors/google';
import { startSandbox, SANDBOX_CONVERSION_ACTION_ID, type GoogleSandbox } from '../../../connectors/google/sandbox';
import type { ConnectorDefinition } from '../../../core/sdk';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * The Google connector as users run it: a flow from a shop's orders (an in-memory source) through a mapping to the
 * Data Manager sandbox, on the real runner and store. The sandbox counts distinct conversions and every ingest that
 * carried each transaction id, so "never re-sent" and "exactly once" are counted, not assumed.
 */

const INGEST = 'POST /v1/events:ingest';
const TO_CONVERSION =
  '{ "transactionId": id, "eventTimestamp": at, "gclid": gclid, "conversionValue": value, "currency": currency, "consent": consent }';
const TO_RETRACTION = '{ "transactionId": id, "eventTimestamp": at, "gclid": gclid, "currency": currency }';
const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' };

describe('google connector through the runner (Data Manager sandbox)', () => {
  let h: Harness;
  let sandbox: GoogleSandbox;
  let shop: Awaited<ReturnType<Harness['connector']>>;
  const at = new Date(Date.now() - 3_600_000).toISOString();
  const order = (id: string, extra: Record<string, unknown> = {}) =>
    shop.put({ id, at, gclid: `Cj0KCQ${id}`, value: 100, currency: 'EUR', consent: granted, ...extra });
  const sends = (transactionId: string) =>
    sandbox.store.conversions.get(`${SANDBOX_CONVERSION_ACTION_ID}:${transactionId}`)?.sends ?? 0;

  async function setup(settings: Record<string, unknown> = sandbox.settings) {
    shop = await h.connector('shop');
    await h.register('ads', connector as unknown as ConnectorDefinition, settings);
    await h.mapping('order-to-conversion', TO_CONVERSION);
    await h.mapping('refund-to-retraction', TO_RETRACTION);
    await h.flow({
      name: 'orders-to-google',
      source: { connection: 'shop', stream: 'contacts' },
      mapping: { id: 'order-to-conversion' },
      target: { connection: 'ads', action: 'sendConversions' },
    });
  }

  beforeEach(async () => {
    h = await createHarness();
    sandbox = await startSandbox({ enforceLimits: false });
  });
  afterEach(async () => {
    await h.close();
    await sandbox.close();
  });

  it('partial failure: only the row Google refused dead-letters; the good rows are written once and never re-sent', async () => {
    await setup();
    order('o1');
    order('o2');
    order('o3', { currency: 'XYZ' });
    order('o4');
    const run = await h.run('orders-to-google');
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ read: 4, failed: 1, deadLettered: 1 });
    const letters = await h.repos.deadLetters.list({});
    expect(letters.map((l) => [l.recordKey, l.failureKind])).toEqual([['o3', 'permanent']]);
    expect(letters[0]!.reason).toContain('Invalid currency code XYZ');
    expect(sandbox.conversionCount()).toBe(3);
    // one request was refused whole (Google's fast-fail processes nothing of it); each good row was ingested once
    expect(sandbox.server.count({ route: INGEST, status: 400 })).toBe(1);
    expect(['o1', 'o2', 'o4'].map(sends)).toEqual([1, 1, 1]);

    const again = await h.run('orders-to-google');
    expect(again.status).not.toBe('failed');
    expect(['o1', 'o2', 'o4'].map(sends)).toEqual([1, 1, 1]);
    expect(sandbox.conversionCount()).toBe(3);
  });

  it('a person who denied ad user data consent never reaches Google', async () => {
    await setup();
    order('c1');
    order('c2', { consent: { adUserData: 'CONSENT_DENIED', adPersonalization: 'CONSENT_DENIED' } });
    const run = await h.run('orders-to-google');
    expect(run.counts).toMatchObject({ failed: 1, deadLettered: 1 });
    expect(sandbox.conversionCount('c1')).toBe(1);
    expect(sandbox.conversionCount('c2')).toBe(0);
    expect(sends('c2')).toBe(0);
  });

  it('a refund becomes exactly one restatement of the recorded conversion, and a rerun adds none', async () => {
    await setup();
    order('r1');
    await h.run('orders-to-google');
    await h.flow({
      name: 'refunds-to-google',
      source: { connection: 'shop', stream: 'contacts' },
      mapping: { id: 'refund-to-retraction' },
      target: { connection: 'ads', action: 'retractConversions' },
    });
    expect((await h.run('refunds-to-google')).status).toBe('succeeded');
    expect(sandbox.restatements('r1')).toBe(1);
    expect(sandbox.store.conversions.get(`${SANDBOX_CONVERSION_ACTION_ID}:r1`)?.conversionValue).toBe(0);
    await h.run('refunds-to-google');
    expect(sandbox.restatements('r1')).toBe(1);
    expect(sandbox.conversionCount()).toBe(1);
  });

  it('OAuth: an expired access token is refreshed once through the connector, the rotated refresh token stored', async () => {
    sandbox.expireAccessTokens();
    await setup({ ...sandbox.settings, accessToken: 'sandbox-access-0', expiresAt: Date.now() - 60_000 });
    order('t1');
    const run = await h.run('orders-to-google');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(sandbox.tokens.refreshes).toBe(1);
    expect(sandbox.tokens.invalidGrants).toBe(0);
    const stored = await h.repos.connections.require('ads', { decrypt: true });
    expect(stored.settings).toMatchObject({ accessToken: 'sandbox-access-1', refreshToken: 'sandbox-refresh-1' });
    expect(sandbox.conversionCount('t1')).toBe(1);
    order('t2');
    expect((await h.run('orders-to-google')).status).toBe('succeeded');
    expect(sandbox.tokens.refreshes).toBe(1);
  });

  it('OAuth: a refresh Google refuses fails the run with a reconnect AuthError and keeps the settings', async () => {
    await setup({ ...sandbox.settings, refreshToken: 'revoked-refresh-token', expiresAt: Date.now() - 60_000 });
    order('t3');
    const run = await h.run('orders-to-google');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(run.error?.message).toMatch(/reconnect/);
    expect(run.error?.message).not.toContain('revoked-refresh-token');
    const stored = await h.repos.connections.require('ads', { decrypt: true });
    expect(stored.settings).toMatchObject({ refreshToken: 'revoked-refresh-token' });
    expect(sandbox.conversionCount()).toBe(0);
  });
});
