import { startSandbox as startGoogle } from '../../../../connectors/google/sandbox';
import { startSandbox as startMeta } from '../../../../connectors/meta/sandbox';
import { problem, type RouteCase } from '../scenario';

const DAY_MS = 86_400_000;
const day = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY_MS).toISOString().slice(0, 10);

/** GET /ad-metrics: spend, results and ROAS per ad connection, read live from the Google and Meta sandboxes. */
export const adMetricsCases: Record<string, RouteCase> = {
  async getAdMetrics(bed) {
    // no ad connection yet: an empty list, not an error
    const none = await bed.as('viewer').get('/ad-metrics').expect(200);
    expect(none.body).toMatchObject({ days: 30, since: day(29), until: day(0), channels: [] });

    const google = await startGoogle({ seedDays: 0 });
    const meta = await startMeta({ insightDays: 0 });
    // one row a page: 2 campaigns × 30 days is 60 pages, more than the 50 read
    const long = await startMeta({ insightDays: 30, campaigns: 2, pageSize: 1 });
    const names = ['ads-google', 'ads-google-nolist', 'ads-meta', 'ads-meta-broken', 'ads-meta-long'];
    try {
      const campaign = (campaignId: string, date: string, costMicros: number, conversions: number, value: number) => ({
        campaignId,
        campaignName: `Campaign ${campaignId}`,
        date,
        costMicros,
        clicks: costMicros === 0 ? 0 : 10,
        impressions: 100,
        conversions,
        conversionsValue: value,
      });
      google.store.campaignDays.push(
        campaign('1001', day(1), 12_500_000, 2, 50),
        campaign('1001', day(0), 7_500_000, 1, 30),
        campaign('1002', day(0), 0, 0, 0),
        campaign('1001', day(40), 99_000_000, 9, 900), // outside the 30 days
      );
      // purchases as Meta reports them: the pixel's count and the de-duplicated omni count (the same purchases)
      const purchases = (count: number, value: string) => ({
        actions: [
          { action_type: 'offsite_conversion.fb_pixel_purchase', value: String(count) },
          { action_type: 'omni_purchase', value: String(count) },
        ],
        action_values: [
          { action_type: 'offsite_conversion.fb_pixel_purchase', value },
          { action_type: 'omni_purchase', value },
        ],
      });
      const insight = (date: string, spend: string, count: number, value: string) => ({
        campaign_id: '6000000000000',
        campaign_name: 'Campaign 1',
        spend,
        impressions: '200',
        clicks: '7',
        account_currency: 'EUR',
        ...purchases(count, value),
        date_start: date,
        date_stop: date,
      });
      meta.state.insightRows.push(
        insight(day(1), '15.50', 2, '51.00'),
        insight(day(0), '10.00', 1, '25.50'),
        insight(day(40), '99.00', 9, '900.00'),
      );

      const engineer = bed.as('engineer');
      // the stored access token has expired: the read refreshes it first, as a run would
      await engineer
        .post('/connections', {
          name: 'ads-google',
          connectorId: 'google',
          settings: { ...google.settings, accessToken: 'expired-access-token', expiresAt: Date.now() - 1000 },
        })
        .expect(201);
      // the same account without a Customer Match list: spend, but no match rate to read
      const { userListId: _noList, ...noList } = google.settings;
      await engineer
        .post('/connections', { name: 'ads-google-nolist', connectorId: 'google', settings: noList })
        .expect(201);
      // the match rate Google's userLists.get answers for the list (the sandbox's is configurable)
      google.setMatchRate(71);
      await engineer.post('/connections', { name: 'ads-meta-long', connectorId: 'meta', settings: long.settings });
      await engineer.post('/connections', { name: 'ads-meta', connectorId: 'meta', settings: meta.settings });
      const badToken = 'EAAB-wrong-token-4242424242';
      await engineer
        .post('/connections', {
          name: 'ads-meta-broken',
          connectorId: 'meta',
          settings: { ...meta.settings, accessToken: badToken },
        })
        .expect(201);

      // runs:read, as the home page: a viewer may
      const res = await bed.as('viewer').get('/ad-metrics?days=30').expect(200);
      const byName = new Map(
        (res.body.channels as { connectionName: string; error: string; spend: unknown; days: unknown[] }[]).map(
          (c) => [c.connectionName, c] as const,
        ),
      );
      expect([...byName.keys()].sort()).toEqual(names);

      expect(google.tokens.refreshes).toBe(1);
      // Google: cost in units from micros, conversions and value from the stream, ROAS = value / spend
      expect(byName.get('ads-google')).toMatchObject({
        connectorId: 'google',
        stream: 'campaignMetrics',
        currency: null,
        spend: 20,
        clicks: 20,
        impressions: 300,
        conversions: 3,
        conversionValue: 80,
        roas: 4,
        // Customer Match: the list's contactIdInfo.matchRatePercentage, read with audienceStatus
        matchRate: 71,
        matchRateError: null,
        truncated: false,
        error: null,
        notReported: ['currency'],
        days: [
          { date: day(1), spend: 12.5, clicks: 10, impressions: 100, conversions: 2, conversionValue: 50 },
          { date: day(0), spend: 7.5, clicks: 10, impressions: 200, conversions: 1, conversionValue: 30 },
        ],
      });
      // Meta: purchases from the insights' actions (omni_purchase, not added to the pixel's count twice)
      expect(byName.get('ads-meta')).toMatchObject({
        connectorId: 'meta',
        stream: 'insights',
        currency: 'EUR',
        spend: 25.5,
        clicks: 14,
        impressions: 400,
        conversions: 3,
        conversionValue: 76.5,
        roas: 3,
        // Meta's API reports no match rate for audiences or the Conversions API
        matchRate: null,
        matchRateError: null,
        error: null,
        notReported: ['matchRate'],
        days: [
          { date: day(1), spend: 15.5, conversions: 2 },
          { date: day(0), spend: 10, conversions: 1 },
        ],
      });
      expect(byName.get('ads-google-nolist')).toMatchObject({
        spend: 20,
        matchRate: null,
        matchRateError: null,
        notReported: ['currency', 'matchRate'],
      });
      // more pages than MAX_PAGES: cut there, and said so
      const cut = byName.get('ads-meta-long') as unknown as { truncated: boolean; spend: number; error: unknown };
      expect(cut).toMatchObject({ truncated: true, error: null });
      const first50 = long.state.insightRows.slice(0, 50).reduce((n, r) => n + Number(r.spend), 0);
      expect(cut.spend).toBeCloseTo(first50, 6);
      expect(cut.spend).toBeLessThan(long.state.insightRows.reduce((n, r) => n + Number(r.spend), 0));
      // a connection whose read fails is named with what to do, the others still answer; no secret in the words
      const broken = byName.get('ads-meta-broken')!;
      expect(broken.spend).toBeNull();
      expect(broken.days).toEqual([]);
      expect(broken.error).toMatch(/^reading insights from ads-meta-broken failed: .*; check the connection's/);
      expect(res.text).not.toContain(badToken);
      expect(res.text).not.toContain(meta.settings.appSecret);

      // a shorter window: only today
      const today = await bed.as('viewer').get('/ad-metrics?days=1').expect(200);
      const googleToday = (today.body.channels as { connectionName: string }[]).find(
        (c) => c.connectionName === 'ads-google',
      );
      expect(googleToday).toMatchObject({ spend: 7.5, conversionValue: 30, roas: 4, matchRate: 71 });

      // a match-rate read that fails leaves the spend standing and says why (the list is gone at Google)
      await engineer
        .post('/connections', {
          name: 'ads-google-gone',
          connectorId: 'google',
          settings: { ...google.settings, userListId: '123' },
        })
        .expect(201);
      const gone = (
        (await bed.as('viewer').get('/ad-metrics?days=1').expect(200)).body.channels as { connectionName: string }[]
      ).find((c) => c.connectionName === 'ads-google-gone');
      expect(gone).toMatchObject({ spend: 7.5, error: null, matchRate: null, notReported: ['currency', 'matchRate'] });
      expect((gone as unknown as { matchRateError: string }).matchRateError).toMatch(
        /^reading audienceStatus from ads-google-gone failed: .*userLists\.get/,
      );

      expect(problem(await bed.as('viewer').get('/ad-metrics?days=91'), 400).errors?.[0].field).toBe('/query/days');
      problem(await bed.as('none').get('/ad-metrics'), 401);
    } finally {
      for (const name of [...names, 'ads-google-gone']) await bed.as('admin').delete(`/connections/${name}`);
      await google.close();
      await meta.close();
      await long.close();
    }
  },
};
