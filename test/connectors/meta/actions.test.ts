import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/meta/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/meta/actions/removeAudienceMembers';
import { replaceAudience, sessionIdOf } from '../../../connectors/meta/actions/replaceAudience';
import { sendEvents } from '../../../connectors/meta/actions/sendEvents';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import type { EventInput } from '../../../connectors/meta/schemas/records';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { RateLimitedError } from '../../../core/sdk';
import { GRAPH, connection, failure, nowS, settings, useNock } from './helpers';

useNock();
afterEach(() => clearMetaBackoff());

const V = `/${GRAPH_VERSION}`;
const EVENTS = `${V}/1234567890/events`;
type Body = { data: Record<string, unknown>[]; test_event_code?: string };

const purchase = (id: string, extra: Partial<EventInput> = {}): EventInput => ({
  event_name: 'Purchase',
  event_time: nowS() - 3600,
  event_id: id,
  action_source: 'system_generated',
  user_data: { em: ' Ann@Example.com ', ph: '+49 30 1234567', country: 'DE' },
  custom_data: { value: 99.9, currency: 'EUR', order_id: id },
  ...extra,
});

const refused = {
  error: {
    message: 'Invalid parameter',
    type: 'OAuthException',
    code: 100,
    error_subcode: 2804003,
    error_user_title: 'Event Timestamp Too Old',
    error_user_msg: 'The timestamp for this event is more than 7 days in the past.',
    fbtrace_id: 'A1',
  },
};

describe('sendEvents (Conversions API)', () => {
  it('posts hashed user data, event_time in seconds, action_source, event_id and test_event_code', async () => {
    let body: Body | undefined;
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        body = b;
        return true;
      })
      .reply(200, { events_received: 2, messages: [], fbtrace_id: 'x' });
    const hashed = sha256Hex('bob@example.com');
    const at = new Date(Date.now() - 7200_000).toISOString();
    const outcomes = await sendEvents.write({
      connection: connection({ ...settings, testEventCode: 'TEST123' }),
      records: [
        purchase('S00042'),
        {
          event_name: 'Lead',
          event_time: at,
          event_id: 'lead-7',
          action_source: 'website',
          event_source_url: 'https://shop.example.com/signup',
          user_data: {
            em: hashed.toUpperCase(),
            client_user_agent: 'Mozilla/5.0',
            client_ip_address: '203.0.113.9',
            fbc: 'fb.1.1554763741205.AbCdEf',
          },
        },
      ],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'Purchase:S00042', operation: 'created' },
      { status: 'ok', targetId: 'Lead:lead-7', operation: 'created' },
    ]);
    expect(body!.test_event_code).toBe('TEST123');
    const [first, second] = body!.data;
    expect(first).toEqual({
      event_name: 'Purchase',
      event_time: expect.any(Number),
      event_id: 'S00042',
      action_source: 'system_generated',
      user_data: {
        em: [sha256Hex('ann@example.com')],
        ph: [sha256Hex('49301234567')],
        country: [sha256Hex('de')],
      },
      custom_data: { value: 99.9, currency: 'eur', order_id: 'S00042' },
    });
    expect(second!.event_time).toBe(Math.floor(Date.parse(at) / 1000));
    // already hashed: sent as it is (lowercased), never hashed twice; ip, user agent and fbc never hashed
    expect(second!.user_data).toEqual({
      em: [hashed],
      client_user_agent: 'Mozilla/5.0',
      client_ip_address: '203.0.113.9',
      fbc: 'fb.1.1554763741205.AbCdEf',
    });
  });

  it('checks each event before sending: the bad ones fail alone naming their field, the rest go in ONE request', async () => {
    const sent: Body[] = [];
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        sent.push(b);
        return true;
      })
      .reply(200, { events_received: 2 });
    const outcomes = await sendEvents.write({
      connection: connection(),
      records: [
        purchase('ok-1'),
        purchase('stale', { event_time: nowS() - 8 * 86_400 }),
        purchase('web', { action_source: 'website', event_source_url: 'https://x.example' }),
        purchase('no-value', { custom_data: { currency: 'EUR' } }),
        purchase('bad-email', { user_data: { em: 'ann at example' } }),
        purchase('bad-currency', { custom_data: { value: 1, currency: 'EURO' } }),
        purchase('nobody', { user_data: {} }),
        purchase('future', { event_time: nowS() + 3600 }),
        purchase('ok-2'),
      ],
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual([
      'ok',
      'event_time',
      'user_data.client_user_agent',
      'custom_data.value',
      'user_data.em',
      'custom_data.currency',
      'user_data',
      'event_time',
      'ok',
    ]);
    expect(outcomes[1]).toMatchObject({ failure: 'permanent', reason: expect.stringContaining('older than 7 days') });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.data.map((e) => e.event_id)).toEqual(['ok-1', 'ok-2']);
  });

  it('a batch Meta refuses anyway is bisected: only the refused event dead-letters, each good one is accepted once', async () => {
    const requests: string[][] = [];
    const accepted: string[] = [];
    let ids: string[] = [];
    nock(GRAPH)
      .post(EVENTS, (b: Body) => {
        ids = b.data.map((e) => String(e.event_id));
        return true;
      })
      .times(10)
      .reply(() => {
        requests.push(ids);
        if (ids.includes('C')) return [400, refused];
        accepted.push(...ids);
        return [200, { events_received: ids.length }];
      });
    const outcomes = await sendEvents.write({
      connection: connection(),
      records: ['A', 'B', 'C', 'D', 'E'].map((id) => purchase(id)),
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'failed', 'ok', 'ok']);
    expect(outcomes[2]).toEqual({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining(
        'Event Timestamp Too Old: The timestamp for this event is more than 7 days in the past. (code 100/2804003)',
      ),
    });
    expect(accepted.sort()).toEqual(['A', 'B', 'D', 'E']);
    expect(requests).toEqual([['A', 'B', 'C', 'D', 'E'], ['A', 'B', 'C'], ['A', 'B'], ['C'], ['D', 'E']]);
  });

  it('a throttle after part of the batch was accepted fails only the rest, retryable with the wait (no resend of the accepted)', async () => {
    let call = 0;
    nock(GRAPH)
      .post(EVENTS)
      .times(3)
      .reply(() => {
        call++;
        if (call === 1) return [400, refused];
        if (call === 2) return [200, { events_received: 1 }];
        return [400, { error: { message: 'User request limit reached', code: 17, error_subcode: 2446079 } }];
      });
    const outcomes = await sendEvents.write({ connection: connection(), records: [purchase('A'), purchase('B')] });
    expect(outcomes[0]).toMatchObject({ status: 'ok' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'retryable', retryAfterMs: 60_000 });
  });

  it('a throttle before anything was accepted is thrown: the runner pauses the connection', async () => {
    nock(GRAPH)
      .post(EVENTS)
      .reply(
        400,
        { error: { message: 'limit', code: 80004 } },
        {
          'x-business-use-case-usage': JSON.stringify({
            '1': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 4 }],
          }),
        },
      );
    const error = await failure(() => sendEvents.write({ connection: connection(), records: [purchase('A')] }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(4 * 60_000);
  });
});

type Payload = { payload: { schema: string[]; data: string[][] }; session?: Record<string, unknown> };

describe('Custom Audience actions', () => {
  it('addAudienceMembers posts one multi-key payload per audience (record audienceId wins over the setting)', async () => {
    const bodies: Record<string, Payload> = {};
    for (const audience of ['2380000000001', '2389999999999'])
      nock(GRAPH)
        .post(`${V}/${audience}/users`, (b: Payload) => {
          bodies[audience] = b;
          return true;
        })
        .reply(200, {
          audience_id: audience,
          session_id: '77',
          num_received: 1,
          num_invalid_entries: 0,
          invalid_entry_samples: {},
        });
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        { email: 'Ann@Example.com', firstName: 'Ann', country: 'DE' },
        { phone: '+1 650 555 1212', externalId: 'CRM-2', audienceId: '2389999999999' },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(bodies['2380000000001']!.payload).toEqual({
      schema: ['EMAIL', 'FN', 'COUNTRY'],
      data: [[sha256Hex('ann@example.com'), sha256Hex('ann'), sha256Hex('de')]],
    });
    // EXTERN_ID goes as it is (Meta does not hash it)
    expect(bodies['2389999999999']!.payload).toEqual({
      schema: ['PHONE', 'EXTERN_ID'],
      data: [[sha256Hex('16505551212'), 'CRM-2']],
    });
  });

  it('a record without an audience, or with an unusable identifier, fails alone naming the field', async () => {
    nock(GRAPH).post(`${V}/2380000000001/users`).reply(200, { num_received: 1, num_invalid_entries: 0 });
    const noSetting = { ...settings };
    delete noSetting.audienceId;
    const [orphan] = await addAudienceMembers.write({
      connection: connection(noSetting),
      records: [{ email: 'a@example.com' }],
    });
    expect(orphan).toMatchObject({ status: 'failed', failure: 'permanent', field: 'audienceId' });
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [{ email: 'ok@example.com' }, { email: 'broken' }, { firstName: 'Only a name' }],
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual(['ok', 'email', 'email']);
  });

  it('rows Meta samples as invalid fail; the others are ok', async () => {
    const bad = sha256Hex('bad@example.com');
    nock(GRAPH)
      .post(`${V}/2380000000001/users`)
      .reply(200, { num_received: 2, num_invalid_entries: 1, invalid_entry_samples: { [bad]: 'invalid EMAIL' } });
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [{ email: 'good@example.com' }, { email: 'bad@example.com' }],
    });
    expect(outcomes[0]!.status).toBe('ok');
    expect(outcomes[1]).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining('invalid EMAIL'),
    });
  });

  it('removeAudienceMembers sends DELETE /{audience_id}/users with the same payload', async () => {
    let body: Payload | undefined;
    nock(GRAPH)
      .delete(`${V}/2380000000001/users`, (b: Payload) => {
        body = b;
        return true;
      })
      .reply(200, { num_received: 1, num_invalid_entries: 0 });
    const [outcome] = await removeAudienceMembers.write({
      connection: connection(),
      records: [{ email: 'gone@example.com' }],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'deleted' });
    expect(body!.payload).toEqual({ schema: ['EMAIL'], data: [[sha256Hex('gone@example.com')]] });
  });

  it('replaceAudience outside a run: one complete usersreplace session per write, a new session id each time', async () => {
    const sessions: Record<string, unknown>[] = [];
    nock(GRAPH)
      .post(`${V}/2380000000001/usersreplace`, (b: Payload) => {
        sessions.push(b.session!);
        return true;
      })
      .times(2)
      .reply(200, { account_id: '1', session_id: '1', num_received: 2, num_invalid_entries: 0 });
    const records = [{ email: 'a@example.com' }, { email: 'b@example.com' }];
    await replaceAudience.write({ connection: connection(), records });
    await replaceAudience.write({ connection: connection(), records });
    expect(sessions[0]).toEqual({
      session_id: expect.any(Number),
      batch_seq: 1,
      last_batch_flag: true,
      estimated_num_total: 2,
    });
    // a second replace is a second session (a completed session takes no more batches)
    expect(sessions[1]!.session_id).not.toBe(sessions[0]!.session_id);
    expect(Number.isSafeInteger(sessions[0]!.session_id)).toBe(true);
  });

  it("replaceAudience in a run's session: session_id from the runner's session and the audience, its batch number", async () => {
    const sessions: Record<string, unknown>[] = [];
    nock(GRAPH)
      .post(`${V}/2380000000001/usersreplace`, (b: Payload) => {
        sessions.push(b.session!);
        return true;
      })
      .times(2)
      .reply(200, { session_id: '1', num_received: 2, num_invalid_entries: 0 });
    const records = [{ email: 'a@example.com' }, { email: 'b@example.com' }];
    await replaceAudience.write({ connection: connection(), records, session: { id: 'run-1', seq: 1, last: false } });
    await replaceAudience.write({
      connection: connection(),
      records,
      session: { id: 'run-1', seq: 2, last: true, total: 4 },
    });
    const id = sessionIdOf('run-1', '2380000000001');
    expect(sessions).toEqual([
      { session_id: id, batch_seq: 1, last_batch_flag: false },
      { session_id: id, batch_seq: 2, last_batch_flag: true, estimated_num_total: 4 },
    ]);
    expect(Number.isSafeInteger(id) && id > 0).toBe(true);
    expect(sessionIdOf('run-2', '2380000000001')).not.toBe(id);
    expect(sessionIdOf('run-1', '2380000000002')).not.toBe(id);
  });

  it('an audience that takes no edits (100/1713230) fails its rows with the operation_status Meta reports', async () => {
    nock(GRAPH)
      .post(`${V}/2380000000001/users`)
      .reply(400, {
        error: {
          message: 'Invalid parameter',
          code: 100,
          error_subcode: 1713230,
          error_user_title: 'Audience not editable',
        },
      });
    nock(GRAPH)
      .get(`${V}/2380000000001`)
      .query({ fields: 'operation_status' })
      .reply(200, { operation_status: { code: 471, description: 'This audience is being updated' } });
    const [outcome] = await addAudienceMembers.write({
      connection: connection(),
      records: [{ email: 'a@example.com' }],
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining('operation_status 471: This audience is being updated'),
    });
  });
});
