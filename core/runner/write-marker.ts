import type { RunsRepo } from '../store/repos';

/**
 * The durable marker of non-idempotent writes in flight (`runs.write_in_flight`): for each record sent and not yet
 * recorded, what a person needs to decide whether it was applied. Read and changed only inside fenced transactions
 * of the run's owner (the fence's row update serialises them on PostgreSQL; SQLite runs them one at a time).
 */

export interface InFlightRecord {
  key: string;
  source?: unknown;
  payload?: unknown;
}

export interface WriteMarker {
  action: string;
  mappingVersion?: string;
  records: InFlightRecord[];
}

export function parseMarker(text: string | null): WriteMarker[] {
  if (text === null || text === '') return [];
  const parsed = JSON.parse(text) as unknown;
  return Array.isArray(parsed) ? (parsed as WriteMarker[]) : [];
}

/** Adds a batch about to be sent. */
export async function markWriteInFlight(runs: RunsRepo, runId: string, marker: WriteMarker): Promise<void> {
  const markers = parseMarker(await runs.writeInFlight(runId));
  markers.push(marker);
  await runs.setWriteInFlight(runId, JSON.stringify(markers));
}

/** Removes the records whose outcomes were recorded. */
export async function clearWriteInFlight(runs: RunsRepo, runId: string, keys: readonly string[]): Promise<void> {
  const done = new Set(keys);
  const markers = parseMarker(await runs.writeInFlight(runId))
    .map((m) => ({ ...m, records: m.records.filter((r) => !done.has(r.key)) }))
    .filter((m) => m.records.length > 0);
  await runs.setWriteInFlight(runId, markers.length === 0 ? null : JSON.stringify(markers));
}

/** Takes (and clears) every marker: the previous owner stopped with these writes unconfirmed. */
export async function takeWriteInFlight(runs: RunsRepo, runId: string): Promise<WriteMarker[]> {
  const markers = parseMarker(await runs.writeInFlight(runId));
  if (markers.length > 0) await runs.setWriteInFlight(runId, null);
  return markers;
}
