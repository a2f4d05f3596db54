import nock from 'nock';
import { retractConversions } from '../../../connectors/google/actions/retractConversions';
import { sendConversions } from '../../../connectors/google/actions/sendConversions';
import { hashGoogleEmail, hashGooglePhone } from '../../../connectors/google/identifiers';
import { AuthError, ConfigError, RateLimitedError, type ConnectionBudgetHook, type HubError } from '../../../core/sdk';
import { ACCESS, DM, connection, discoveryProblems, googleError, settings, useNock, warnings } from './helpers';

useNock();

const at = new Date(Date.now() - 3_600_000).toISOString();
const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

interface Seen {
  headers: Headers;
  body: Record<string, unknown>;
}

/** Answers `events:ingest` / audience calls, keeping what was sent. */
function ingestReply(
  path: string,
  seen: Seen[],
  answer: (body: Record<string, unknown>, n: number) => [number, unknown],
) {
  return nock(DM)
    .post(`/v1/${path}`)
    .times(5)
    .reply(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      seen.push({ headers: request.headers, body });
      return answer(body, seen.length);
    });
}

const statusReply = (requestStatus: string, errorCounts?: { reason: string; recordCount: string }[]) =>
  nock(DM)
    .get('/v1/requestStatus:retrieve')
    .query(true)
    .reply(200, {
      requestStatusPerDestination: [
        { requestStatus, ...(errorCounts === undefined ? {} : { errorInfo: { errorCounts } }) },
      ],
    });

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  try {
    await run();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected a failure');
}

describe('sendConversions (Data Manager events:ingest)', () => {
  it('sends the documented request: bearer token, destination, HEX encoding, hashed identifiers, consent', async () => {
    const seen: Seen[] = [];
    ingestReply('events:ingest', seen, () => [200, { requestId: 'req-1' }]);
    statusReply('SUCCESS');
    const outcomes = await sendConversions.write({
      connection: connection(),
      records: [
        {
          transactionId: 'SO042',
          eventTimestamp: at,
          gclid: 'Cj0KCQabc',
          conversionValue: 99.5,
          currency: 'eur',
          consent: granted,
        },
        { transactionId: 'SO043', eventTimestamp: at, email: 'Jane.Doe+x@gmail.com', phone: '+1 800 555 0100' },
      ],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'SO042' },
      { status: 'ok', targetId: 'SO043' },
    ]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${ACCESS}`);
    expect(discoveryProblems('events:ingest', seen[0]!.body)).toEqual([]);
    expect(seen[0]!.body).toEqual({
      destinations: [
        {
          operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
          loginAccount: { accountType: 'GOOGLE_ADS', accountId: '9876543210' },
          productDestinationId: '555000111',
        },
      ],
      encoding: 'HEX',
      events: [
        {
          transactionId: 'SO042',
          eventTimestamp: at,
          adIdentifiers: { gclid: 'Cj0KCQabc' },
          conversionValue: 99.5,
          currency: 'EUR',
          consent: granted,
        },
        {
          transactionId: 'SO043',
          eventTimestamp: at,
          userData: {
            userIdentifiers: [
              { emailAddress: hashGoogleEmail('janedoe@gmail.com') },
              { phoneNumber: hashGooglePhone('+18005550100') },
            ],
          },
        },
      ],
    });
  });

  it('refuses rows it can judge without sending them, naming the field', async () => {
    const seen: Seen[] = [];
    ingestReply('events:ingest', seen, () => [200, { requestId: 'req-2' }]);
    statusReply('SUCCESS');
    const outcomes = await sendConversions.write({
      connection: connection(),
      records: [
        { transactionId: 'a', eventTimestamp: at, gclid: 'g1', wbraid: 'w1' },
        { transactionId: 'b', eventTimestamp: at, gclid: 'g2', consent: { adUserData: 'CONSENT_DENIED' } },
        { transactionId: 'c', eventTimestamp: at },
        { transactionId: 'd', eventTimestamp: 'yesterday', gclid: 'g4' },
        { transactionId: 'e', eventTimestamp: at, email: 'nobody' },
        { transactionId: 'f', eventTimestamp: at, gclid: 'g6' },
      ],
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? [o.failure, o.field] : o.status))).toEqual([
      ['permanent', 'wbraid'],
      ['permanent', 'consent.adUserData'],
      ['permanent', 'gclid'],
      ['permanent', 'eventTimestamp'],
      ['permanent', 'email'],
      'ok',
    ]);
    expect((seen[0]!.body.events as { transactionId: string }[]).map((e) => e.transactionId)).toEqual(['f']);
  });

  it("a fast-fail 400 naming rows: only those fail, with Google's words; the rest go again once and are written", async () => {
    const seen: Seen[] = [];
    ingestReply('events:ingest', seen, (body, n) =>
      n === 1
        ? [
            400,
            googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
              {
                '@type': 'type.googleapis.com/google.rpc.BadRequest',
                fieldViolations: [
                  { field: 'events[1].currency', description: 'Invalid currency code XYZ.' },
                  { field: 'events[3].conversion_value', description: 'Must not be negative.' },
                ],
              },
            ]),
          ]
        : [200, { requestId: `req-${n}` }],
    );
    statusReply('SUCCESS');
    const records = ['r0', 'r1', 'r2', 'r3', 'r4'].map((id, i) => ({
      transactionId: id,
      eventTimestamp: at,
      gclid: `g${i}`,
      currency: i === 1 ? 'XYZ' : 'EUR',
    }));
    const outcomes = await sendConversions.write({ connection: connection(), records });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'r0' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect(outcomes[1]!.status === 'failed' && outcomes[1]!.reason).toContain(
      'events[1].currency: Invalid currency code XYZ.',
    );
    expect(outcomes[3]).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect(outcomes[2]).toEqual({ status: 'ok', targetId: 'r2' });
    expect(outcomes[4]).toEqual({ status: 'ok', targetId: 'r4' });
    expect(seen).toHaveLength(2);
    expect((seen[1]!.body.events as { transactionId: string }[]).map((e) => e.transactionId)).toEqual([
      'r0',
      'r2',
      'r4',
    ]);
  });

  it('requestStatus FAILED fails every row with the reasons Google counted', async () => {
    ingestReply('events:ingest', [], () => [200, { requestId: 'req-f' }]);
    statusReply('FAILED', [{ reason: 'PROCESSING_ERROR_REASON_INVALID_GCLID', recordCount: '2' }]);
    const outcomes = await sendConversions.write({
      connection: connection(),
      records: [
        { transactionId: 'x1', eventTimestamp: at, gclid: 'bad1' },
        { transactionId: 'x2', eventTimestamp: at, gclid: 'bad2' },
      ],
    });
    for (const o of outcomes) {
      expect(o).toMatchObject({ status: 'failed', failure: 'permanent' });
      expect(o.status === 'failed' && o.reason).toContain('PROCESSING_ERROR_REASON_INVALID_GCLID × 2');
    }
  });

  it('a repeated transaction id is "already recorded", not a failure; a partial failure naming no row is logged', async () => {
    ingestReply('events:ingest', [], () => [200, { requestId: 'req-d' }]);
    statusReply('FAILED', [{ reason: 'PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID', recordCount: '1' }]);
    const again = await sendConversions.write({
      connection: connection(),
      records: [{ transactionId: 'dup', eventTimestamp: at, gclid: 'g' }],
    });
    expect(again).toEqual([{ status: 'ok', targetId: 'dup' }]);

    ingestReply('events:ingest', [], () => [200, { requestId: 'req-p' }]);
    statusReply('PARTIAL_SUCCESS', [{ reason: 'PROCESSING_ERROR_REASON_EVENT_TOO_OLD', recordCount: '1' }]);
    const partial = await sendConversions.write({
      connection: connection(),
      records: [
        { transactionId: 'p1', eventTimestamp: at, gclid: 'g1' },
        { transactionId: 'p2', eventTimestamp: at, gclid: 'g2' },
      ],
    });
    expect(partial.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(warnings.map((w) => w.msg)).toEqual([expect.stringContaining('PROCESSING_ERROR_REASON_EVENT_TOO_OLD × 1')]);
  });

  it('reads requestStatus again while Google is still PROCESSING', async () => {
    ingestReply('events:ingest', [], () => [200, { requestId: 'req-slow' }]);
    const processing = statusReply('PROCESSING');
    const success = statusReply('SUCCESS');
    const outcomes = await sendConversions.write({
      connection: connection({ ...settings, diagnosticsPolls: 1 }),
      records: [{ transactionId: 'slow', eventTimestamp: at, gclid: 'g' }],
    });
    expect(outcomes).toEqual([{ status: 'ok', targetId: 'slow' }]);
    expect(processing.isDone() && success.isDone()).toBe(true);
  });

  it('validateOnly: Google validates, nothing is stored, no diagnostics are read', async () => {
    const seen: Seen[] = [];
    ingestReply('events:ingest', seen, () => [200, {}]);
    const outcomes = await sendConversions.write({
      connection: connection({ ...settings, validateOnly: true }),
      records: [{ transactionId: 'v', eventTimestamp: at, gclid: 'g' }],
    });
    expect(seen[0]!.body.validateOnly).toBe(true);
    expect(outcomes).toEqual([{ status: 'skipped', reason: expect.stringContaining('validateOnly') }]);
  });

  it("429 RESOURCE_EXHAUSTED is a RateLimitedError with RetryInfo's wait (30 s when none is given)", async () => {
    const exhausted = (details: object[]) =>
      googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', details);
    nock(DM)
      .post('/v1/events:ingest')
      .reply(
        429,
        exhausted([
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' },
        ]),
      );
    const records = [{ transactionId: 't', eventTimestamp: at, gclid: 'g' }];
    const first = await failure(() => sendConversions.write({ connection: connection(), records }));
    expect(first).toBeInstanceOf(RateLimitedError);
    expect(first.toInfo()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000, status: 429 });
    nock(DM).post('/v1/events:ingest').reply(429, exhausted([]));
    const second = await failure(() => sendConversions.write({ connection: connection(), records }));
    expect(second.toInfo().retryAfterMs).toBe(30_000);
  });

  it('under the runner: every Data Manager request takes an ingestion-lane slot; a bare 429 waits for the window', async () => {
    const lanes: string[] = [];
    const budget: ConnectionBudgetHook = {
      acquire: (lane) => {
        lanes.push(lane);
        return Promise.resolve(() => Promise.resolve());
      },
      pause: () => Promise.resolve(),
      windowRemainder: () => Promise.resolve(12_345),
      reportUsage: () => Promise.resolve(0),
    };
    const records = [{ transactionId: 'lane', eventTimestamp: at, gclid: 'g' }];
    ingestReply('events:ingest', [], () => [200, { requestId: 'req-lane' }]);
    statusReply('SUCCESS');
    await sendConversions.write({ connection: { ...connection(), budget }, records });
    expect(lanes).toEqual(['ingestion', 'ingestion']);
    nock.cleanAll();
    nock(DM)
      .post('/v1/events:ingest')
      .reply(429, googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.'));
    const error = await failure(() => sendConversions.write({ connection: { ...connection(), budget }, records }));
    expect(error.toInfo()).toMatchObject({ kind: 'rate_limited', retryAfterMs: 12_345 });
  });

  it('401 is an AuthError that says reconnect and quotes no secret', async () => {
    nock(DM)
      .post('/v1/events:ingest')
      .reply(401, googleError(401, 'UNAUTHENTICATED', `Invalid token ${ACCESS}`));
    const error = await failure(() =>
      sendConversions.write({
        connection: connection(),
        records: [{ transactionId: 't', eventTimestamp: at, gclid: 'g' }],
      }),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toContain('reconnect');
    expect(error.message).not.toContain(ACCESS);
  });

  it('403 is an AuthError naming the account settings; 503 is retryable; a 400 naming no row fails the batch', async () => {
    const records = [{ transactionId: 't', eventTimestamp: at, gclid: 'g' }];
    nock(DM)
      .post('/v1/events:ingest')
      .reply(403, googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'));
    const denied = await failure(() => sendConversions.write({ connection: connection(), records }));
    expect(denied).toBeInstanceOf(AuthError);
    expect(denied.message).toContain('operatingAccountId');
    nock(DM)
      .post('/v1/events:ingest')
      .reply(503, googleError(503, 'UNAVAILABLE', 'The service is unavailable.'));
    const down = await failure(() => sendConversions.write({ connection: connection(), records }));
    expect(down.toInfo().kind).toBe('retryable');
    nock(DM)
      .post('/v1/events:ingest')
      .reply(400, googleError(400, 'INVALID_ARGUMENT', 'Destination account not found.'));
    const outcomes = await sendConversions.write({ connection: connection(), records });
    expect(outcomes).toEqual([
      { status: 'failed', failure: 'permanent', reason: expect.stringContaining('Destination account not found.') },
    ]);
  });

  it('still PROCESSING after the last diagnostics read: written (Google accepted the request)', async () => {
    ingestReply('events:ingest', [], () => [200, { requestId: 'req-busy' }]);
    statusReply('PROCESSING');
    const outcomes = await sendConversions.write({
      connection: connection({ ...settings, diagnosticsPolls: 0 }),
      records: [{ transactionId: 'busy', eventTimestamp: at, gclid: 'g' }],
    });
    expect(outcomes).toEqual([{ status: 'ok', targetId: 'busy' }]);
  });

  it('without conversionActionId: a ConfigError naming the setting', async () => {
    const { conversionActionId: _, ...rest } = settings;
    const error = await failure(() =>
      sendConversions.write({
        connection: connection(rest),
        records: [{ transactionId: 't', eventTimestamp: at, gclid: 'g' }],
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.toInfo().field).toBe('conversionActionId');
  });
});

describe('retractConversions (a refund restates the value through events:ingest)', () => {
  it('sends the original transactionId and identifiers with the value left (0 by default)', async () => {
    const seen: Seen[] = [];
    ingestReply('events:ingest', seen, () => [200, { requestId: 'req-r' }]);
    statusReply('SUCCESS');
    const outcomes = await retractConversions.write({
      connection: connection(),
      records: [
        { transactionId: 'SO042', eventTimestamp: at, gclid: 'Cj0KCQabc', currency: 'EUR' },
        { transactionId: 'SO043', eventTimestamp: at, email: 'jane@example.com', conversionValue: 20, currency: 'EUR' },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    expect(discoveryProblems('events:ingest', seen[0]!.body)).toEqual([]);
    expect(seen[0]!.body.events).toEqual([
      {
        transactionId: 'SO042',
        eventTimestamp: at,
        adIdentifiers: { gclid: 'Cj0KCQabc' },
        conversionValue: 0,
        currency: 'EUR',
      },
      {
        transactionId: 'SO043',
        eventTimestamp: at,
        conversionValue: 20,
        currency: 'EUR',
        userData: { userIdentifiers: [{ emailAddress: hashGoogleEmail('jane@example.com') }] },
      },
    ]);
  });
});
