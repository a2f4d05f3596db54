import nock from 'nock';
import connector from '../../../connectors/google';
import { campaignMetrics } from '../../../connectors/google/streams/campaignMetrics';
import { leadFormSubmissions } from '../../../connectors/google/streams/leadFormSubmissions';
import { ADS_API_VERSION } from '../../../connectors/google/version';
import { ConfigError, PermanentError, RateLimitedError, type HubError } from '../../../core/sdk';
import { ACCESS, ADS, DEV_TOKEN, connection, googleError, readAll, settings, useNock } from './helpers';

useNock();

const DAY_MS = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const SEARCH = `/${ADS_API_VERSION}/customers/1234567890/googleAds:searchStream`;

interface Seen {
  headers: Headers;
  query: string;
}

/** searchStream answering from `rows(query)`, as the REST API does: a JSON array of result batches. */
function searchReply(seen: Seen[], rows: (query: string) => object[], times = 10) {
  return nock(ADS)
    .post(SEARCH)
    .times(times)
    .reply(async (request: Request) => {
      const { query } = (await request.json()) as { query: string };
      seen.push({ headers: request.headers, query });
      return [200, [{ results: rows(query), fieldMask: 'campaign.id', requestId: 'r1' }]];
    });
}

/** A GAQL row of the documented REST shape: int64 as strings, zero metrics left out. */
const campaignRow = (id: string, date: string, costMicros?: string) => ({
  campaign: { resourceName: `customers/1234567890/campaigns/${id}`, id, name: `Campaign ${id}` },
  segments: { date },
  metrics: {
    ...(costMicros === undefined ? {} : { costMicros }),
    clicks: '12',
    impressions: '340',
    conversions: 1.5,
    conversionsValue: 42.25,
  },
});

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  try {
    await run();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected a failure');
}

describe('campaignMetrics (GAQL searchStream, spend by campaign and day)', () => {
  it('sends the query with developer-token and login-customer-id, and maps the documented row', async () => {
    const seen: Seen[] = [];
    searchReply(seen, (q) =>
      q.includes(`'${day(-1)}'`) ? [campaignRow('1001', day(-1), '1234567'), campaignRow('1002', day(-1))] : [],
    );
    const { records, pages } = await readAll(campaignMetrics, connection({ ...settings, startDate: day(-1) }));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.get('developer-token')).toBe(DEV_TOKEN);
    expect(seen[0]!.headers.get('login-customer-id')).toBe('9876543210');
    expect(seen[0]!.headers.get('authorization')).toBe(`Bearer ${ACCESS}`);
    expect(seen[0]!.query).toContain('metrics.cost_micros');
    expect(seen[0]!.query).toContain(`WHERE segments.date BETWEEN '${day(-1)}' AND '${day(0)}'`);
    expect(records).toEqual([
      {
        key: `1001:${day(-1)}`,
        campaignId: '1001',
        campaignName: 'Campaign 1001',
        date: day(-1),
        costMicros: 1234567,
        cost: 1.234567,
        clicks: 12,
        impressions: 340,
        conversions: 1.5,
        conversionsValue: 42.25,
      },
      expect.objectContaining({ key: `1002:${day(-1)}`, costMicros: 0, cost: 0 }),
    ]);
    expect(pages.map((p) => p.checkpoint)).toEqual([{ through: day(0) }]);
  });

  it('pages by 7 days, and a resumed read starts lookBackDays before the checkpoint', async () => {
    const seen: Seen[] = [];
    searchReply(seen, () => []);
    const first = await readAll(campaignMetrics, connection({ ...settings, startDate: day(-20) }));
    expect(first.pages.map((p) => p.checkpoint)).toEqual([
      { through: day(-14) },
      { through: day(-7) },
      { through: day(0) },
    ]);
    seen.length = 0;
    await readAll(campaignMetrics, connection({ ...settings, lookBackDays: 3 }), { through: day(-1) });
    expect(seen.map((s) => /BETWEEN '([^']+)' AND '([^']+)'/.exec(s.query)!.slice(1))).toEqual([[day(-3), day(0)]]);
  });

  it('refuses a checkpoint it cannot resume from', () => {
    expect(campaignMetrics.checkpointProblem!({ since: 1 })).toMatch(/through/);
    expect(campaignMetrics.checkpointProblem!({ through: '2026-11-01' })).toBeUndefined();
  });

  it('without a developer token: a ConfigError naming developerToken, nothing sent', async () => {
    const { developerToken: _, ...rest } = settings;
    const error = await failure(() => readAll(campaignMetrics, connection(rest)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.toInfo().field).toBe('developerToken');
  });

  it('a GoogleAdsFailure quota error is RateLimitedError; a query error is permanent with the error code', async () => {
    nock(ADS)
      .post(SEARCH)
      .reply(
        429,
        googleError(429, 'RESOURCE_EXHAUSTED', 'Too many requests.', [
          {
            '@type': `type.googleapis.com/google.ads.googleads.${ADS_API_VERSION}.errors.GoogleAdsFailure`,
            errors: [{ errorCode: { quotaError: 'RESOURCE_EXHAUSTED' }, message: 'Too many requests.' }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
        ]),
      );
    const limited = await failure(() => readAll(campaignMetrics, connection({ ...settings, startDate: day(0) })));
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.toInfo().retryAfterMs).toBe(12_000);
    nock(ADS)
      .post(SEARCH)
      .reply(
        400,
        googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
          {
            '@type': `type.googleapis.com/google.ads.googleads.${ADS_API_VERSION}.errors.GoogleAdsFailure`,
            errors: [{ errorCode: { queryError: 'UNRECOGNIZED_FIELD' }, message: 'Unrecognized field.' }],
          },
        ]),
      );
    const bad = await failure(() => readAll(campaignMetrics, connection({ ...settings, startDate: day(0) })));
    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad.message).toContain('queryError.UNRECOGNIZED_FIELD');
  });
});

describe('leadFormSubmissions (GAQL lead_form_submission_data)', () => {
  const lead = (id: string, at: string, email: string) => ({
    leadFormSubmissionData: {
      resourceName: `customers/1234567890/leadFormSubmissionData/${id}`,
      id,
      asset: 'customers/1234567890/assets/3003',
      campaign: 'customers/1234567890/campaigns/1003',
      adGroup: 'customers/1234567890/adGroups/2003',
      gclid: `gclid-${id}`,
      submissionDateTime: at,
      leadFormSubmissionFields: [
        { fieldType: 'EMAIL', fieldValue: email },
        { fieldType: 'FULL_NAME', fieldValue: 'Jane Doe' },
        { fieldType: 'PHONE_NUMBER', fieldValue: '+4930123' },
      ],
      customLeadFormSubmissionFields: [{ questionText: 'Budget?', fieldValue: '10k' }],
    },
  });

  it('maps the answers by field type, and resumes after the last submission without losing ties', async () => {
    const all = [
      lead('1', '2026-11-01 09:00:00+01:00', 'a@example.com'),
      lead('2', '2026-11-01 09:00:05+01:00', 'b@example.com'),
      lead('3', '2026-11-01 09:00:05+01:00', 'c@example.com'),
    ];
    const seen: Seen[] = [];
    searchReply(seen, (q) => {
      const since = /submission_date_time >= '([^']+)'/.exec(q)?.[1];
      return all.filter(
        (l) => since === undefined || l.leadFormSubmissionData.submissionDateTime.slice(0, 19) >= since,
      );
    });
    const first = await readAll(leadFormSubmissions, connection({ ...settings, pageSize: 2 }));
    expect(first.records[0]).toEqual({
      id: '1',
      submittedAt: '2026-11-01T09:00:00+01:00',
      campaignId: '1003',
      adGroupId: '2003',
      assetId: '3003',
      gclid: 'gclid-1',
      email: 'a@example.com',
      phone: '+4930123',
      fullName: 'Jane Doe',
      firstName: null,
      lastName: null,
      fields: { EMAIL: 'a@example.com', FULL_NAME: 'Jane Doe', PHONE_NUMBER: '+4930123', 'Budget?': '10k' },
    });
    expect(first.pages.map((p) => p.checkpoint)).toEqual([
      { since: '2026-11-01 09:00:05+01:00', ids: ['2'] },
      { since: '2026-11-01 09:00:05+01:00', ids: ['2', '3'] },
    ]);
    const resumed = await readAll(
      leadFormSubmissions,
      connection({ ...settings, pageSize: 2 }),
      first.pages[0]!.checkpoint,
    );
    expect(resumed.records.map((r) => r.id)).toEqual(['3']);
    expect(seen[1]!.query).toContain("submission_date_time >= '2026-11-01 09:00:05'");
    const none = await readAll(leadFormSubmissions, connection(), first.checkpoint);
    expect(none.records).toEqual([]);
  });
});

describe('check', () => {
  it('probes Data Manager (404 for an unknown request = token accepted) and reads the customer through GAQL', async () => {
    nock('https://datamanager.googleapis.com')
      .get('/v1/requestStatus:retrieve')
      .query({ requestId: 'connector-hub-check' })
      .reply(404, googleError(404, 'NOT_FOUND', 'Request not found.'));
    searchReply([], () => [{ customer: { id: '1234567890', descriptiveName: 'Acme', currencyCode: 'EUR' } }], 1);
    const result = await connector.check(connection());
    expect(result).toEqual({ ok: true, message: expect.stringContaining('"Acme" (EUR)') });
  });

  it('a refused token: not ok, reconnect said, no secret quoted', async () => {
    nock('https://datamanager.googleapis.com')
      .get('/v1/requestStatus:retrieve')
      .query(true)
      .reply(401, googleError(401, 'UNAUTHENTICATED', `bad token ${ACCESS}`));
    const result = await connector.check(connection());
    expect(result.ok).toBe(false);
    expect(result.message).toContain('reconnect');
    expect(result.message).not.toContain(ACCESS);
  });
});
