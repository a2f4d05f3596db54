import { isHubError, type ConnectorLogger, type WriteOutcome } from '../../../core/sdk';
import type { GoogleClient, RetrieveRequestStatusResponse } from '../client';
import { fieldViolations, statusOf } from '../errors';

/**
 * The write loop every Data Manager action shares, built on how Google reports each record's fate:
 * 1. Rows the connector can tell are wrong (no identifier, bad time, denied consent) fail here and are never sent.
 * 2. Google validates a request "fast-fail" ([doc] devguides/concepts/understand-errors): one invalid row fails the
 *    whole request with 400 INVALID_ARGUMENT and a `google.rpc.BadRequest` naming the rows
 *    (`events[3].ad_identifiers.gclid`), and nothing of that request is processed. Those rows become permanent
 *    failures with Google's words; the others, never ingested, go again in the same write (once each, so a good
 *    row is sent to Google at most once per write and is never dead-lettered for a neighbour).
 * 3. An accepted request is processed asynchronously; `requestStatus:retrieve` tells SUCCESS, FAILED,
 *    PARTIAL_SUCCESS (with error counts per reason, not per row) or still PROCESSING. FAILED fails the rows with the
 *    reasons; PARTIAL_SUCCESS whose failures cover every row fails them all; otherwise Google does not say which rows
 *    failed, so they are written and the counts are logged (README, "What Google tells").
 */

export type IngestMethod = 'events:ingest' | 'audienceMembers:ingest' | 'audienceMembers:remove';

/** A record turned into the request item, or the reason it cannot be sent (field named). */
export type Built<I> = { item: I; targetId: string } | { problem: string; field?: string };

export interface IngestOptions<R, I> {
  client: GoogleClient;
  log: ConnectorLogger;
  method: IngestMethod;
  /** `events` or `audienceMembers`. */
  listKey: 'events' | 'audienceMembers';
  records: R[];
  build: (record: R) => Built<I>;
  /** The request's other fields (destinations, encoding, consent, termsOfService…). */
  request: Record<string, unknown>;
  /** Error reasons that mean "already there" (a repeated transaction id): the row is written, not failed. */
  alreadyDone?: string[];
}

const MAX_ROUNDS = 5;
const POLL_MS = [1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000, 8_000];

const failed = (reason: string, field?: string): WriteOutcome => ({
  status: 'failed',
  failure: 'permanent',
  reason,
  ...(field === undefined ? {} : { field }),
});

/** The row index a field violation names, for `events[3]…`, `audience_members[0]…` or `audienceMembers[0]…`. */
function rowOf(field: string, listKey: string): number | undefined {
  const snake = listKey.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const match = new RegExp(`(?:^|\\.)(?:${listKey}|${snake})\\[(\\d+)\\]`).exec(field);
  return match ? Number(match[1]) : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

type Status = NonNullable<RetrieveRequestStatusResponse['requestStatusPerDestination']>[number];

async function diagnostics(client: GoogleClient, requestId: string): Promise<Status | undefined> {
  const polls = client.settings.diagnosticsPolls ?? 3;
  let last: Status | undefined;
  for (let i = 0; i <= polls; i++) {
    if (i > 0) await sleep(POLL_MS[i - 1] ?? 8_000);
    last = (await client.requestStatus(requestId)).requestStatusPerDestination?.[0];
    if (last?.requestStatus !== 'PROCESSING' && last?.requestStatus !== 'REQUEST_STATUS_UNKNOWN') return last;
  }
  return last;
}

export async function ingest<R, I>(options: IngestOptions<R, I>): Promise<WriteOutcome[]> {
  const { client, method, listKey, records } = options;
  const outcomes: (WriteOutcome | undefined)[] = records.map(() => undefined);
  let pending: { index: number; item: I; targetId: string }[] = [];
  records.forEach((record, index) => {
    let built: Built<I>;
    try {
      built = options.build(record);
    } catch (error) {
      if (isHubError(error) && error.kind === 'config') throw error;
      // one record the checks did not foresee fails alone, never its whole batch
      built = {
        problem: `the record could not be prepared: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if ('problem' in built) outcomes[index] = failed(built.problem, built.field);
    else pending.push({ index, item: built.item, targetId: built.targetId });
  });

  let requestId: string | undefined;
  for (let round = 0; pending.length > 0 && round < MAX_ROUNDS; round++) {
    const body = { ...options.request, [listKey]: pending.map((p) => p.item) };
    const raw = await client.dataManagerPost(method, body);
    if (raw.ok) {
      requestId = (raw.body as { requestId?: string } | undefined)?.requestId;
      break;
    }
    const status = statusOf(raw.body);
    const violations = raw.status === 400 ? fieldViolations(status) : [];
    const bad = new Map<number, string[]>();
    for (const v of violations) {
      const row = rowOf(v.field, listKey);
      if (row !== undefined && row < pending.length)
        bad.set(row, [...(bad.get(row) ?? []), `${v.field}: ${v.description}`]);
    }
    if (bad.size === 0) {
      if (raw.status === 400) {
        // INVALID_ARGUMENT that names no row: the request as a whole is wrong (a setting, a destination)
        const reason = client.redact(`Google ${method} refused the request (400): ${status?.message ?? 'invalid'}`);
        for (const p of pending) outcomes[p.index] = failed(reason);
        pending = [];
        break;
      }
      await client.failWithWindow(method, raw); // rate limit, auth, unavailable: the whole batch, for the runner
    }
    for (const [row, reasons] of bad) {
      const p = pending[row]!;
      outcomes[p.index] = failed(client.redact(`Google refused the record: ${reasons.join('; ')}`));
    }
    pending = pending.filter((_, row) => !bad.has(row));
  }

  if (pending.length > 0 && client.settings.validateOnly === true) {
    for (const p of pending)
      outcomes[p.index] = { status: 'skipped', reason: 'validateOnly: Google validated the record and stored nothing' };
    pending = [];
  }
  if (pending.length > 0 && requestId === undefined) {
    // still refused after MAX_ROUNDS of removing named rows: the rest were never named, so they are not known to be
    // wrong; they fail retryable (the runner sends them again, and the next write removes the next rows Google names)
    for (const p of pending)
      outcomes[p.index] = {
        status: 'failed',
        failure: 'retryable',
        reason: `Google ${method} refused ${MAX_ROUNDS} requests in a row, each naming other invalid rows; this row was not named and goes again`,
      };
    pending = [];
  }
  if (pending.length === 0) return outcomes.map((o) => o ?? failed('not sent'));

  let status: Status | undefined;
  try {
    status = await diagnostics(client, requestId!);
  } catch (error) {
    // Google accepted the request: its rows are in. A diagnostics read that fails (quota, outage, token) must not
    // fail them, or the runner would send an accepted batch again; they are recorded as written, the gap logged.
    if (!isHubError(error)) throw error;
    options.log.warn(
      { requestId, reason: error.message },
      `Google accepted request ${requestId} but its diagnostics could not be read (${error.message}); its ${pending.length} records are recorded as written`,
    );
    for (const p of pending) outcomes[p.index] = { status: 'ok', targetId: p.targetId };
    return outcomes.map((o) => o ?? failed('not sent'));
  }
  const counts = (status?.errorInfo?.errorCounts ?? []).filter(
    (c) => c.reason !== undefined && !(options.alreadyDone ?? []).includes(c.reason),
  );
  const failedRows = counts.reduce((n, c) => n + Number(c.recordCount ?? 0), 0);
  const summary = counts.map((c) => `${c.reason} × ${c.recordCount ?? '?'}`).join(', ');
  const allFailed = counts.length > 0 && (status?.requestStatus === 'FAILED' || failedRows >= pending.length);
  if (allFailed) {
    for (const p of pending)
      outcomes[p.index] = failed(`Google processed request ${requestId} and rejected its records: ${summary}`);
    return outcomes.map((o) => o ?? failed('not sent'));
  }
  if (counts.length > 0)
    options.log.warn(
      { requestId, requestStatus: status?.requestStatus, errorCounts: summary },
      `Google reported ${failedRows} of ${pending.length} records of request ${requestId} failed processing (${summary}); it names no rows, so the rest are recorded as written`,
    );
  for (const p of pending) outcomes[p.index] = { status: 'ok', targetId: p.targetId };
  return outcomes.map((o) => o ?? failed('not sent'));
}
