import nock from 'nock';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { LOOK_BACK_DAYS, REPORT_POLLING, insights, rangeOf } from '../../../connectors/meta/streams/insights';
import { LOOK_BACK_SECONDS, fetchLead, leads } from '../../../connectors/meta/streams/leads';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { ConfigError, type Json } from '../../../core/sdk';
import { GRAPH, connection, failure, readAll, settings, useNock } from './helpers';

useNock();
afterEach(() => clearMetaBackoff());

const V = `/${GRAPH_VERSION}`;
const FORM = '4400000000';

// GET /{form_id}/leads answers (Lead Ads "Retrieving leads": id, created_time "…+0000", field_data [{ name, values }])
const lead = (id: string, created: string, email: string) => ({
  id,
  created_time: created,
  ad_id: '6000000000001',
  campaign_id: '6000000000000',
  form_id: FORM,
  is_organic: false,
  platform: 'fb',
  field_data: [
    { name: 'email', values: [email] },
    { name: 'full_name', values: ['Ann Example'] },
    { name: 'phone_number', values: ['+4930123456'] },
  ],
});

describe('leads stream', () => {
  it('reads each form page by page; the form mark moves only after its last page (Meta lists newest first)', async () => {
    nock(GRAPH)
      .get(`${V}/${FORM}/leads`)
      .query((q) => q.after === undefined && q.filtering === undefined && q.fields!.includes('field_data'))
      .reply(200, {
        data: [
          lead('L3', '2026-12-05T10:00:00+0000', 'c@example.com'),
          lead('L2', '2026-12-04T10:00:00+0000', 'b@example.com'),
        ],
        paging: { cursors: { before: 'b0', after: 'c1' }, next: 'https://graph.facebook.com/next' },
      });
    nock(GRAPH)
      .get(`${V}/${FORM}/leads`)
      .query((q) => q.after === 'c1')
      .reply(200, {
        data: [lead('L1', '2026-12-01T09:30:00+0000', 'a@example.com')],
        paging: { cursors: { after: 'c2' } },
      });
    const { pages, records, checkpoint } = await readAll(leads, connection());
    expect(records.map((r) => r.id)).toEqual(['L3', 'L2', 'L1']);
    expect(records[0]).toEqual({
      id: 'L3',
      form_id: FORM,
      created_time: '2026-12-05T10:00:00.000Z',
      ad_id: '6000000000001',
      campaign_id: '6000000000000',
      is_organic: false,
      platform: 'fb',
      fields: { email: 'c@example.com', full_name: 'Ann Example', phone_number: '+4930123456' },
      email: 'c@example.com',
      phone: '+4930123456',
      full_name: 'Ann Example',
    });
    const newest = Date.parse('2026-12-05T10:00:00Z') / 1000;
    // mid-form: no mark yet, the cursor to go on from
    expect(pages[0]!.checkpoint).toEqual({ forms: {}, done: [], at: { form: FORM, from: null, after: 'c1', newest } });
    expect(pages[1]!.checkpoint).toEqual({ forms: { [FORM]: newest }, done: [FORM] });
    expect(checkpoint).toEqual({ forms: { [FORM]: newest } });
  });

  it('a resumed read continues from the stored cursor; a new read filters on time_created from the mark less the look-back', async () => {
    const mark = Date.parse('2026-12-05T10:00:00Z') / 1000; // newer than L1: the pass's newest stays
    nock(GRAPH)
      .get(`${V}/${FORM}/leads`)
      .query((q) => q.after === 'c1')
      .reply(200, { data: [lead('L1', '2026-12-01T09:30:00+0000', 'a@example.com')], paging: {} });
    const resumed = await readAll(leads, connection(), {
      forms: {},
      done: [],
      at: { form: FORM, from: null, after: 'c1', newest: mark },
    });
    expect(resumed.records.map((r) => r.id)).toEqual(['L1']);
    expect(resumed.checkpoint).toEqual({ forms: { [FORM]: mark } });

    let filtering: unknown;
    nock(GRAPH)
      .get(`${V}/${FORM}/leads`)
      .query((q) => {
        filtering = JSON.parse(String(q.filtering));
        return true;
      })
      .reply(200, { data: [] });
    const rerun = await readAll(leads, connection(), { forms: { [FORM]: mark } });
    expect(filtering).toEqual([{ field: 'time_created', operator: 'GREATER_THAN', value: mark - LOOK_BACK_SECONDS }]);
    expect(rerun.records).toEqual([]);
    expect(rerun.checkpoint).toEqual({ forms: { [FORM]: mark } });
  });

  it('a form added since the last read is read from the beginning; known forms from the newest mark less the look-back', async () => {
    const mark = 1_796_000_000;
    const filters: Record<string, unknown> = {};
    for (const form of ['11', '12'])
      nock(GRAPH)
        .get(`${V}/${form}/leads`)
        .query((q) => {
          filters[form] = q.filtering === undefined ? null : JSON.parse(String(q.filtering));
          return true;
        })
        .reply(200, { data: [] });
    await readAll(leads, connection({ ...settings, leadFormIds: ['11', '12'] }), { forms: { '11': mark } });
    expect(filters).toEqual({
      '11': [{ field: 'time_created', operator: 'GREATER_THAN', value: mark - LOOK_BACK_SECONDS }],
      '12': null,
    });
  });

  it('without leadFormIds, reads every lead form of pageId', async () => {
    nock(GRAPH)
      .get(`${V}/1010/leadgen_forms`)
      .query(true)
      .reply(200, { data: [{ id: '11' }, { id: '12' }] });
    nock(GRAPH)
      .get(`${V}/11/leads`)
      .query(true)
      .reply(200, { data: [lead('A', '2026-12-01T00:00:00+0000', 'a@example.com')] });
    nock(GRAPH)
      .get(`${V}/12/leads`)
      .query(true)
      .reply(200, { data: [lead('B', '2026-12-02T00:00:00+0000', 'b@example.com')] });
    const s = { ...settings, pageId: '1010' };
    delete s.leadFormIds;
    const { records } = await readAll(leads, connection(s));
    expect(records.map((r) => r.id)).toEqual(['A', 'B']);
  });

  it('with neither leadFormIds nor pageId, a ConfigError names the setting', async () => {
    const s = { ...settings };
    delete s.leadFormIds;
    const error = await failure(() => readAll(leads, connection(s)));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('leadFormIds');
  });

  it('a lead is fetched by id (GET /{lead_id}) for a webhook or a replay; a lead Meta no longer has is missing', async () => {
    nock(GRAPH)
      .get(`${V}/L9`)
      .query(true)
      .reply(200, lead('L9', '2026-12-06T08:00:00+0000', 'z@example.com'));
    nock(GRAPH)
      .get(`${V}/L0`)
      .query(true)
      .reply(400, { error: { message: "Object with ID 'L0' does not exist", code: 100, error_subcode: 33 } });
    await expect(fetchLead(connection(), 'L9')).resolves.toMatchObject({ id: 'L9', email: 'z@example.com' });
    const refetched = await leads.refetch!({
      connection: connection(),
      records: [
        { key: 'a', source: { id: 'L0' } },
        { key: 'b', source: {} },
      ],
    });
    expect(refetched).toEqual([{ status: 'missing', reason: 'Meta has no lead L0' }, { status: 'unsupported' }]);
    expect(leads.checkpointProblem!({ forms: {} } as Json)).toBeUndefined();
    expect(leads.checkpointProblem!('2026-01-01')).toContain('not a Meta leads checkpoint');
  });
});

const row = (campaign: string, date: string, spend: string) => ({
  campaign_id: campaign,
  campaign_name: `Campaign ${campaign}`,
  spend,
  impressions: '1200',
  clicks: '34',
  account_currency: 'EUR',
  date_start: date,
  date_stop: date,
});

describe('insights stream', () => {
  const today = new Date().toISOString().slice(0, 10);

  it('reads spend by campaign and day (level=campaign, time_increment=1) and checkpoints the last day', async () => {
    let query: Record<string, string> = {};
    nock(GRAPH)
      .get(`${V}/act_5550001/insights`)
      .query((q) => {
        query = q as Record<string, string>;
        return true;
      })
      .reply(200, {
        data: [
          {
            ...row('61', '2026-12-01', '12.34'),
            // purchases: Meta lists the pixel's and the de-duplicated omni count of the same purchases
            actions: [
              { action_type: 'link_click', value: '30' },
              { action_type: 'offsite_conversion.fb_pixel_purchase', value: '2' },
              { action_type: 'omni_purchase', value: '2' },
            ],
            action_values: [
              { action_type: 'offsite_conversion.fb_pixel_purchase', value: '80.5' },
              { action_type: 'omni_purchase', value: '80.5' },
            ],
          },
          row('62', '2026-12-01', '0.00'),
        ],
        paging: {},
      });
    const { records, checkpoint } = await readAll(insights, connection({ ...settings, insightsSince: '2026-11-20' }));
    expect(query).toMatchObject({ level: 'campaign', time_increment: '1' });
    expect(query.fields!.split(',')).toEqual(
      expect.arrayContaining(['campaign_id', 'spend', 'actions', 'action_values', 'date_start']),
    );
    expect(JSON.parse(query.time_range!)).toEqual({ since: '2026-11-20', until: today });
    expect(records[0]).toEqual({
      id: '61:2026-12-01',
      campaign_id: '61',
      campaign_name: 'Campaign 61',
      date: '2026-12-01',
      spend: 12.34,
      currency: 'EUR',
      impressions: 1200,
      clicks: 34,
      purchases: 2,
      purchase_value: 80.5,
    });
    // no actions from Meta: not reported (null), not zero
    expect(records[1]).toMatchObject({ purchases: null, purchase_value: null });
    expect(checkpoint).toEqual({ until: today });
  });

  it('a rerun starts LOOK_BACK_DAYS before the checkpoint (Meta restates recent days)', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(rangeOf({ until: '2026-12-06' }, settings, now)).toEqual({ since: '2026-12-03', until: '2026-12-07' });
    expect(LOOK_BACK_DAYS).toBe(3);
    expect(rangeOf(null, settings, now)).toEqual({ since: '2026-11-09', until: '2026-12-07' });
  });

  it('a long range runs as an async report: POST → report_run_id, poll until "Job Completed", read its insights', async () => {
    REPORT_POLLING.intervalMs = 1;
    let posted: Record<string, unknown> = {};
    nock(GRAPH)
      .post(`${V}/act_5550001/insights`, (b: Record<string, unknown>) => {
        posted = b;
        return true;
      })
      .reply(200, { report_run_id: '98765' });
    nock(GRAPH)
      .get(`${V}/98765`)
      .query(true)
      .reply(200, { id: '98765', async_status: 'Job Running', async_percent_completion: 40 });
    nock(GRAPH)
      .get(`${V}/98765`)
      .query(true)
      .reply(200, { id: '98765', async_status: 'Job Completed', async_percent_completion: 100 });
    nock(GRAPH)
      .get(`${V}/98765/insights`)
      .query(true)
      .reply(200, { data: [row('61', '2026-06-01', '5.00')], paging: { cursors: { after: 'x' }, next: 'n' } });
    nock(GRAPH)
      .get(`${V}/98765/insights`)
      .query((q) => q.after === 'x')
      .reply(200, { data: [row('61', '2026-06-02', '6.00')], paging: {} });
    const { pages, records, checkpoint } = await readAll(
      insights,
      connection({ ...settings, insightsSince: '2026-06-01' }),
    );
    expect(posted).toMatchObject({ level: 'campaign', time_increment: 1 });
    expect(records.map((r) => r.id)).toEqual(['61:2026-06-01', '61:2026-06-02']);
    // mid-read: the run and the cursor, so a resumed read goes on from there
    expect(pages[0]!.checkpoint).toEqual({ at: { since: '2026-06-01', until: today, run: '98765', after: 'x' } });
    expect(checkpoint).toEqual({ until: today });
  });

  it('a failed async report is retried as a whole (RetryableError)', async () => {
    REPORT_POLLING.intervalMs = 1;
    nock(GRAPH).post(`${V}/act_5550001/insights`).reply(200, { report_run_id: '1' });
    nock(GRAPH).get(`${V}/1`).query(true).reply(200, { async_status: 'Job Failed' });
    const error = await failure(() => readAll(insights, connection({ ...settings, insightsSince: '2026-01-01' })));
    expect(error.message).toContain('ended "Job Failed"');
  });
});
