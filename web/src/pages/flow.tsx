import { unwrap } from '../api/client';
import { Counts } from '../components/counts';
import { ActionButton, Empty, Link, RunStatusBadge, Show, formatDuration, formatTime, useData } from '../components/ui';
import { moved, failed, scheduleWords } from '../flow-words';
import { navigate } from '../router';
import { useSession } from '../session';

/** One flow: what it does, its schedule, its run history, and (for roles that may) Run now, enable/disable, reset. */
export function FlowPage({ flowId }: { flowId: string }) {
  const { api, can } = useSession();
  const flow = useData(
    () => unwrap(api.GET('/api/v1/flows/{flowId}', { params: { path: { flowId } } })),
    `flow:${flowId}`,
  );
  const runs = useData(
    () => unwrap(api.GET('/api/v1/runs', { params: { query: { flowId, limit: 50 } } })),
    `runs:${flowId}`,
  );
  const reload = () => {
    flow.reload();
    runs.reload();
  };
  const path = { params: { path: { flowId } } };
  return (
    <section>
      <p class="crumbs">
        <Link href="/flows">Flows</Link> /
      </p>
      <Show loaded={flow} what="the flow">
        {(f) => (
          <>
            <h1>{f.name}</h1>
            {f.definition.description && <p>{f.definition.description}</p>}
            <dl class="facts">
              <div>
                <dt>Status</dt>
                <dd data-testid="flow-enabled">{f.enabled ? 'Enabled' : 'Disabled'}</dd>
              </div>
              <div>
                <dt>Schedule</dt>
                <dd>{scheduleWords(f)}</dd>
              </div>
              {f.status.nextRunAt !== undefined && (
                <div>
                  <dt>Next run</dt>
                  <dd>{formatTime(f.status.nextRunAt)}</dd>
                </div>
              )}
              <div>
                <dt>Moves</dt>
                <dd>
                  {f.definition.source.stream} of {f.definition.source.connection} → {f.definition.target.action} on{' '}
                  {f.definition.target.connection} (mapping {f.definition.mapping.id})
                </dd>
              </div>
              <div>
                <dt>Dead letters waiting</dt>
                <dd>
                  {f.status.pendingDeadLetters > 0 ? (
                    <Link href={`/dead-letters?flow=${encodeURIComponent(f.name)}`}>{f.status.pendingDeadLetters}</Link>
                  ) : (
                    0
                  )}
                </dd>
              </div>
            </dl>
            {can('flows:operate') && (
              <div class="toolbar" role="group" aria-label="Flow actions">
                <ActionButton
                  label="Run now"
                  class="primary"
                  action={async () => {
                    const started = await unwrap(api.POST('/api/v1/flows/{flowId}/run', path));
                    navigate(`/runs/${started.runId}`);
                  }}
                />
                {f.enabled ? (
                  <ActionButton
                    label="Disable"
                    action={async () => {
                      await unwrap(api.POST('/api/v1/flows/{flowId}/disable', path));
                      reload();
                      return 'Disabled: schedules and webhooks no longer start runs.';
                    }}
                  />
                ) : (
                  <ActionButton
                    label="Enable"
                    action={async () => {
                      await unwrap(api.POST('/api/v1/flows/{flowId}/enable', path));
                      reload();
                      return 'Enabled.';
                    }}
                  />
                )}
                <ActionButton
                  label="Reset and resync"
                  action={async () => {
                    if (
                      !confirm(
                        'The next run reads everything again (records already delivered are not written twice). Reset?',
                      )
                    )
                      return;
                    await unwrap(api.POST('/api/v1/flows/{flowId}/reset', { ...path, body: {} }));
                    reload();
                    return 'Reset: the next run reads everything again.';
                  }}
                />
              </div>
            )}
            <h2>Last {f.status.recentRuns.length} runs together</h2>
            <Counts counts={f.status.totals} label="Counts of the recent runs" />
          </>
        )}
      </Show>
      <h2>Run history</h2>
      <Show loaded={runs} what="runs">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>This flow has not run yet.</Empty>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="sr-only">Runs of this flow</caption>
                <thead>
                  <tr>
                    <th scope="col">Run</th>
                    <th scope="col">Status</th>
                    <th scope="col">Started by</th>
                    <th scope="col">Took</th>
                    <th scope="col">Moved</th>
                    <th scope="col">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((run) => (
                    <tr key={run.id}>
                      <th scope="row">
                        <Link href={`/runs/${run.id}`}>{formatTime(run.createdAt)}</Link>
                      </th>
                      <td>
                        <RunStatusBadge status={run.status} />
                      </td>
                      <td>{run.trigger}</td>
                      <td>{formatDuration(run.startedAt, run.finishedAt)}</td>
                      <td>{moved(run.counts)}</td>
                      <td>{failed(run.counts)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Show>
    </section>
  );
}
