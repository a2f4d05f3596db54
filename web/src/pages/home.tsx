import { unwrap, type Api, type FlowDetail, type Run } from '../api/client';
import { AdSpend } from '../components/ad-spend';
import { MovedChart } from '../components/moved-chart';
import { RunReasons } from '../components/run-reasons';
import { Empty, Link, RunStatusBadge, Show, formatTime, useData } from '../components/ui';
import { COUNT_LABELS, countOf, failed, scheduleWords } from '../flow-words';
import { useSession } from '../session';
import { loadFlowDetails } from './flows';

interface FlowMoved {
  flow: FlowDetail;
  runs: Run[];
  channel: string;
}

interface Moved {
  flows: FlowMoved[];
  /** The installed ad connectors (category `ads`), by name: they add the ad metrics. */
  adConnectors: string[];
}

const CHANNELS: Record<string, string> = { crm: 'CRM', email: 'E-mail', ads: 'Ads', erp: 'ERP', other: 'Other' };

/** Where each flow delivers to, by the target connector's category (CRM, e-mail, ads, ERP). */
async function channels(api: Api): Promise<{ byConnection: Map<string, string>; adConnectors: string[] }> {
  const [connections, connectors] = await Promise.all([
    unwrap(api.GET('/api/v1/connections', { params: { query: { limit: 200 } } })),
    unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 200 } } })),
  ]);
  const category = new Map(connectors.items.map((c) => [c.id, c.category]));
  // flows name their connections by name or id: both lead to the category
  const byConnection = new Map(
    connections.items.flatMap((c) => {
      const of = category.get(c.connectorId) ?? 'other';
      return [[c.id, of] as const, [c.name, of] as const];
    }),
  );
  const adConnectors = connectors.items.filter((c) => c.category === 'ads').map((c) => c.displayName);
  return { byConnection, adConnectors };
}

async function load(api: Api): Promise<Moved> {
  const [flows, { byConnection, adConnectors }] = await Promise.all([loadFlowDetails(api), channels(api)]);
  const moved = await Promise.all(
    flows.map(async (flow) => {
      const runs = await unwrap(api.GET('/api/v1/runs', { params: { query: { flowId: flow.id, limit: 50 } } }));
      const category = byConnection.get(flow.targetConnectionId ?? flow.definition.target.connection);
      return { flow, runs: runs.items, channel: CHANNELS[category ?? 'other'] ?? category ?? 'Other' };
    }),
  );
  return { flows: moved, adConnectors };
}

function health(flow: FlowDetail): { words: string; tone: string } {
  const last = flow.status.recentRuns.find((r) => r.status !== 'queued' && r.status !== 'running');
  if (last === undefined) return { words: 'Not run yet', tone: 'idle' };
  if (last.status === 'succeeded')
    return flow.status.pendingDeadLetters > 0
      ? { words: 'Running, with records waiting in dead letters', tone: 'warn' }
      : { words: 'Healthy', tone: 'ok' };
  if (last.status === 'partial') return { words: 'Some records failed', tone: 'warn' };
  return { words: 'Last run failed', tone: 'bad' };
}

/** Home: what moved, per flow and channel, over the recent runs; each flow's last run, health and dead letters. */
export function HomePage() {
  const { api } = useSession();
  const loaded = useData(() => load(api), 'home');
  return (
    <section>
      <h1>What moved</h1>
      <Show loaded={loaded} what="what moved">
        {({ flows: items, adConnectors }) =>
          items.length === 0 ? (
            <>
              <Empty>
                Nothing has moved yet: no flows. Start from the <Link href="/templates">templates</Link>.
              </Empty>
              <AdMetrics flows={[]} adConnectors={adConnectors} />
            </>
          ) : (
            <>
              <p>
                {items.reduce((n, i) => n + i.flow.status.pendingDeadLetters, 0)} dead letters waiting across{' '}
                {items.length} flows. <Link href="/dead-letters">See them</Link>.
              </p>
              {items.map(({ flow, runs, channel }) => {
                const h = health(flow);
                const last = flow.status.recentRuns[0];
                const lastDone = flow.status.recentRuns.find((r) => r.status !== 'queued' && r.status !== 'running');
                return (
                  <article key={flow.id} class="card" data-flow={flow.name} aria-labelledby={`h-${flow.id}`}>
                    <header>
                      <h2 id={`h-${flow.id}`}>
                        <Link href={`/flows/${encodeURIComponent(flow.name)}`}>{flow.name}</Link>{' '}
                        <span class="muted">→ {channel}</span>
                      </h2>
                      <span class={`health health-${h.tone}`}>{h.words}</span>
                    </header>
                    <p class="muted">
                      {scheduleWords(flow)}. Last run:{' '}
                      {last ? (
                        <Link href={`/runs/${last.id}`}>
                          {formatTime(last.createdAt)} <RunStatusBadge status={last.status} />
                        </Link>
                      ) : (
                        'none yet'
                      )}
                      . Dead letters waiting:{' '}
                      <Link href={`/dead-letters?flow=${encodeURIComponent(flow.name)}`}>
                        {flow.status.pendingDeadLetters}
                      </Link>
                      .
                    </p>
                    <dl class="counts" aria-label={`Totals of ${flow.name}'s recent runs`}>
                      {COUNT_LABELS.filter((c) => c.key !== 'read' && c.key !== 'deadLettered').map(
                        ({ key, label }) => (
                          <div key={key} class={`count count-${key}`} data-count={key}>
                            <dt>{label}</dt>
                            <dd>{key === 'failed' ? failed(flow.status.totals) : countOf(flow.status.totals, key)}</dd>
                          </div>
                        ),
                      )}
                    </dl>
                    {lastDone && (
                      <RunReasons
                        runId={lastDone.id}
                        held={lastDone.counts.held ?? 0}
                        failed={lastDone.counts.failed}
                      />
                    )}
                    <MovedChart runs={runs} title={flow.name} />
                  </article>
                );
              })}
              <AdMetrics flows={items.filter((i) => i.channel === CHANNELS.ads)} adConnectors={adConnectors} />
            </>
          )
        }
      </Show>
    </section>
  );
}

/**
 * Ads: conversions sent and accepted per ad flow (from the runs of the flows that deliver to an ad connection), and
 * spend, conversions, conversion value, ROAS and match rate per ad channel as the platforms report them (AdSpend:
 * Google's Customer Match rate; Meta reports none, and the table says so). With no ad flow yet, it says which
 * connector adds the conversions.
 */
function AdMetrics({ flows, adConnectors }: { flows: FlowMoved[]; adConnectors: string[] }) {
  return (
    <article class="card" aria-labelledby="ads-h" data-section="ads">
      <h2 id="ads-h">Ads: conversions, match rates, spend and ROAS</h2>
      {flows.length === 0 ? (
        <Empty>
          No flow sends conversions to an ad channel yet.{' '}
          {adConnectors.length > 0
            ? `Add a connection of ${adConnectors.join(' or ')} and a flow to it: conversions sent and accepted per channel then show here.`
            : 'The Google Ads and Meta connectors add conversions sent and accepted, match rates, spend and ROAS per channel here once they are installed.'}
        </Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Conversions per ad flow over its recent runs</caption>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Conversions sent</th>
                <th scope="col">Accepted</th>
              </tr>
            </thead>
            <tbody>
              {flows.map(({ flow }) => {
                const t = flow.status.totals;
                const accepted = t.created + t.updated;
                return (
                  <tr key={flow.id} data-ad-flow={flow.name}>
                    <th scope="row">
                      <Link href={`/flows/${encodeURIComponent(flow.name)}`}>{flow.name}</Link>
                    </th>
                    <td>{accepted + t.failed}</td>
                    <td>{accepted}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {adConnectors.length > 0 && <AdSpend />}
    </article>
  );
}
