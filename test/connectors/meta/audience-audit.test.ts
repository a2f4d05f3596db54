import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/meta/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/meta/actions/removeAudienceMembers';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { RateLimitedError } from '../../../core/sdk';
import { GRAPH, connection, useNock } from './helpers';

/**
 * Issue #16: audience members as a mapping may write them (the runner does not hold records to the recordSchema):
 * a CRM id or a phone as a number, null for "not known", an object by mistake. One such record must never fail
 * its whole batch.
 */

useNock();
afterEach(() => clearMetaBackoff());

const USERS = `/${GRAPH_VERSION}/2380000000001/users`;
type Payload = { payload: { schema: string[]; data: string[][] } };

const records = [
  { email: 'ann@example.com', externalId: 40017 },
  { email: null, phone: 16505551212, externalId: 40018 },
  { email: { address: 'bob@example.com' } },
  { email: 'cy@example.com', firstName: '', country: null },
];

describe('Meta audience members a mapping got wrong', () => {
  it.each([
    ['addAudienceMembers', addAudienceMembers, 'post'],
    ['removeAudienceMembers', removeAudienceMembers, 'delete'],
  ] as const)(
    '%s: numbers are taken as text, null as unknown; an object fails alone naming its field',
    async (_, action, verb) => {
      let body: Payload | undefined;
      nock(GRAPH)
        .intercept(USERS, verb.toUpperCase(), (b: Payload) => {
          body = b;
          return true;
        })
        .reply(200, {
          audience_id: '2380000000001',
          num_received: 3,
          num_invalid_entries: 0,
          invalid_entry_samples: {},
        });
      const outcomes = await action.write({ connection: connection(), records: records as never });
      expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
      expect(outcomes[2]).toEqual({
        status: 'failed',
        failure: 'permanent',
        field: 'email',
        reason: 'email must be text, not object',
      });
      expect(body!.payload).toEqual({
        schema: ['EMAIL', 'PHONE', 'EXTERN_ID'],
        data: [
          [sha256Hex('ann@example.com'), '', '40017'],
          ['', sha256Hex('16505551212'), '40018'],
          [sha256Hex('cy@example.com'), '', ''],
        ],
      });
    },
  );
});

describe('Meta audiences throttled', () => {
  it("before anything was written: thrown with Meta's wait, so the runner pauses instead of spending attempts", async () => {
    nock(GRAPH)
      .post(USERS)
      .reply(
        400,
        { error: { message: 'There have been too many calls', code: 80003, fbtrace_id: 'T1' } },
        {
          'x-business-use-case-usage': JSON.stringify({
            '1': [{ type: 'custom_audience', call_count: 100, estimated_time_to_regain_access: 10 }],
          }),
        },
      );
    const error = await addAudienceMembers
      .write({ connection: connection(), records: [{ email: 'ann@example.com' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(10 * 60_000);
  });

  it('after one audience was written: the rest fail retryable with the wait, and no further audience is called', async () => {
    const calls: string[] = [];
    for (const audience of ['2380000000001', '2380000000002', '2380000000003'])
      nock(GRAPH)
        .post(`/${GRAPH_VERSION}/${audience}/users`)
        .optionally()
        .reply(() => {
          calls.push(audience);
          return audience === '2380000000001'
            ? [200, { audience_id: audience, num_received: 1, num_invalid_entries: 0 }]
            : [400, { error: { message: 'User request limit reached', code: 17, error_subcode: 2446079 } }];
        });
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        { email: 'a@example.com', audienceId: '2380000000001' },
        { email: 'b@example.com', audienceId: '2380000000002' },
        { email: 'c@example.com', audienceId: '2380000000003' },
      ],
    });
    expect(calls).toEqual(['2380000000001', '2380000000002']);
    expect(outcomes[0]).toMatchObject({ status: 'ok' });
    for (const o of outcomes.slice(1))
      expect(o).toMatchObject({ status: 'failed', failure: 'retryable', retryAfterMs: 60_000 });
  });
});
