import { RetryableError, defineStream, isHubError, type Json, type Page } from '../../../core/sdk';
import { clientFor, type MetaClient } from '../client';
import { PAGE_LIMIT } from '../policy';
import { CampaignDay } from '../schemas/records';
import { adAccountOf, type MetaSettings } from '../schemas/settings';

/**
 * Spend by campaign and day: `GET /act_{id}/insights?level=campaign&time_increment=1` over a time range; ranges
 * longer than SYNC_MAX_DAYS run as an async report (`POST …/insights` → `report_run_id`, poll `GET /{run}` until
 * `async_status` is "Job Completed", read `GET /{run}/insights`) as Meta advises for long ranges (§5b).
 *
 * Checkpoint `{ until: "YYYY-MM-DD" }`: the last day read. Meta restates recent days (late conversions, billing
 * adjustments), so the next read starts LOOK_BACK_DAYS before it; a row is `<campaign>:<date>`, so a restated day
 * updates its record. While a read is under way the checkpoint also holds `at`: its range, the report run (async)
 * and the cursor after the last page yielded, so a resumed read goes on from there (or reads the range again if
 * Meta no longer has the run or the cursor). `until` moves only with the last (empty) page of a complete read.
 */

export const LOOK_BACK_DAYS = 3;
export const SYNC_MAX_DAYS = 31;
const FIRST_READ_DAYS = 28;
const FIELDS =
  'campaign_id,campaign_name,spend,impressions,clicks,account_currency,actions,action_values,date_start,date_stop';

/**
 * Purchases as Meta reports them in `actions` / `action_values`: `omni_purchase` (every source, de-duplicated) when
 * present, else the pixel's `purchase` or `offsite_conversion.fb_pixel_purchase` — one of them, never their sum (they
 * count the same purchases).
 */
const PURCHASE_TYPES = ['omni_purchase', 'purchase', 'offsite_conversion.fb_pixel_purchase'];

type ActionStat = { action_type?: string; value?: string };

function purchaseOf(stats: ActionStat[] | undefined): number | null {
  if (!Array.isArray(stats)) return null;
  for (const type of PURCHASE_TYPES) {
    const stat = stats.find((s) => s.action_type === type);
    if (stat !== undefined) return Number(stat.value ?? 0);
  }
  return 0;
}
/** How often and how long an async report is polled (tests shorten it). */
export const REPORT_POLLING = { intervalMs: 2_000, maxPolls: 300 };

interface RawRow {
  campaign_id?: string;
  campaign_name?: string;
  spend?: string;
  impressions?: string;
  clicks?: string;
  account_currency?: string;
  actions?: ActionStat[];
  action_values?: ActionStat[];
  date_start?: string;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY_MS = 86_400_000;

export function toCampaignDay(row: RawRow): CampaignDay {
  const date = row.date_start ?? '';
  const campaign = String(row.campaign_id ?? '');
  return {
    id: `${campaign}:${date}`,
    campaign_id: campaign,
    campaign_name: row.campaign_name ?? null,
    date,
    spend: Number(row.spend ?? 0),
    currency: row.account_currency ?? null,
    impressions: Math.trunc(Number(row.impressions ?? 0)),
    clicks: Math.trunc(Number(row.clicks ?? 0)),
    purchases: purchaseOf(row.actions),
    purchase_value: purchaseOf(row.action_values),
  };
}

interface At {
  since: string;
  until: string;
  run: string | null;
  after: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function untilOf(checkpoint: Json | null): string | undefined {
  return isObject(checkpoint) && typeof checkpoint.until === 'string' && DATE.test(checkpoint.until)
    ? checkpoint.until
    : undefined;
}

function atOf(checkpoint: Json | null): At | undefined {
  if (!isObject(checkpoint) || !isObject(checkpoint.at)) return undefined;
  const { since, until, run, after } = checkpoint.at;
  if (typeof since !== 'string' || typeof until !== 'string' || typeof after !== 'string') return undefined;
  return { since, until, run: typeof run === 'string' ? run : null, after };
}

export function checkpointProblem(value: Json): string | undefined {
  return untilOf(value) === undefined && atOf(value) === undefined
    ? 'not a Meta insights checkpoint { until: "YYYY-MM-DD" }'
    : undefined;
}

/** The days a read covers: from the checkpoint less the look-back, else insightsSince, else 28 days ago. */
export function rangeOf(checkpoint: Json | null, settings: MetaSettings, now = Date.now()) {
  const until = untilOf(checkpoint);
  const since =
    until !== undefined
      ? day(Date.parse(until) - LOOK_BACK_DAYS * DAY_MS)
      : (settings.insightsSince ?? day(now - FIRST_READ_DAYS * DAY_MS));
  return { since, until: day(now) };
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

async function reportRun(
  client: MetaClient,
  account: string,
  params: Record<string, string | number>,
  signal?: AbortSignal,
) {
  const { report_run_id: run } = await client.request<{ report_run_id?: string }>('POST', `${account}/insights`, {
    body: params,
    where: 'POST /act_{id}/insights (async report)',
  });
  if (run === undefined) throw new RetryableError('Meta started no async insights report (no report_run_id)');
  for (let i = 0; i < REPORT_POLLING.maxPolls; i++) {
    const status = await client.request<{ async_status?: string; async_percent_completion?: number }>('GET', run, {
      query: { fields: 'async_status,async_percent_completion' },
      where: 'GET /{report_run_id}',
    });
    if (status.async_status === 'Job Completed') return run;
    if (status.async_status === 'Job Failed' || status.async_status === 'Job Skipped')
      throw new RetryableError(
        `Meta's async insights report ${run} ended "${status.async_status}"; the read is retried`,
      );
    await sleep(REPORT_POLLING.intervalMs, signal);
  }
  throw new RetryableError(`Meta's async insights report ${run} did not complete in time; the read is retried`);
}

export const insights = defineStream<MetaSettings, CampaignDay>({
  name: 'insights',
  title: 'Spend by campaign and day',
  description:
    'Ad account insights at campaign level, one record per campaign and day (async report runs for long ranges)',
  recordSchema: CampaignDay,
  identity: ['id'],
  modifiedField: 'date',
  checkpointProblem,
  async *read(args): AsyncIterable<Page<CampaignDay>> {
    const client = clientFor(args.connection);
    const account = adAccountOf(args.connection.settings);
    const at = atOf(args.checkpoint);
    const range = at ?? rangeOf(args.checkpoint, args.connection.settings);
    const base = untilOf(args.checkpoint);
    const params = {
      level: 'campaign',
      time_increment: 1,
      fields: FIELDS,
      time_range: JSON.stringify({ since: range.since, until: range.until }),
      limit: PAGE_LIMIT,
    };
    const days = (Date.parse(range.until) - Date.parse(range.since)) / DAY_MS + 1;
    const fresh = async function* () {
      const run = days > SYNC_MAX_DAYS ? await reportRun(client, account, params, args.connection.signal) : null;
      for await (const page of client.pages<RawRow>(
        run === null ? `${account}/insights` : `${run}/insights`,
        run === null ? params : { limit: PAGE_LIMIT },
        'GET insights',
      ))
        yield { ...page, run };
    };
    const resumed = async function* (from: At) {
      try {
        for await (const page of client.pages<RawRow>(
          from.run === null ? `${account}/insights` : `${from.run}/insights`,
          from.run === null ? params : { limit: PAGE_LIMIT },
          'GET insights',
          from.after,
        ))
          yield { ...page, run: from.run };
      } catch (error) {
        // the run or the cursor is gone: read the range again (the records are the same ids)
        if (!isHubError(error) || error.kind !== 'permanent') throw error;
        yield* fresh();
      }
    };
    for await (const { rows, after, run } of at === undefined ? fresh() : resumed(at)) {
      const checkpoint: Json =
        after === undefined
          ? { until: range.until }
          : {
              ...(base === undefined ? {} : { until: base }),
              at: { since: range.since, until: range.until, run, after },
            };
      if (rows.length > 0 || after !== undefined) yield { records: rows.map(toCampaignDay), checkpoint };
    }
    yield { records: [], checkpoint: { until: range.until } };
  },
});
