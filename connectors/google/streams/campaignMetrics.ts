import { defineStream, type Json } from '../../../core/sdk';
import { clientFor } from '../client';
import { CampaignMetricsRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';

const DAY_MS = 86_400_000;
/** Days per searchStream request and per page. */
export const DAYS_PER_PAGE = 7;
export const DEFAULT_LOOK_BACK_DAYS = 3;
const DEFAULT_FIRST_DAYS = 30;

/** One row of the GAQL answer (REST JSON: int64 as strings, doubles as numbers, zero metrics may be absent). */
interface CampaignRow {
  campaign?: { id?: string; name?: string };
  segments?: { date?: string };
  metrics?: {
    costMicros?: string;
    clicks?: string;
    impressions?: string;
    conversions?: number;
    conversionsValue?: number;
  };
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);

/** The GAQL of one page: spend and results by campaign and day, between two days inclusive. */
export function campaignQuery(from: string, to: string): string {
  return [
    'SELECT campaign.id, campaign.name, segments.date, metrics.cost_micros, metrics.clicks,',
    'metrics.impressions, metrics.conversions, metrics.conversions_value',
    'FROM campaign',
    `WHERE segments.date BETWEEN '${from}' AND '${to}'`,
    'ORDER BY segments.date, campaign.id',
  ].join(' ');
}

function toRecord(row: CampaignRow): CampaignMetricsRecord {
  const campaignId = String(row.campaign?.id ?? '');
  const date = String(row.segments?.date ?? '');
  const costMicros = Number(row.metrics?.costMicros ?? 0);
  return {
    key: `${campaignId}:${date}`,
    campaignId,
    campaignName: row.campaign?.name ?? '',
    date,
    costMicros,
    cost: costMicros / 1_000_000,
    clicks: Number(row.metrics?.clicks ?? 0),
    impressions: Number(row.metrics?.impressions ?? 0),
    conversions: Number(row.metrics?.conversions ?? 0),
    conversionsValue: Number(row.metrics?.conversionsValue ?? 0),
  };
}

/**
 * Spend by campaign and day from the Google Ads API (GAQL `searchStream` on `campaign` segmented by
 * `segments.date`), incremental by date.
 * Checkpoint: `{ through: "YYYY-MM-DD" }`, the last day whose rows were handed over. The next read starts
 * `lookBackDays` (default 3) days before it, because Google keeps restating recent days' costs and conversions
 * (late clicks, conversions attributed days later); a first read starts at `startDate` (default 30 days ago).
 * Rows are identified by `campaignId:date`, so a re-read day updates its record rather than adding one.
 */
export const campaignMetrics = defineStream<GoogleSettings, CampaignMetricsRecord>({
  name: 'campaignMetrics',
  title: 'Campaign spend by day',
  description:
    'Cost (micros and units), clicks, impressions, conversions and conversion value per campaign and day (Google Ads API GAQL).',
  recordSchema: CampaignMetricsRecord,
  identity: ['key'],
  modifiedField: 'date',
  checkpointProblem(checkpoint: Json) {
    const through = (checkpoint as { through?: unknown } | null)?.through;
    return typeof through === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(through)
      ? undefined
      : 'the checkpoint is not { through: "YYYY-MM-DD" }';
  },
  async *read({ connection, checkpoint }) {
    const client = clientFor(connection);
    const { startDate, lookBackDays } = connection.settings;
    const today = day(Date.now());
    const through = (checkpoint as { through?: string } | null)?.through;
    let from =
      through !== undefined
        ? day(dayMs(through) + (1 - (lookBackDays ?? DEFAULT_LOOK_BACK_DAYS)) * DAY_MS)
        : (startDate ?? day(Date.now() - DEFAULT_FIRST_DAYS * DAY_MS));
    while (from <= today) {
      const to = day(Math.min(dayMs(from) + (DAYS_PER_PAGE - 1) * DAY_MS, dayMs(today)));
      const rows = await client.searchStream<CampaignRow>(campaignQuery(from, to));
      yield { records: rows.map(toRecord), checkpoint: { through: to } };
      from = day(dayMs(to) + DAY_MS);
    }
  },
});
