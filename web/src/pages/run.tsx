import { useEffect, useState } from 'preact/hooks';
import { unwrap, type DeadLetter, type RunDetail } from '../api/client';
import type { operations } from '../api/openapi';
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
import { useSession } from '../session';

const LIVE = new Set(['queued', 'running']);
const POLL_MS = 1000;
const TRIGGER_WORDS: Record<string, string> = {
  manual: 'Started by hand',
  schedule: 'Started by its schedule',
  webhook: 'Started by a webhook event',
  replay: 'A replay of dead letters',
};

type RunRecordPage = operations['listRunRecords']['responses'][200]['content']['application/json'];
type Outcome = 'created' | 'updated' | 'held' | 'failed' | 'review';

const OUTCOME_WORDS: Record<Outcome, string> = {
  created: 'Created',
  updated: 'Updated',
  held: 'Held',
  failed: 'Failed',
  review: 'Manual review',
};

/**
 * One run: status, counts (updated live while it runs: the page polls the run every second; the hub has no event
 * stream for runs), and the records it created, updated, held back and failed, each named by e-mail or name, with
 * the reason for held and failed ones (and the dead letter a failed one waits in).
 */
export function RunPage({ runId }: { runId: string }) {
  const { api } = useSession();
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const loaded = useData(
    async () => {
      const [run, records, letters] = await Promise.all([
        unwrap(api.GET('/api/v1/runs/{runId}', { params: { path: { runId }, query: { failures: 200 } } })),
        unwrap(
          api.GET('/api/v1/runs/{runId}/records', {
            params: { path: { runId }, query: { limit: 200, ...(outcome === undefined ? {} : { outcome }) } },
          }),
        ),
        unwrap(api.GET('/api/v1/dead-letters', { params: { query: { runId, limit: 200 } } })),
      ]);
      return { run, records, letters: letters.items };
    },
    `run:${runId}:${outcome ?? ''}`,
  );
  const running = loaded.data !== undefined && LIVE.has(loaded.data.run.status);
  useEffect(() => {
    if (!running || loaded.loading) return;
    const timer = setTimeout(loaded.reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [running, loaded.loading, loaded.data]);

  if (loaded.data === undefined)
    return loaded.error !== undefined ? <ErrorMessage error={loaded.error} /> : <Loading what="the run" />;
  const { run, records, letters } = loaded.data;
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
      <h2>Records of this run</h2>
      <div class="tabs" role="group" aria-label="Show records">
        {([undefined, 'created', 'updated', 'held', 'failed', 'review'] as const).map((o) => (
          <button key={o ?? 'all'} type="button" aria-pressed={outcome === o} onClick={() => setOutcome(o)}>
            {o === undefined
              ? `All (${Object.values(records.totals).reduce((a, b) => a + b, 0)})`
              : `${OUTCOME_WORDS[o]} (${records.totals[o]})`}
          </button>
        ))}
      </div>
      <RecordList run={run} records={records} letters={letters} />
    </section>
  );
}

function progress(run: RunDetail): string {
  if (run.status === 'queued') return 'Waiting for a worker…';
  const seconds = run.startedAt === undefined ? 0 : (Date.now() - run.startedAt) / 1000;
  const rate = seconds > 0 ? ` (${Math.round(run.counts.read / seconds)} records/s)` : '';
  return `Running: ${run.counts.read} records read so far${rate}.`;
}

function RecordList({ run, records, letters }: { run: RunDetail; records: RunRecordPage; letters: DeadLetter[] }) {
  const byKey = new Map(letters.map((l) => [l.recordKey, l]));
  if (records.items.length === 0)
    return (
      <Empty>
        {LIVE.has(run.status)
          ? 'No records created, updated, held or failed yet.'
          : 'This run created, updated, held and failed nothing: every record it read was as it should be.'}
      </Empty>
    );
  const listed = records.items.length;
  const total = Object.values(records.totals).reduce((a, b) => a + b, 0);
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">Records of this run</caption>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Outcome</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {records.items.map((row) => {
            const letter = row.outcome === 'failed' ? byKey.get(row.recordKey) : undefined;
            return (
              <tr key={`${row.outcome}:${row.recordKey}`} data-record={row.recordKey} data-outcome={row.outcome}>
                <th scope="row" title={`Key ${row.recordKey}`}>
                  {row.label ?? row.recordKey}
                </th>
                <td>
                  {OUTCOME_WORDS[row.outcome]}
                  {letter && (
                    <>
                      {' '}
                      <Link href={`/dead-letters?flow=${encodeURIComponent(run.flowName ?? run.flowId)}`}>
                        (dead letter, {letter.status === 'pending' ? 'waiting' : letter.status})
                      </Link>
                    </>
                  )}
                </td>
                <td>
                  {row.reason ?? ''}
                  {row.field && <span class="muted"> (field {row.field})</span>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {listed < total && (
        <p class="muted">
          Showing {listed} of {total} records
          {total > listed && records.nextCursor === undefined
            ? ` (a run lists the first ${records.listedPerOutcome.toLocaleString()} of each outcome)`
            : ''}
          .
        </p>
      )}
    </div>
  );
}
