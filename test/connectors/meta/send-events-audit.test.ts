import { execFileSync } from 'node:child_process';
import path from 'node:path';
import nock from 'nock';
import { sendEvents } from '../../../connectors/meta/actions/sendEvents';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import type { EventInput } from '../../../connectors/meta/schemas/records';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { PermanentError } from '../../../core/sdk';
import { GRAPH, connection, failure, nowS, useNock } from './helpers';

/**
 * Issue #16, the Conversions API write path on cases the first tests did not take: full batches of 1,000, several
 * events Meta refuses in one batch (requests counted), refusals about the request rather than an event, and a
 * throttle in the middle of a bisection.
 */

useNock();

const TSX = path.join(__dirname, '../../../node_modules/.bin/tsx');
afterEach(() => clearMetaBackoff());

const EVENTS = `/${GRAPH_VERSION}/1234567890/events`;
type Body = { data: Record<string, unknown>[] };

const purchase = (id: string, extra: Partial<EventInput> = {}): EventInput => ({
  event_name: 'Purchase',
  event_time: nowS() - 3600,
  event_id: id,
  action_source: 'system_generated',
  user_data: { em: `${id.toLowerCase()}@example.com`, country: 'DE' },
  custom_data: { value: 10, currency: 'EUR', order_id: id },
  ...extra,
});

const batch = (n: number) => Array.from({ length: n }, (_, i) => purchase(`O${i}`));

/** A Meta stand-in that refuses (400, Graph error) any request carrying one of `bad`, and counts every request. */
function metaRefusing(bad: Set<string>, error: Record<string, unknown>) {
  const requests: string[][] = [];
  const accepted = new Map<string, number>();
  let ids: string[] = [];
  nock(GRAPH)
    .post(EVENTS, (b: Body) => {
      ids = b.data.map((e) => String(e.event_id));
      return true;
    })
    .times(5_000)
    .reply(() => {
      requests.push(ids);
      if (ids.some((id) => bad.has(id))) return [400, { error }];
      for (const id of ids) accepted.set(id, (accepted.get(id) ?? 0) + 1);
      return [200, { events_received: ids.length }];
    });
  return { requests, accepted };
}

const tooOld = {
  message: 'Invalid parameter',
  type: 'OAuthException',
  code: 100,
  error_subcode: 2804003,
  error_user_title: 'Event Timestamp Too Old',
  error_user_msg: 'The timestamp for this event is more than 7 days in the past.',
  fbtrace_id: 'AbC12_dEf-3',
};

describe('sendEvents on a full batch of 1,000', () => {
  it('stale and future events are split out before sending with a reason a marketer reads; the rest go once, in seconds', async () => {
    const { requests, accepted } = metaRefusing(new Set(), tooOld);
    const records = batch(1_000);
    records[10] = purchase('O10', { event_time: nowS() - 8 * 86_400 });
    records[20] = purchase('O20', { event_time: nowS() + 3_600 });
    const ms = Date.now() - 60_000;
    records[30] = purchase('O30', { event_time: ms });
    const outcomes = await sendEvents.write({ connection: connection(), records });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toHaveLength(998);
    expect(accepted.size).toBe(998);
    expect(outcomes[10]).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      field: 'event_time',
      reason: expect.stringMatching(/is older than 7 days: Meta refuses it/),
    });
    expect(outcomes[20]).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      field: 'event_time',
      reason: expect.stringMatching(/is 60 minutes in the future: Meta refuses events from the future/),
    });
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(998);
  });

  it('an event_time in milliseconds is sent in seconds', async () => {
    let body: Body | undefined;
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        body = b;
        return true;
      })
      .reply(200, { events_received: 1 });
    const ms = Date.now() - 60_000;
    await sendEvents.write({ connection: connection(), records: [purchase('A', { event_time: ms })] });
    expect(body!.data[0]!.event_time).toBe(Math.floor(ms / 1000));
  });

  it('three events Meta refuses in one batch: only they dead-letter, every good one is accepted exactly once', async () => {
    const bad = new Set(['O17', 'O500', 'O999']);
    const { requests, accepted } = metaRefusing(bad, tooOld);
    const outcomes = await sendEvents.write({ connection: connection(), records: batch(1_000) });
    const failedIds = outcomes.flatMap((o, i) => (o.status === 'failed' ? [`O${i}`] : []));
    expect(failedIds).toEqual(['O17', 'O500', 'O999']);
    expect(outcomes[500]).toEqual({
      status: 'failed',
      failure: 'permanent',
      reason:
        'Meta POST /{pixel_id}/events (1 event) failed (400): Event Timestamp Too Old: The timestamp for this event is ' +
        'more than 7 days in the past. (code 100/2804003) [fbtrace_id AbC12_dEf-3]',
    });
    expect(accepted.size).toBe(997);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    // each bad event costs at most two requests per halving (log2 1000 < 10), plus the first request
    expect(requests.length).toBeLessThanOrEqual(1 + 3 * 2 * 10);
  });
});

describe('sendEvents: a refusal about the request is not bisected', () => {
  it.each([
    ['a missing permission (200)', { message: 'Permissions error', type: 'OAuthException', code: 200 }],
    [
      'a pixel the token cannot see (100/33)',
      {
        message:
          "Unsupported post request. Object with ID '1234567890' does not exist, cannot be loaded due to missing permissions, or does not support this operation.",
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
        fbtrace_id: 'Zz9',
      },
    ],
  ])('%s: one request, and the whole batch fails with what to fix', async (_, error) => {
    const { requests } = metaRefusing(new Set(['O0']), error);
    const thrown = await failure(() => sendEvents.write({ connection: connection(), records: batch(1_000) }));
    expect(thrown).toBeInstanceOf(PermanentError);
    expect(requests).toHaveLength(1);
  });
});

describe('sendEvents: a throttle in the middle of a bisection', () => {
  it('fails the events not yet accepted as retryable with the wait, and sends no further request', async () => {
    let call = 0;
    const requests: string[][] = [];
    let ids: string[] = [];
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        ids = b.data.map((e) => String(e.event_id));
        return true;
      })
      .times(10)
      .reply(() => {
        requests.push(ids);
        call++;
        if (call === 1 || call === 3) return [400, { error: tooOld }]; // whole batch, then its second half
        if (call === 2) return [200, { events_received: ids.length }]; // first half accepted
        return [400, { error: { message: 'Ad account has too many API calls', code: 613, error_subcode: 1487742 } }];
      });
    const outcomes = await sendEvents.write({ connection: connection(), records: batch(8) });
    expect(requests).toEqual([
      ['O0', 'O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7'],
      ['O0', 'O1', 'O2', 'O3'],
      ['O4', 'O5', 'O6', 'O7'],
      ['O4', 'O5'],
    ]);
    expect(outcomes.slice(0, 4).map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    for (const o of outcomes.slice(4))
      expect(o).toMatchObject({
        status: 'failed',
        failure: 'retryable',
        retryAfterMs: 60_000,
        reason: expect.stringContaining('Meta is throttling'),
      });
  });
});

describe('sendEvents: records a mapping got wrong (the runner does not hold them to the schema)', () => {
  it('each fails alone naming its field; the rest of the 1,000 go in one request; harmless differences are taken', async () => {
    const { requests } = metaRefusing(new Set(), tooOld);
    const records: Record<string, unknown>[] = batch(1_000);
    const wrong: [number, Record<string, unknown>, string, RegExp][] = [
      [1, { user_data: undefined }, 'user_data', /^user_data is missing/],
      [2, { event_time: null }, 'event_time', /^event_time is missing/],
      [3, { event_time: Number.NaN }, 'event_time', /^event_time is missing/],
      [4, { event_id: undefined }, 'event_id', /^event_id is missing: .*counts the event twice/],
      [5, { event_name: '' }, 'event_name', /^event_name is missing/],
      [6, { action_source: undefined }, 'action_source', /^action_source is missing/],
      [7, { action_source: 'web' }, 'action_source', /^action_source "web" is not one Meta knows/],
      [8, { user_data: { em: { address: 'x' } } }, 'user_data.em', /must be text/],
      [9, { custom_data: { value: 'ninety', currency: 'EUR' } }, 'custom_data.value', /is not an amount/],
      [10, { custom_data: { value: 5, currency: 978 } }, 'custom_data.currency', /ISO 4217/],
    ];
    for (const [i, change] of wrong) records[i] = { ...records[i], ...change };
    // harmless: an order number as a number, a numeric phone, null for unknown, the value as text
    records[20] = {
      ...records[20],
      event_id: 20020,
      user_data: { em: 'o20@example.com', ph: 4930123456, fn: null, client_user_agent: null },
      custom_data: { value: '99.90', currency: 'EUR', order_id: null },
    };
    const outcomes = await sendEvents.write({ connection: connection(), records: records as unknown as EventInput[] });
    for (const [i, , field, reason] of wrong)
      expect(outcomes[i]).toEqual({
        status: 'failed',
        failure: 'permanent',
        field,
        reason: expect.stringMatching(reason),
      });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toHaveLength(1_000 - wrong.length);
    expect(outcomes[20]).toEqual({ status: 'ok', targetId: 'Purchase:20020', operation: 'created' });
  });
});

describe('sendEvents: event times', () => {
  it('a time written without a zone is UTC whatever the hub machine’s zone', () => {
    // the zone is read when the process starts: a child process in New York (UTC−5) prepares the event
    const script = `
      const { prepareEvent } = require('./connectors/meta/actions/event-payload');
      const now = Math.floor(Date.parse('2026-12-07T12:00:00Z') / 1000);
      const event = (t) => ({ event_name: 'Lead', event_time: t, event_id: 'L1', action_source: 'system_generated',
        user_data: { em: 'ann@example.com' } });
      const out = ['2026-12-07 10:00:00', '2026-12-07T10:00:00', '2026-12-07T05:00:00-05:00']
        .map((t) => prepareEvent(event(t), now)).map((p) => (p.ok ? p.event.event_time : p.problem.reason));
      process.stdout.write(JSON.stringify(out));`;
    const out = execFileSync(TSX, ['-e', script], {
      cwd: path.join(__dirname, '../../..'),
      env: { ...process.env, TZ: 'America/New_York' },
    }).toString();
    const tenUtc = Date.parse('2026-12-07T10:00:00Z') / 1000;
    expect(JSON.parse(out)).toEqual([tenUtc, tenUtc, tenUtc]);
  });

  it('fractions of a second are dropped: Meta takes whole seconds', async () => {
    let body: Body | undefined;
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        body = b;
        return true;
      })
      .reply(200, { events_received: 1 });
    const t = nowS() - 3_600;
    await sendEvents.write({ connection: connection(), records: [purchase('F1', { event_time: t + 0.75 })] });
    expect(body!.data[0]!.event_time).toBe(t);
  });
});
