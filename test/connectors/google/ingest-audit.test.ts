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
