import { execFileSync } from 'node:child_process';
import path from 'node:path';
import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/google/actions/addAudienceMembers';
import { sendConversions } from '../../../connectors/google/actions/sendConversions';
import { DM, connection, discoveryProblems, googleError, settings, useNock, warnings } from './helpers';

/**
 * Issue #16, the Data Manager write path on cases the first tests did not take: diagnostics that cannot be read after
 * Google accepted a request, a batch Google keeps refusing one named row at a time, a conversion too old for Google
 * Ads among fresh ones, and consent that is unknown.
 */

useNock();

const at = new Date(Date.now() - 3_600_000).toISOString();
type Body = Record<string, unknown> & { events?: { transactionId: string }[] };

function ingest(path: string, answer: (body: Body, n: number) => [number, unknown]) {
  const seen: Body[] = [];
  nock(DM)
    .post(`/v1/${path}`)
    .times(20)
    .reply(async (request: Request) => {
      const body = (await request.json()) as Body;
      seen.push(body);
      return answer(body, seen.length);
    });
  return seen;
}

const conversions = (ids: string[]) =>
  ids.map((id) => ({ transactionId: id, eventTimestamp: at, gclid: `Cj0${id}`, conversionValue: 5, currency: 'EUR' }));

describe('after Google accepted a request', () => {
  it.each([
    ['429 RESOURCE_EXHAUSTED', 429, googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded.')],
    ['503 UNAVAILABLE', 503, googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.')],
  ])(
    'a diagnostics read refused with %s does not fail the accepted rows (the runner would send them again)',
    async (_, code, body) => {
      const seen = ingest('events:ingest', () => [200, { requestId: 'req-ok' }]);
      nock(DM).get('/v1/requestStatus:retrieve').query(true).reply(code, body);
      const outcomes = await sendConversions.write({
        connection: connection(),
        records: conversions(['a1', 'a2', 'a3']),
      });
      expect(outcomes).toEqual([
        { status: 'ok', targetId: 'a1' },
        { status: 'ok', targetId: 'a2' },
        { status: 'ok', targetId: 'a3' },
      ]);
      expect(seen).toHaveLength(1);
      expect(warnings.map((w) => w.msg)).toEqual([
        expect.stringContaining('Google accepted request req-ok but its diagnostics could not be read'),
      ]);
    },
  );
});

describe('a batch Google refuses one named row at a time', () => {
  it('the rows Google named fail; the rows it never named are retryable, never dead-lettered for their neighbours', async () => {
    // Google names only the first invalid row of each request (its fast-fail may stop at the first)
    const seen = ingest('events:ingest', (body) => {
      const row = body.events!.findIndex((e) => e.transactionId.startsWith('bad'));
      if (row < 0) return [200, { requestId: 'req-last' }];
      return [
        400,
        googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
          {
            '@type': 'type.googleapis.com/google.rpc.BadRequest',
            fieldViolations: [{ field: `events[${row}].ad_identifiers.gclid`, description: 'Invalid gclid.' }],
          },
        ]),
      ];
    });
    const ids = ['bad1', 'g1', 'bad2', 'bad3', 'g2', 'bad4', 'bad5', 'bad6', 'g3', 'bad7'];
    const outcomes = await sendConversions.write({ connection: connection(), records: conversions(ids) });
    const byId = Object.fromEntries(ids.map((id, i) => [id, outcomes[i]!]));
    for (const id of ['bad1', 'bad2', 'bad3', 'bad4', 'bad5'])
      expect(byId[id]).toMatchObject({
        status: 'failed',
        failure: 'permanent',
        reason: expect.stringContaining('gclid'),
      });
    for (const id of ['g1', 'g2', 'g3', 'bad6', 'bad7'])
      expect(byId[id]).toMatchObject({ status: 'failed', failure: 'retryable' });
    expect(seen).toHaveLength(5);

    // sent again (as the runner does with retryable rows): the last bad rows are named, the good ones written once
    const again = ['g1', 'g2', 'g3', 'bad6', 'bad7'];
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const second = await sendConversions.write({ connection: connection(), records: conversions(again) });
    expect(second.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'failed', 'failed']);
    expect(seen[seen.length - 1]!.events!.map((e) => e.transactionId)).toEqual(['g1', 'g2', 'g3']);
  });
});

describe('a conversion too old for Google Ads', () => {
  it('fails alone, named, before sending: the others go in one valid request', async () => {
    const seen = ingest('events:ingest', () => [200, { requestId: 'req-age' }]);
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const records = conversions(['n1', 'old', 'n2']);
    records[1]!.eventTimestamp = new Date(Date.now() - 91 * 86_400_000).toISOString();
    const outcomes = await sendConversions.write({ connection: connection(), records });
    expect(outcomes[1]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'eventTimestamp',
      reason: expect.stringMatching(/is 91 days ago: Google Ads takes no conversion older than 90 days/),
    });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'n1' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.events!.map((e) => e.transactionId)).toEqual(['n1', 'n2']);
    expect(discoveryProblems('events:ingest', seen[0])).toEqual([]);
  });
});

describe('consent that is unknown is never defaulted', () => {
  it('conversions: no consent sent when the record has none, only the known half when it has one', async () => {
    const seen = ingest('events:ingest', () => [200, { requestId: 'req-c' }]);
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const [none, half] = conversions(['c1', 'c2']);
    await sendConversions.write({
      connection: connection(),
      records: [none!, { ...half!, consent: { adUserData: 'CONSENT_GRANTED' } }],
    });
    const body = seen[0]!;
    expect(body).not.toHaveProperty('consent');
    const events = body.events as unknown as Record<string, unknown>[];
    expect(events[0]).not.toHaveProperty('consent');
    expect(events[1]!.consent).toEqual({ adUserData: 'CONSENT_GRANTED' });
    expect(discoveryProblems('events:ingest', body)).toEqual([]);
  });

  it('audience members: no consent sent when unknown, and no request-level consent', async () => {
    const seen = ingest('audienceMembers:ingest', () => [200, { requestId: 'req-m' }]);
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const outcomes = await addAudienceMembers.write({
      connection: connection({ ...settings }),
      records: [
        { email: 'ann@example.com' },
        { email: 'bob@example.com', consent: { adPersonalization: 'CONSENT_GRANTED' } },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok']);
    const body = seen[0]!;
    expect(body).not.toHaveProperty('consent');
    const members = body.audienceMembers as Record<string, unknown>[];
    expect(members[0]).not.toHaveProperty('consent');
    expect(members[1]!.consent).toEqual({ adPersonalization: 'CONSENT_GRANTED' });
    expect(discoveryProblems('audienceMembers:ingest', body)).toEqual([]);
  });
});

describe('records a mapping got wrong (the runner does not hold them to the schema)', () => {
  it('conversions: each fails alone naming its field, the rest go in one valid request; harmless differences are taken', async () => {
    const seen = ingest('events:ingest', () => [200, { requestId: 'req-shape' }]);
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const good = conversions(['k0'])[0]!;
    const records: Record<string, unknown>[] = [
      good,
      { ...good, transactionId: undefined },
      { ...good, transactionId: 'k2', consent: { adUserData: 'yes' } },
      { ...good, transactionId: 'k3', email: { address: 'x' } },
      { ...good, transactionId: 'k4', conversionValue: 'lots' },
      // harmless: an order number as a number, a phone as a number, null for unknown, consent in lower case
      {
        transactionId: 5005,
        eventTimestamp: at,
        gclid: null,
        email: null,
        phone: 4930123456,
        regionCode: 'DE',
        conversionValue: '12.50',
        currency: 'eur',
        consent: { adUserData: 'consent_granted', adPersonalization: null },
      },
    ];
    const outcomes = await sendConversions.write({ connection: connection(), records: records as never });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'k0' });
    expect(outcomes[1]).toMatchObject({
      failure: 'permanent',
      field: 'transactionId',
      reason: expect.stringMatching(/^transactionId is missing: the mapping must set it to the order reference/),
    });
    expect(outcomes[2]).toMatchObject({
      failure: 'permanent',
      field: 'consent.adUserData',
      reason: expect.stringContaining('never granted'),
    });
    expect(outcomes[3]).toMatchObject({
      failure: 'permanent',
      field: 'email',
      reason: 'email must be text (or a list of texts)',
    });
    expect(outcomes[4]).toMatchObject({ failure: 'permanent', field: 'conversionValue' });
    expect(outcomes[5]).toEqual({ status: 'ok', targetId: '5005' });
    expect(seen).toHaveLength(1);
    const events = seen[0]!.events as unknown as Record<string, unknown>[];
    expect(events.map((e) => e.transactionId)).toEqual(['k0', '5005']);
    expect(events[1]).toMatchObject({
      conversionValue: 12.5,
      currency: 'EUR',
      consent: { adUserData: 'CONSENT_GRANTED' },
      userData: { userIdentifiers: [{ phoneNumber: expect.stringMatching(/^[0-9a-f]{64}$/) }] },
    });
    expect(discoveryProblems('events:ingest', seen[0])).toEqual([]);
  });

  it('audience members: a number where text was expected is taken, an object fails alone (not the batch)', async () => {
    const seen = ingest('audienceMembers:ingest', () => [200, { requestId: 'req-mshape' }]);
    nock(DM)
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(200, { requestStatusPerDestination: [{ requestStatus: 'SUCCESS' }] });
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        { email: 'ann@example.com' },
        { email: null, phone: 4930123456, regionCode: 'DE' },
        { email: ['bob@example.com', { x: 1 }] },
      ] as never,
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'failed']);
    expect(outcomes[2]).toMatchObject({ failure: 'permanent', field: 'email' });
    expect((seen[0]!.audienceMembers as unknown[]).length).toBe(2);
    expect(discoveryProblems('audienceMembers:ingest', seen[0])).toEqual([]);
  });
});

describe('conversion times', () => {
  it('a time written without a zone is UTC whatever the hub machine’s zone', () => {
    // the zone is read when the process starts: a child process in New York (UTC−5) reads the times
    const script = `
      const { timestampMs } = require('./connectors/google/actions/events');
      const out = ['2026-12-07 10:00:00', '2026-12-07T10:00:00.250', '2026-12-07T05:00:00-05:00', '2026-12-07']
        .map((t) => new Date(timestampMs(t)).toISOString());
      process.stdout.write(JSON.stringify(out));`;
    const tsx = path.join(__dirname, '../../../node_modules/.bin/tsx');
    const out = execFileSync(tsx, ['-e', script], {
      cwd: path.join(__dirname, '../../..'),
      env: { ...process.env, TZ: 'America/New_York' },
    }).toString();
    expect(JSON.parse(out)).toEqual([
      '2026-12-07T10:00:00.000Z',
      '2026-12-07T10:00:00.250Z',
      '2026-12-07T10:00:00.000Z',
      '2026-12-07T00:00:00.000Z',
    ]);
  });
});
