import { unwrap } from '../api/client';
import { useSession } from '../session';
import { useData } from './ui';

/** How many of a run's held and failed records are read to sum up their reasons (one page each). */
const READ = 200;
const SHOWN = 3;

interface Reason {
  outcome: 'held' | 'failed';
  reason: string;
  count: number;
}

/** The commonest reasons, per outcome, among the records read. */
export function topReasons(items: { outcome: string; reason?: string }[]): Reason[] {
  const counts = new Map<string, Reason>();
  for (const item of items) {
    if (item.outcome !== 'held' && item.outcome !== 'failed') continue;
    const reason = item.reason ?? 'no reason given';
    const key = `${item.outcome}\u0000${reason}`;
    const known = counts.get(key);
    if (known) known.count++;
    else counts.set(key, { outcome: item.outcome, reason, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count).slice(0, SHOWN);
}

/**
 * Why a run held records back or failed them, in the vendor's and the mapping's words: the commonest reasons of
 * the run's held and failed records (home page, under each flow's counts). Nothing when all went through.
 */
export function RunReasons({ runId, held, failed }: { runId: string; held: number; failed: number }) {
  const { api } = useSession();
  const loaded = useData(async () => {
    const read = (outcome: 'held' | 'failed') =>
      unwrap(
        api.GET('/api/v1/runs/{runId}/records', {
          params: { path: { runId }, query: { outcome, limit: READ } },
        }),
      ).then((page) => page.items);
    const [h, f] = await Promise.all([held > 0 ? read('held') : [], failed > 0 ? read('failed') : []]);
    return topReasons([...f, ...h]);
  }, `reasons:${runId}:${held}:${failed}`);
  if (held === 0 && failed === 0) return null;
  const reasons = loaded.data ?? [];
  if (reasons.length === 0) return null; // loading, or the reasons could not be read: the counts stand alone
  return (
    <ul class="reasons" aria-label="Why records were held or failed in the last run" data-testid="reasons">
      {reasons.map((r) => (
        <li key={`${r.outcome}:${r.reason}`} data-reason={r.outcome}>
          <span class={r.outcome === 'failed' ? 'badge status-failed' : 'badge'}>
            {r.outcome === 'failed' ? 'Failed' : 'Held'}
          </span>{' '}
          {r.reason} <span class="muted">({r.count})</span>
        </li>
      ))}
    </ul>
  );
}
