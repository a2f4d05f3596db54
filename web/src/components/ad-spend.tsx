import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { unwrap, type AdChannel, type AdMetrics, type Api } from '../api/client';
import { useSession } from '../session';
import { Empty, ErrorMessage, Show, useData } from './ui';

/**
 * Spend, conversions, conversion value, ROAS and match rate per ad connection over the last days (GET /ad-metrics, read live
 * from the vendors), with a uPlot chart of daily spend per channel and the same numbers in a table. A channel whose
 * read failed shows its own message; a figure the vendor's stream does not report says so instead of showing 0.
 */

export const AD_DAYS = 30;
const COLOURS = ['#1f5fbf', '#c05a00', '#1b7f3b', '#7a4fb0', '#c0392b'];
const number2 = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function money(value: number, currency: string | null): string {
  return currency === null ? number2.format(value) : `${currency} ${number2.format(value)}`;
}

const NOT_REPORTED = <span class="muted">not reported</span>;
const percent = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** Why a channel has no match rate, for the cell's title: Meta's API has none, Google's needs a Customer Match list. */
function noMatchRateReason(c: AdChannel): string {
  if (c.matchRateError !== null) return c.matchRateError;
  if (c.connectorId === 'meta')
    return "Meta's API reports no match rate for custom audiences or Conversions API events.";
  if (c.connectorId === 'google')
    return 'Set userListId (the Customer Match list) on this connection; Google reports a rate once it has matched the list.';
  return 'This connector reports no match rate.';
}

function MatchRate({ c }: { c: AdChannel }) {
  if (c.matchRate !== null) return <>{percent.format(c.matchRate)}%</>;
  const reason = noMatchRateReason(c);
  return (
    <span class="muted" title={reason}>
      not reported<span class="sr-only"> ({reason})</span>
    </span>
  );
}

function SpendChart({ channels }: { channels: AdChannel[] }) {
  const box = useRef<HTMLDivElement>(null);
  const dates = [...new Set(channels.flatMap((c) => c.days.map((d) => d.date)))].sort();
  useEffect(() => {
    const el = box.current;
    if (el === null || dates.length === 0) return;
    const data: uPlot.AlignedData = [
      dates.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000),
      ...channels.map((c) => {
        const byDate = new Map(c.days.map((d) => [d.date, d.spend]));
        return dates.map((d) => byDate.get(d) ?? null);
      }),
    ];
    const first = data[0][0] ?? 0;
    const last = data[0][data[0].length - 1] ?? first;
    const pad = first === last ? 43_200 : 0;
    const plot = new uPlot(
      {
        width: Math.max(280, Math.min(el.clientWidth || 600, 720)),
        height: 180,
        series: [
          {},
          ...channels.map((c, i) => ({
            label: `${c.connectionName}${c.currency === null ? '' : ` (${c.currency})`}`,
            stroke: COLOURS[i % COLOURS.length],
            width: 2,
            points: { show: true },
          })),
        ],
        axes: [{}, { size: 60 }],
        // one day alone: half a day either side, not uPlot's default span of years
        scales: { x: { time: true, range: () => [first - pad, last + pad] } },
      },
      data,
      el,
    );
    return () => plot.destroy();
  }, [channels.map((c) => `${c.connectionId}:${c.days.length}:${c.spend ?? ''}`).join(',')]);
  if (dates.length === 0) return null;
  return (
    <figure class="chart">
      <div ref={box} role="img" aria-label={`Daily spend per ad channel, last ${AD_DAYS} days`} />
      <details>
        <summary>Daily spend, the numbers</summary>
        <table>
          <caption class="sr-only">Daily spend per ad channel</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {channels.map((c) => (
                <th key={c.connectionId} scope="col">
                  {c.connectionName}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dates.map((date) => (
              <tr key={date}>
                <th scope="row">{date}</th>
                {channels.map((c) => {
                  const spend = c.days.find((d) => d.date === date)?.spend;
                  return <td key={c.connectionId}>{spend === undefined ? '—' : money(spend, c.currency)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function ChannelRow({ c }: { c: AdChannel }) {
  const name = (
    <th scope="row">
      {c.connectionName} <span class="muted">({c.channel})</span>
    </th>
  );
  if (c.error !== null)
    return (
      <tr data-ad-channel={c.connectionName}>
        {name}
        <td colSpan={5}>
          <ErrorMessage error={c.error} />
        </td>
      </tr>
    );
  return (
    <tr data-ad-channel={c.connectionName}>
      {name}
      <td data-metric="spend">{c.spend === null ? NOT_REPORTED : money(c.spend, c.currency)}</td>
      <td data-metric="conversions">{c.conversions === null ? NOT_REPORTED : count.format(c.conversions)}</td>
      <td data-metric="conversionValue">
        {c.conversionValue === null ? NOT_REPORTED : money(c.conversionValue, c.currency)}
      </td>
      <td data-metric="roas">
        {c.roas !== null
          ? number2.format(c.roas)
          : c.conversionValue === null
            ? NOT_REPORTED
            : // spend 0: no ratio
              '—'}
      </td>
      <td data-metric="matchRate">
        <MatchRate c={c} />
      </td>
    </tr>
  );
}

async function load(api: Api): Promise<AdMetrics> {
  return unwrap(api.GET('/api/v1/ad-metrics', { params: { query: { days: AD_DAYS } } }));
}

/** Spend and ROAS per ad channel over the last AD_DAYS days, loaded apart so a slow vendor holds up nothing else. */
export function AdSpend() {
  const { api } = useSession();
  const loaded = useData(() => load(api), 'ad-metrics');
  return (
    <section aria-labelledby="ad-spend-h" data-section="ad-spend">
      <h3 id="ad-spend-h">Spend and ROAS, last {AD_DAYS} days</h3>
      <Show loaded={loaded} what="spend from the ad platforms">
        {({ channels }) =>
          channels.length === 0 ? (
            <Empty>
              No ad connection yet: add a Google Ads or Meta connection on the Connections page to see spend and ROAS
              here.
            </Empty>
          ) : (
            <>
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Spend and results per ad channel, last {AD_DAYS} days</caption>
                  <thead>
                    <tr>
                      <th scope="col">Channel</th>
                      <th scope="col">Spend</th>
                      <th scope="col">Conversions</th>
                      <th scope="col">Conversion value</th>
                      <th scope="col">ROAS</th>
                      <th scope="col">Match rate</th>
                    </tr>
                  </thead>
                  <tbody>
                    {channels.map((c) => (
                      <ChannelRow key={c.connectionId} c={c} />
                    ))}
                  </tbody>
                </table>
              </div>
              <p class="muted">
                As the ad platforms report them, in each account's currency. ROAS is conversion value divided by spend.
                Match rate is the share of an uploaded Customer Match list Google matched to its users.
              </p>
              <SpendChart channels={channels.filter((c) => c.error === null)} />
            </>
          )
        }
      </Show>
    </section>
  );
}
