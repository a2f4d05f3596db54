import { unwrap, type Api, type FlowDetail, type Run } from '../api/client';
import { MovedChart } from '../components/moved-chart';
import { Empty, Link, RunStatusBadge, Show, formatTime, useData } from '../components/ui';
import { COUNT_LABELS, failed, scheduleWords } from '../flow-words';
import { useSession } from '../session';
import { loadFlowDetails } from './flows';

interface FlowMoved {
  flow: FlowDetail;
  runs: Run[];
  channel: string;
}

const CHANNELS: Record<string, string> = { crm: 'CRM', email: 'E-mail', ads: 'Ads', erp: 'ERP', other: 'Other' };

/** Where each flow delivers to, by the target connector's category (CRM, e-mail, ads, ERP). */
async function channels(api: Api): Promise<Map<string, string>> {
  const [connections, connectors] = await Promise.all([
    unwrap(api.GET('/api/v1/connections', { params: { query: { limit: 200 } } })),
    unwrap(api.GET('/api/v1/connectors', { params: { query: { limit: 200 } } })),
  ]);
  const category = new Map(connectors.items.map((c) => [c.id, c.category]));
  // flows name their connections by name or id: both lead to the category
  return new Map(
    connections.items.flatMap((c) => {
      const of = category.get(c.connectorId) ?? 'other';
      return [[c.id, of] as const, [c.name, of] as const];
    }),
  );
}

async function load(api: Api): Promise<FlowMoved[]> {
  const [flows, byConnection] = await Promise.all([loadFlowDetails(api), channels(api)]);
  return Promise.all(
    flows.map(async (flow) => {
      const runs = await unwrap(api.GET('/api/v1/runs', { params: { query: { flowId: flow.id, limit: 50 } } }));
      const category = byConnection.get(flow.targetConnectionId ?? flow.definition.target.connection);
      return { flow, runs: runs.items, channel: CHANNELS[category ?? 'other'] ?? category ?? 'Other' };
    }),
  );
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
        {(items) =>
          items.length === 0 ? (
            <Empty>
              Nothing has moved yet: no flows. Start from the <Link href="/templates">templates</Link>.
            </Empty>
          ) : (
            <>
              <p>
                {items.reduce((n, i) => n + i.flow.status.pendingDeadLetters, 0)} dead letters waiting across{' '}
                {items.length} flows. <Link href="/dead-letters">See them</Link>.
              </p>
              {items.map(({ flow, runs, channel }) => {
                const h = health(flow);
                const last = flow.status.recentRuns[0];
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
                            <dd>{key === 'failed' ? failed(flow.status.totals) : flow.status.totals[key]}</dd>
                          </div>
                        ),
                      )}
                    </dl>
                    <MovedChart runs={runs} title={flow.name} />
                  </article>
                );
              })}
            </>
          )
        }
      </Show>
    </section>
  );
}
