import type { Json, Refetched, RejectedRecord } from '../sdk/contracts';
import { toErrorInfo } from '../sdk/errors';
import type { RecordedWebhookEvent } from '../store/repos';
import type { FlowContext } from './context';
import { inTransaction, type RunnerCore } from './core';
import { RunStopError } from './errors';
import { sourceKeyOf, type SourceRecord } from './hashing';
import { processPage } from './page-processor';
import { deadLetterLedger, outcomeOf } from './recorder';
import { backoffDelay, maxElapsedOf } from './retry';
import { pauseFor, stopError, withBudget } from './writer';

/**
 * Webhook events that name their record without carrying it (`WebhookDefinition.fetch`, SDK 1.2: Meta's leadgen names a
 * lead). The ingress only records them (it stays fast and offline); a run of a webhook-triggered flow reads each
 * named record by id through the stream's `refetch` (the outbound door, the connection's budget) and processes
 * those records like a page of the stream: mapped, compared, written, linked. A webhook-triggered run that did so
 * does not read the whole stream (the flow's scheduled sibling, sharing its link group, reconciles what deliveries
 * missed).
 *
 * Which events a flow has seen is a cursor of its own (received time and row id, stored with its checkpoints under
 * `<stream>#webhook-events`, starting at the flow's creation), not the events' `processed` mark, which the webhook
 * trigger sets as soon as it queues the runs. `hub flows reset` clears it with the other checkpoints: the next
 * webhook run then reads again every record named since the flow was created (unchanged ones cost no write). A record the source no longer has (refetch: missing) is listed in the
 * run as held with the reason, never an error that comes back; a read that fails is retried over the connection's
 * retry window, then the run fails and the cursor stays before those events, so the next run reads them again.
 */

const PAGE = 100;

interface Cursor {
  receivedAt: number;
  id: string;
}

export function fetchCursorKey(stream: string): string {
  return `${stream}#webhook-events`;
}

function cursorOf(value: Json | undefined, createdAt: number): Cursor {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { receivedAt, id } = value;
    if (typeof receivedAt === 'number' && typeof id === 'string') return { receivedAt, id };
  }
  // a flow sees the deliveries recorded from its creation on (the row ids of that millisecond sort after '')
  return { receivedAt: createdAt - 1, id: '' };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The source's webhooks whose events name records of the flow's stream (declared `fetch`). */
function fetchingWebhooks(ctx: FlowContext): Set<string> {
  const stream = ctx.source.stream.name;
  return new Set(
    (ctx.source.connector.webhooks ?? []).filter((w) => w.fetch === true && w.stream === stream).map((w) => w.name),
  );
}

/**
 * Whether runs of this flow read the records its source's webhook events name: a webhook-triggered flow whose
 * stream can read a record by id and has a webhook declared `fetch` (other flows cost no look-up at all).
 */
export function fetchesWebhookRecords(ctx: FlowContext): boolean {
  return (
    ctx.definition.trigger.type === 'webhook' &&
    ctx.mode !== 'mirror' &&
    ctx.replace !== true &&
    ctx.source.stream.refetch !== undefined &&
    fetchingWebhooks(ctx).size > 0
  );
}

/** `refetch` in the source's budget: a 429 pauses the connection, a retryable failure backs off in the window. */
async function refetchWithRetry(
  core: RunnerCore,
  ctx: FlowContext,
  records: { key: string; source: Record<string, unknown> }[],
  signal: AbortSignal | undefined,
): Promise<Refetched<SourceRecord>[]> {
  const side = ctx.source;
  const refetch = side.stream.refetch!.bind(side.stream);
  const retry = side.retry ?? core.retry;
  let failures = 0;
  let waited = 0;
  let renewed = false;
  for (;;) {
    try {
      return (await withBudget(
        core,
        side,
        signal,
        async () => {
          await side.tokens?.beforeRequest();
          return refetch({ connection: side.context, records });
        },
        'read',
      )) as Refetched<SourceRecord>[];
    } catch (error) {
      if (error instanceof RunStopError) throw error;
      if (signal?.aborted) throw error;
      const info = toErrorInfo(error);
      if (info.kind === 'rate_limited') {
        await pauseFor(core, side, info, `reading the records webhook events name (${side.stream.name})`);
        continue;
      }
      if (info.kind === 'auth' && !renewed && (await side.tokens?.renewAfterRefusal())) {
        renewed = true;
        continue;
      }
      if (info.kind === 'auth' || info.kind === 'config') throw stopError(info, side);
      failures += 1;
      const waitMs = backoffDelay(failures, retry, core.random, info.retryAfterMs ?? 0);
      if (info.kind === 'permanent' || failures >= ctx.maxAttempts || waited + waitMs > maxElapsedOf(retry)) {
        throw new RunStopError({
          ...info,
          message: `reading the ${records.length} record(s) named by webhook events from ${side.connectionName} failed: ${info.message}. The events wait: the next run of the flow reads them again`,
        });
      }
      waited += waitMs;
      core.logger.warn(
        { connection: side.connectionName, stream: side.stream.name, attempt: failures, waitMs, reason: info.message },
        'reading the records named by webhook events failed; trying again after a backoff',
      );
      await core.sleep(waitMs, signal);
    }
  }
}

/** The events of a page that name a record of the flow's stream (the rest are not this flow's to fetch). */
function named(ctx: FlowContext, events: RecordedWebhookEvent[]): RecordedWebhookEvent[] {
  const webhooks = fetchingWebhooks(ctx);
  const stream = ctx.source.stream.name;
  return events.filter(
    (e) => webhooks.has(e.webhook) && isRecord(e.event.record) && (e.event.stream ?? stream) === stream,
  );
}

/**
 * Reads and processes the records named by the webhook events the flow has not seen yet; returns how many events
 * named one. Does nothing (0) for a flow that is not webhook-triggered or whose stream cannot read a record by id.
 */
export async function processFetchedEvents(
  core: RunnerCore,
  ctx: FlowContext,
  runId: string,
  signal: AbortSignal | undefined,
): Promise<number> {
  if (!fetchesWebhookRecords(ctx)) return 0;
  const key = fetchCursorKey(ctx.source.stream.name);
  let cursor = cursorOf(await core.repos.checkpoints.get(ctx.flow.id, key), ctx.flow.createdAt);
  let count = 0;
  for (;;) {
    const events = await core.repos.webhookEvents.after(ctx.source.connectionId, cursor, PAGE);
    if (events.length === 0) return count;
    const wanted = named(ctx, events);
    if (wanted.length > 0) {
      count += wanted.length;
      const asked = wanted.map((e) => {
        const source = e.event.record as Record<string, unknown>;
        let recordKey = e.event.id;
        try {
          recordKey = sourceKeyOf(source, ctx.identity, ctx.identityNormalize);
        } catch {
          // the stream's refetch decides whether it can read it (unsupported: the event's own copy is used)
        }
        return { key: recordKey, source };
      });
      const results = await refetchWithRetry(core, ctx, asked, signal);
      const records: SourceRecord[] = [];
      const rejected: RejectedRecord[] = [];
      const missing: { key: string; source: Record<string, unknown>; reason: string }[] = [];
      asked.forEach((a, i) => {
        const result = results[i] ?? { status: 'unsupported' };
        if (result.status === 'found' && isRecord(result.record)) records.push(result.record);
        else if (result.status === 'missing')
          missing.push({ ...a, reason: `not at the source any more (deleted?): ${result.reason}` });
        else if (result.status === 'rejected')
          rejected.push({ reason: result.reason, source: (result.source ?? a.source) as { [k: string]: Json } });
        else records.push(a.source);
      });
      await processPage(core, ctx, records, {
        runId,
        ...(signal === undefined ? {} : { signal }),
        checkpoint: null,
        markSeen: false,
        ledger: deadLetterLedger,
        ...(rejected.length === 0 ? {} : { rejected }),
      });
      if (missing.length > 0)
        await inTransaction(core, (tx) =>
          tx.runRecords.add(
            runId,
            missing.map((m) => outcomeOf('held', m.key, m.source, m)),
            core.now(),
          ),
        );
    }
    const last = events[events.length - 1]!;
    cursor = { receivedAt: last.receivedAt, id: last.id };
    await inTransaction(core, (tx) =>
      tx.checkpoints.set(ctx.flow.id, key, { receivedAt: cursor.receivedAt, id: cursor.id }, core.now()),
    );
    // and again until nothing is left: deliveries recorded meanwhile are this run's too (startRun is one per flow)
  }
}
