import type { FlowDetail } from '../api/client';
import { unwrap } from '../api/client';
import { Empty, Link, RunStatusBadge, Show, formatTime, useData } from '../components/ui';
import { failed, moved, scheduleWords } from '../flow-words';
import { useSession } from '../session';

/** Every flow with its status, schedule, last run, records moved and failures (over its recent runs). */
export function FlowsPage() {
  const { api } = useSession();
  const loaded = useData(async () => loadFlowDetails(api), 'flows');
  return (
    <section>
      <h1>Flows</h1>
      <Show loaded={loaded} what="flows">
        {(flows) =>
          flows.length === 0 ? (
            <Empty>
              No flows yet. Enable one from the <Link href="/templates">templates</Link>.
            </Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Flows</caption>
                <thead>
                  <tr>
                    <th scope="col">Flow</th>
                    <th scope="col">Status</th>
                    <th scope="col">Schedule</th>
                    <th scope="col">Last run</th>
                    <th scope="col">Records moved</th>
                    <th scope="col">Failures</th>
                  </tr>
                </thead>
                <tbody>
                  {flows.map((flow) => {
                    const last = flow.status.recentRuns[0];
                    return (
                      <tr key={flow.id} data-flow={flow.name}>
                        <th scope="row">
                          <Link href={`/flows/${encodeURIComponent(flow.name)}`}>{flow.name}</Link>
                        </th>
                        <td>{flow.enabled ? 'Enabled' : 'Disabled'}</td>
                        <td>{scheduleWords(flow)}</td>
                        <td>
                          {last ? (
                            <Link href={`/runs/${last.id}`}>
                              <RunStatusBadge status={last.status} /> {formatTime(last.createdAt)}
                            </Link>
                          ) : (
                            'not run yet'
                          )}
                        </td>
                        <td>{moved(flow.status.totals)}</td>
                        <td>
                          {failed(flow.status.totals)}
                          {flow.status.pendingDeadLetters > 0 &&
                            ` (${flow.status.pendingDeadLetters} dead letters waiting)`}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}

/** Every flow (up to 200) with its status; the list route has no status, so each flow is asked for it. */
export async function loadFlowDetails(api: ReturnType<typeof useSession>['api']): Promise<FlowDetail[]> {
  const page = await unwrap(api.GET('/api/v1/flows', { params: { query: { limit: 200 } } }));
  return Promise.all(
    page.items.map((flow) => unwrap(api.GET('/api/v1/flows/{flowId}', { params: { path: { flowId: flow.id } } }))),
  );
}
