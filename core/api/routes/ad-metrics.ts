import { Type, type Static } from '@sinclair/typebox';
import type { Registry } from '../../registry';
import type { ConnectionContext, ConnectorDefinition, StreamDefinition } from '../../sdk/define';
import { toErrorInfo } from '../../sdk/errors';
import { outboundHttp } from '../../sdk/http';
import { ensureFreshToken } from '../../sdk/oauth';
import { redactVendorText } from '../../security/redact';
import { secretPaths, secretValues } from '../../security/secrets';
import type { HubLogger } from '../../logging/logger';
import type { Connection, Repos } from '../../store/repos';
import { defineRoute } from '../route';

/**
 * Spend, results and ROAS per ad connection, for the console's home: the connection's spend stream read through
 * the connector for the last `days` days, as the workbench's sample reads a stream (settings decrypted, an OAuth2
 * token refreshed when due, every request through the outbound door, a time limit, the connection's secrets
 * scrubbed from errors), but every page (at most MAX_PAGES) and from the window's first day. Nothing is recorded:
 * no checkpoint, no run.
 *
 * Which stream holds spend, and under which field names, is the small table SPEND_STREAMS below (by connector id):
 * the two ad connectors name their fields differently (Google `cost`/`conversionsValue`, Meta `spend`/`currency`)
 * and start a first read from a different setting (`startDate`, `insightsSince`), so a table says it plainly where
 * a convention would need both connectors changed. A field a stream does not have is reported as null, never as 0
 * (Meta's conversions are the purchases of its insights' `actions`; Google's rows carry no currency).
 *
 * Match rates come from a second, one-request stream where a connector has one (MATCH_RATE_STREAMS): Google's
 * `audienceStatus` reads the connection's Customer Match list (`userListId`) with the Data Manager API's userLists.get
 * and gives `contactIdInfo.matchRatePercentage`. Meta has none to read: its custom audience uploads answer counts
 * (`num_received`, `num_invalid_entries`) and the audience an approximate size, and the Conversions API answers
 * `events_received`; none is a match rate, so Meta's `matchRate` stays in `notReported` (as does Google's without a
 * userListId, or while Google has not matched the list yet).
 */

export const MAX_AD_DAYS = 90;
/** Pages read per connection at most; a longer read is cut there and marked `truncated`. */
export const MAX_PAGES = 50;
/** The whole read of one connection, all pages. */
const READ_LIMIT_MS = 60_000;
const DAY_MS = 86_400_000;

interface SpendStream {
  stream: string;
  /** The connection's settings with the window's first day as the start of a first read. */
  startingAt(settings: Record<string, unknown>, since: string): Record<string, unknown>;
  fields: {
    date: string;
    spend: string;
    clicks: string;
    impressions: string;
    conversions?: string;
    conversionValue?: string;
    currency?: string;
  };
}

export const SPEND_STREAMS: Readonly<Record<string, SpendStream>> = {
  google: {
    stream: 'campaignMetrics',
    startingAt: (settings, since) => ({ ...settings, startDate: since }),
    fields: {
      date: 'date',
      spend: 'cost',
      clicks: 'clicks',
      impressions: 'impressions',
      conversions: 'conversions',
      conversionValue: 'conversionsValue',
    },
  },
  meta: {
    stream: 'insights',
    startingAt: (settings, since) => ({ ...settings, insightsSince: since }),
    fields: {
      date: 'date',
      spend: 'spend',
      clicks: 'clicks',
      impressions: 'impressions',
      currency: 'currency',
      conversions: 'purchases',
      conversionValue: 'purchase_value',
    },
  },
};

interface MatchRateStream {
  stream: string;
  /** The record field holding the match rate in percent. */
  field: string;
  /** The setting without which the connection has no list to read. */
  needs: string;
}

/** Where a connector reports a match rate (by connector id); a connector not listed reports none (Meta: see above). */
export const MATCH_RATE_STREAMS: Readonly<Record<string, MatchRateStream>> = {
  google: { stream: 'audienceStatus', field: 'matchRatePercentage', needs: 'userListId' },
};

const Nullable = <T extends ReturnType<typeof Type.Number>>(schema: T) => Type.Union([schema, Type.Null()]);
const Amount = (description: string) => Nullable(Type.Number({ description }));

const AdDay = Type.Object(
  {
    date: Type.String({ description: 'YYYY-MM-DD (UTC)' }),
    spend: Type.Number(),
    clicks: Type.Number(),
    impressions: Type.Number(),
    conversions: Amount('null when the stream does not report conversions'),
    conversionValue: Amount('null when the stream does not report conversion value'),
  },
  { title: 'AdDay' },
);

const AdChannel = Type.Object(
  {
    connectionId: Type.String(),
    connectionName: Type.String(),
    connectorId: Type.String(),
    channel: Type.String({ description: "The connector's display name" }),
    stream: Type.String({ description: 'The stream read for spend' }),
    currency: Type.Union([Type.String(), Type.Null()], {
      description: "ISO 4217 code of the account's currency, null when the stream does not name it",
    }),
    spend: Amount("Spend over the window in the account's currency (null when the read failed)"),
    clicks: Amount('Clicks over the window'),
    impressions: Amount('Impressions over the window'),
    conversions: Amount('Conversions the vendor attributes (null when not reported)'),
    conversionValue: Amount('Conversion value the vendor attributes (null when not reported)'),
    roas: Amount('Conversion value / spend; null when spend is 0 or the value is not reported'),
    matchRate: Amount(
      "Percent of the audience list's uploaded contacts the vendor matched to its users (Google Customer Match); null when not reported",
    ),
    matchRateError: Type.Union([Type.String(), Type.Null()], {
      description: 'Why reading the match rate failed and what to do (the other figures still stand)',
    }),
    days: Type.Array(AdDay, { description: 'One entry per day with data, oldest first' }),
    notReported: Type.Array(Type.String(), { description: 'Figures this stream does not report' }),
    truncated: Type.Boolean({ description: `More than ${MAX_PAGES} pages: the figures cover the first ones only` }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'Why the read failed and what to do' }),
  },
  { title: 'AdChannelMetrics' },
);
type AdChannel = Static<typeof AdChannel>;

const AdMetrics = Type.Object(
  {
    days: Type.Integer(),
    since: Type.String({ description: 'First day of the window (UTC)' }),
    until: Type.String({ description: 'Last day of the window (today, UTC)' }),
    channels: Type.Array(AdChannel),
  },
  { title: 'AdMetrics' },
);

const AdMetricsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_AD_DAYS, default: 30, description: 'Days up to today' }),
    ),
  },
  { additionalProperties: false },
);

interface Deps {
  repos: Repos;
  registry: Pick<Registry, 'has' | 'get'>;
  logger: HubLogger;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** Sums of money and counts without float noise (Google's micros divided). */
const round = (n: number, places = 6) => Math.round(n * 10 ** places) / 10 ** places;
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0)) || 0;

function fixFor(kind: string): string {
  switch (kind) {
    case 'auth':
      return "check the connection's credentials on the Connections page (Test) and update them";
    case 'config':
      return "correct the connection's settings on the Connections page";
    case 'rate_limited':
    case 'retryable':
      return 'the vendor or the network failed for now: try again in a moment';
    default:
      return 'the vendor refused the read: check the connection on the Connections page';
  }
}

type Row = Record<string, unknown>;

function summarise(base: AdChannel, spec: SpendStream, rows: Row[]): AdChannel {
  const f = spec.fields;
  const byDay = new Map<string, Static<typeof AdDay>>();
  let currency: string | null = null;
  for (const row of rows) {
    const date = String(row[f.date] ?? '');
    if (date === '') continue;
    if (f.currency !== undefined && typeof row[f.currency] === 'string') currency = row[f.currency] as string;
    const d = byDay.get(date) ?? {
      date,
      spend: 0,
      clicks: 0,
      impressions: 0,
      conversions: f.conversions === undefined ? null : 0,
      conversionValue: f.conversionValue === undefined ? null : 0,
    };
    d.spend += num(row[f.spend]);
    d.clicks += num(row[f.clicks]);
    d.impressions += num(row[f.impressions]);
    if (f.conversions !== undefined) d.conversions = (d.conversions ?? 0) + num(row[f.conversions]);
    if (f.conversionValue !== undefined) d.conversionValue = (d.conversionValue ?? 0) + num(row[f.conversionValue]);
    byDay.set(date, d);
  }
  const days = [...byDay.values()]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => ({
      ...d,
      spend: round(d.spend),
      conversions: d.conversions === null ? null : round(d.conversions),
      conversionValue: d.conversionValue === null ? null : round(d.conversionValue),
    }));
  const total = (pick: (d: Static<typeof AdDay>) => number | null) =>
    days.some((d) => pick(d) === null) ? null : round(days.reduce((n, d) => n + (pick(d) ?? 0), 0));
  const spend = total((d) => d.spend) ?? 0;
  const conversions = f.conversions === undefined ? null : (total((d) => d.conversions) ?? 0);
  const conversionValue = f.conversionValue === undefined ? null : (total((d) => d.conversionValue) ?? 0);
  return {
    ...base,
    currency,
    spend,
    clicks: total((d) => d.clicks) ?? 0,
    impressions: total((d) => d.impressions) ?? 0,
    conversions,
    conversionValue,
    roas: conversionValue === null || spend === 0 ? null : round(conversionValue / spend, 4),
    days,
  };
}

/**
 * The connection's match rate from its connector's match-rate stream (MATCH_RATE_STREAMS): one short read, the first
 * record's field. None listed, the setting unset, or no number in the record: null. A failed read leaves the spend
 * figures standing and says why in `matchRateError`.
 */
async function readMatchRate(
  connector: ConnectorDefinition<Record<string, unknown>>,
  context: ConnectionContext<Record<string, unknown>>,
  own: string[],
): Promise<{ matchRate: number | null; matchRateError: string | null }> {
  const spec = MATCH_RATE_STREAMS[connector.id];
  const none = { matchRate: null, matchRateError: null };
  if (spec === undefined) return none;
  const setting = context.settings[spec.needs];
  if (setting === undefined || setting === null || setting === '') return none;
  const stream = connector.streams.find((s) => s.name === spec.stream) as
    StreamDefinition<Record<string, unknown>, object> | undefined;
  if (stream === undefined) return none;
  const iterator = stream.read({ connection: context, checkpoint: null })[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    const record = first.done === true ? undefined : (first.value.records[0] as Row | undefined);
    const value = record?.[spec.field];
    return { matchRate: typeof value === 'number' && Number.isFinite(value) ? value : null, matchRateError: null };
  } catch (error) {
    const info = toErrorInfo(error);
    return {
      matchRate: null,
      matchRateError: `reading ${spec.stream} from ${context.name} failed: ${redactVendorText(info.message, own)}; ${fixFor(info.kind)}`,
    };
  } finally {
    await iterator.return?.().catch(() => undefined);
  }
}

async function readChannel(deps: Deps, listed: Connection, since: string): Promise<AdChannel> {
  const spec = SPEND_STREAMS[listed.connectorId]!;
  const notReported = [
    ...(spec.fields.conversions === undefined ? ['conversions'] : []),
    ...(spec.fields.conversionValue === undefined ? ['conversionValue', 'roas'] : []),
    ...(spec.fields.currency === undefined ? ['currency'] : []),
    'matchRate',
  ];
  const base: AdChannel = {
    connectionId: listed.id,
    connectionName: listed.name,
    connectorId: listed.connectorId,
    channel: listed.connectorId,
    stream: spec.stream,
    currency: null,
    spend: null,
    clicks: null,
    impressions: null,
    conversions: null,
    conversionValue: null,
    roas: null,
    matchRate: null,
    matchRateError: null,
    days: [],
    notReported,
    truncated: false,
    error: null,
  };
  if (!deps.registry.has(listed.connectorId))
    return { ...base, error: `connector ${listed.connectorId} is not installed: install it to see this spend` };
  const connector = deps.registry.get(listed.connectorId) as ConnectorDefinition<Record<string, unknown>>;
  base.channel = connector.displayName;
  const stream = connector.streams.find((s) => s.name === spec.stream) as
    StreamDefinition<Record<string, unknown>, object> | undefined;
  if (stream === undefined)
    return { ...base, error: `connector ${connector.id} has no stream ${spec.stream}: update the connector` };
  let own: string[] = [];
  let iterator: AsyncIterator<{ records: object[] }> | undefined;
  try {
    const connection = await deps.repos.connections.require(listed.id, { decrypt: true });
    own = secretValues(connection.settings, secretPaths(connector.settingsSchema));
    const http = outboundHttp({ connector: connector.id, timeoutMs: connector.policy.timeoutMs });
    const signal = AbortSignal.timeout(READ_LIMIT_MS);
    const settings = await ensureFreshToken({ store: deps.repos.connections, connector, connection, http, signal });
    const pages = stream.read({
      connection: {
        id: connection.id,
        name: connection.name,
        settings: spec.startingAt(settings, since),
        log: deps.logger.child({ module: 'ad-metrics', connectionId: connection.id, connector: connector.id }),
        http,
        signal,
      },
      checkpoint: null,
    });
    iterator = pages[Symbol.asyncIterator]();
    const rows: Row[] = [];
    let truncated = false;
    for (let page = 0; ; page++) {
      if (page === MAX_PAGES) {
        truncated = true;
        break;
      }
      const next = await iterator.next();
      if (next.done) break;
      if (Array.isArray(next.value?.records)) rows.push(...(next.value.records as Row[]));
    }
    const context = {
      id: connection.id,
      name: connection.name,
      settings,
      log: deps.logger.child({ module: 'ad-metrics', connectionId: connection.id, connector: connector.id }),
      http,
      signal,
    };
    const match = await readMatchRate(connector, context, own);
    // restated days come again under the same date: only the window's days count
    return {
      ...summarise(
        base,
        spec,
        rows.filter((r) => String(r[spec.fields.date] ?? '') >= since),
      ),
      ...match,
      notReported: match.matchRate === null ? notReported : notReported.filter((f) => f !== 'matchRate'),
      truncated,
    };
  } catch (error) {
    const info = toErrorInfo(error);
    return {
      ...base,
      error: `reading ${spec.stream} from ${listed.name} failed: ${redactVendorText(info.message, own)}; ${fixFor(info.kind)}`,
    };
  } finally {
    await iterator?.return?.().catch(() => undefined);
  }
}

export async function adMetrics(deps: Deps, days: number, now = Date.now()): Promise<Static<typeof AdMetrics>> {
  const since = day(now - (days - 1) * DAY_MS);
  const connections = (await deps.repos.connections.list()).filter((c) => SPEND_STREAMS[c.connectorId] !== undefined);
  const channels = await Promise.all(connections.map((c) => readChannel(deps, c, since)));
  return { days, since, until: day(now), channels };
}

export const adMetricsRoutes = [
  defineRoute({
    method: 'get',
    path: '/ad-metrics',
    operationId: 'getAdMetrics',
    tag: 'runs',
    permission: 'runs:read',
    summary: 'Spend, clicks, conversions and ROAS per ad connection over the last days (read live from the vendor)',
    description:
      "Reads each ad connection's spend stream (google: campaignMetrics, meta: insights) through its connector for " +
      `the last \`days\` days (at most ${MAX_AD_DAYS}; at most ${MAX_PAGES} pages each) and sums it per connection ` +
      "and per day, and, for google connections with a userListId, the Customer Match list's match rate " +
      '(audienceStatus). Nothing is recorded. A connection whose read fails has its `error` (what to do) and null ' +
      'figures; the answer is still 200. Figures a stream does not report are null and listed in `notReported`.',
    query: AdMetricsQuery,
    response: { status: 200, description: 'Spend and results per ad connection', schema: AdMetrics },
    handler: async ({ deps, query }) =>
      adMetrics({ repos: deps.repos, registry: deps.registry, logger: deps.logger }, query.days ?? 30),
  }),
];
