import { useEffect } from 'preact/hooks';
import { unwrap, type DeadLetter, type RunDetail } from '../api/client';
import { Counts } from '../components/counts';
import {
  Empty,
  ErrorMessage,
  Link,
  Loading,
  RunStatusBadge,
  formatDuration,
  formatTime,
  useData,
} from '../components/ui';
import { recordName } from '../record-name';
import { useSession } from '../session';

const LIVE = new Set(['queued', 'running']);
const POLL_MS = 1000;
const TRIGGER_WORDS: Record<string, string> = {
  manual: 'Started by hand',
  schedule: 'Started by its schedule',
  webhook: 'Started by a webhook event',
  replay: 'A replay of dead letters',
};

/**
 * One run: status, counts (updated live while it runs), and the records it could not deliver with the reason:
 * the run's failures and the dead letters it set aside, each named by e-mail or name where the record has one.
 */
export function RunPage({ runId }: { runId: string }) {
  const { api } = useSession();
  const loaded = useData(async () => {
    const run = await unwrap(
      api.GET('/api/v1/runs/{runId}', { params: { path: { runId }, query: { failures: 200 } } }),
    );
    const letters = await unwrap(
      api.GET('/api/v1/dead-letters', { params: { query: { flowId: run.flowId, limit: 200 } } }),
    );
    return { run, letters: letters.items.filter((l) => l.runId === run.id) };
  }, `run:${runId}`);
  const running = loaded.data !== undefined && LIVE.has(loaded.data.run.status);
  useEffect(() => {
    if (!running || loaded.loading) return;
    const timer = setTimeout(loaded.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, loaded.loading, loaded.data]);

  if (loaded.data === undefined)
    return loaded.error !== undefined ? <ErrorMessage error={loaded.error} /> : <Loading what="the run" />;
  const { run, letters } = loaded.data;
  return (
    <section>
      <p class="crumbs">
        <Link href="/flows">Flows</Link> /{' '}
        <Link href={`/flows/${encodeURIComponent(run.flowName ?? run.flowId)}`}>{run.flowName ?? run.flowId}</Link> /
      </p>
      <h1>
        Run of {formatTime(run.createdAt)} <RunStatusBadge status={run.status} />
      </h1>
      <p aria-live="polite" data-testid="run-progress">
        {running
          ? progress(run)
          : `${TRIGGER_WORDS[run.trigger] ?? run.trigger}; took ${formatDuration(run.startedAt, run.finishedAt)}.`}
      </p>
      {run.error && <p class="state error">{run.error.message}</p>}
      <Counts counts={run.counts} label="Counts of this run" />
      <h2>Records that did not get through</h2>
      <RecordOutcomes run={run} letters={letters} />
    </section>
  );
}

function progress(run: RunDetail): string {
  if (run.status === 'queued') return 'Waiting for a worker…';
  const seconds = run.startedAt === undefined ? 0 : (Date.now() - run.startedAt) / 1000;
  const rate = seconds > 0 ? ` (${Math.round(run.counts.read / seconds)} records/s)` : '';
  return `Running: ${run.counts.read} records read so far${rate}.`;
}

function RecordOutcomes({ run, letters }: { run: RunDetail; letters: DeadLetter[] }) {
  const byKey = new Map(letters.map((l) => [l.recordKey, l]));
  const rows = [
    ...letters.map((l) => ({
      key: l.recordKey,
      name: recordName(l.source, l.recordKey),
      reason: l.reason,
      field: l.field,
      outcome: `dead letter (${l.status})`,
    })),
    ...run.failures
      .filter((f) => !byKey.has(f.recordKey))
      .map((f) => ({ key: f.recordKey, name: f.recordKey, reason: f.reason, field: f.field, outcome: 'failed' })),
  ];
  if (rows.length === 0) return <Empty>Every record this run read got through.</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">Records that failed in this run</caption>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-record={row.key}>
              <th scope="row" title={row.key}>
                {row.name}
              </th>
              <td>{row.outcome}</td>
              <td>
                {row.reason}
                {row.field && <span class="muted"> (field {row.field})</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.moreFailures && <p class="muted">More records failed than are shown here.</p>}
    </div>
  );
}
