import type { WriteOutcome } from '../sdk/contracts';
import type { ActionDefinition, ConnectionContext } from '../sdk/define';
import { toErrorInfo, type ErrorInfo } from '../sdk/errors';
import type { BudgetPolicy, ConnectionBudget } from './budget-port';
import { abortReason, throwIfAborted, type RetryOptions, type RunnerLogger, type Sleep } from './deps';
import { RunStopError } from './errors';
import type { RunnerMetrics } from './metrics-port';
import { backoffDelay, maxElapsedOf } from './retry';
import type { TokenKeeper } from './token-keeper';

/**
 * Every request to a connection goes through here: the connection's rate budget (acquire/release), a vendor's
 * "wait" (RateLimitedError: pause the connection, retry the same request, no attempt used), and exponential
 * backoff for retryable failures, per record, over the connection's retry window (minutes, core/runner/retry.ts)
 * and up to the flow's attempts when it sets them.
 *
 * A lost reply (the request went out, the answer did not come back: a timeout, a reset connection, a 500/502/504)
 * may have been applied by the vendor. Such a write is sent again only when the action is idempotent (an upsert by
 * identity: sending it twice has one effect); if it still cannot be confirmed when the window closes, its records
 * are dead-lettered saying the vendor may have applied it and that a replay is safe, never as "retries exhausted".
 * A non-idempotent action's lost reply is not sent again: its records are dead-lettered at once, saying to check
 * the target before replaying.
 */

/** A connection as the runner talks to it. */
export interface Endpoint {
  connectionId: string;
  connectionName: string;
  context: ConnectionContext;
  policy: BudgetPolicy;
  /** The connection's retry options (its settings' `retry` over the runner's); the runner's when absent. */
  retry?: RetryOptions;
  /** OAuth2 connections: keeps the access token fresh during the run (core/runner/token-keeper.ts). */
  tokens?: TokenKeeper;
}

/** The start of the reason of a record whose write the vendor may have applied, unconfirmed. */
export const MAY_HAVE_APPLIED = 'the vendor may have applied this write; replay is safe';
/** The same for an action that is not idempotent: nothing was sent again. */
export const MAY_HAVE_APPLIED_NOT_IDEMPOTENT =
  'the vendor may have applied this write and the action is not idempotent, so it was not sent again; check the target before replaying';

/**
 * Whether a write that threw `info` may have been applied: a retryable failure that is not the vendor saying it
 * did not process the request (503 Service Unavailable, 429). Network errors and timeouts (no status) count: the
 * request may have gone out. Decided on the class and status, never on a message.
 */
export function mayHaveApplied(info: ErrorInfo): boolean {
  return info.kind === 'retryable' && info.status !== 503 && info.status !== 429;
}

export interface RequestDeps {
  budget: ConnectionBudget;
  logger: RunnerLogger;
  now: () => number;
  sleep: Sleep;
  retry?: RetryOptions;
  random: () => number;
  metrics: RunnerMetrics;
}

export type ItemResult =
  | { status: 'ok'; targetId: string; operation?: 'created' | 'updated' | 'deleted' }
  | { status: 'skipped'; targetId?: string; reason?: string }
  | { status: 'failed'; failure: 'permanent' | 'retryable'; reason: string; field?: string }
  /** The connector could not tell whether the vendor applied it (SDK 1.2): manual review, core/runner/review.ts. */
  | { status: 'unconfirmed'; reason: string };

/** More consecutive 429s than this on one request and the next one uses an attempt (a vendor that never lets go). */
const MAX_RATE_LIMIT_WAITS = 100;

/** Runs `fn` holding one request slot of the connection's budget (counted as one request of `kind`). */
export async function withBudget<T>(
  deps: RequestDeps,
  endpoint: Endpoint,
  signal: AbortSignal | undefined,
  fn: () => Promise<T>,
  kind: 'read' | 'write' = 'write',
): Promise<T> {
  throwIfAborted(signal);
  let lease;
  try {
    lease = await deps.budget.acquire(endpoint.connectionId, endpoint.policy, signal);
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  }
  try {
    deps.metrics.connectorRequest(endpoint.connectionName, kind);
    return await fn();
  } finally {
    await lease.release();
  }
}

/** Pauses the connection for the vendor's wait; every worker honours it through the budget. */
export async function pauseFor(deps: RequestDeps, endpoint: Endpoint, info: ErrorInfo, what: string): Promise<void> {
  const waitMs = info.retryAfterMs ?? 1000;
  deps.metrics.rateLimited(endpoint.connectionName);
  deps.logger.warn(
    { connection: endpoint.connectionName, waitMs, reason: info.message },
    `${what}: the vendor asked to slow down; pausing the connection ${waitMs} ms (no retry attempt used)`,
  );
  await deps.budget.pause(endpoint.connectionId, deps.now() + waitMs, info.message);
}

/** An error that stops the run (auth, config), with a message that says what to do. */
export function stopError(info: ErrorInfo, endpoint: Endpoint): RunStopError {
  if (info.kind === 'auth') {
    return new RunStopError(
      {
        ...info,
        message: `connection "${endpoint.connectionName}" refused the credentials: ${info.message}. Update the connection's settings and test it again, then rerun the flow.`,
      },
      endpoint.connectionId,
    );
  }
  return new RunStopError(
    { ...info, message: `connection "${endpoint.connectionName}": ${info.message}` },
    endpoint.connectionId,
  );
}

function fromOutcome(outcome: WriteOutcome | undefined): ItemResult {
  if (outcome === undefined) {
    return { status: 'failed', failure: 'retryable', reason: 'the connector returned no outcome for this record' };
  }
  if (outcome.status === 'failed') {
    const result: ItemResult = { status: 'failed', failure: outcome.failure, reason: outcome.reason };
    if (outcome.field !== undefined) result.field = outcome.field;
    return result;
  }
  return outcome;
}

export interface WriteOptions {
  maxAttempts: number;
  signal?: AbortSignal;
}

/**
 * Writes `records` with `action` and returns one result per record, in order. Retryable failures (thrown for the
 * batch or reported per record) are retried with backoff while the connection's retry window lasts (and, when the
 * flow sets them, up to `maxAttempts`), then failed: "retries exhausted", or for a write whose reply was lost, "the
 * vendor may have applied this write; replay is safe". A permanent failure fails only its record (or, thrown, the
 * batch). Auth and config errors stop the run.
 */
export async function writeRecords(
  deps: RequestDeps,
  endpoint: Endpoint,
  action: ActionDefinition<Record<string, unknown>, object>,
  records: readonly Record<string, unknown>[],
  options: WriteOptions,
): Promise<ItemResult[]> {
  const { signal, maxAttempts } = options;
  const retry = endpoint.retry ?? deps.retry;
  const maxElapsedMs = maxElapsedOf(retry);
  const idempotent = action.idempotent !== false;
  const started = deps.now();
  const results: ItemResult[] = new Array<ItemResult>(records.length);
  const attempts = new Array<number>(records.length).fill(0);
  /** The record's last attempt was a lost reply: the vendor may have applied it. */
  const unconfirmed = new Array<boolean>(records.length).fill(false);
  let pending = records.map((_, i) => i);
  let rateLimitWaits = 0;
  let renewed = false;
  let waited = 0;
  /** Whether a wait of `waitMs` still fits in the retry window. */
  const fits = (waitMs: number) => Math.max(waited, deps.now() - started) + waitMs <= maxElapsedMs;
  const giveUp = (i: number, reason: string, field?: string) => {
    results[i] = {
      status: 'failed',
      failure: 'retryable',
      reason: unconfirmed[i] ? `${MAY_HAVE_APPLIED}: ${reason}` : `retries exhausted: ${reason}`,
      ...(field === undefined ? {} : { field }),
    };
  };

  while (pending.length > 0) {
    let outcomes: WriteOutcome[];
    try {
      const batch = pending.map((i) => records[i]);
      await endpoint.tokens?.beforeRequest();
      outcomes = await withBudget(deps, endpoint, signal, () =>
        action.write({ connection: endpoint.context, records: batch }),
      );
    } catch (error) {
      if (signal?.aborted) throw abortReason(signal);
      const info = toErrorInfo(error);
      if (info.kind === 'rate_limited' && rateLimitWaits < MAX_RATE_LIMIT_WAITS) {
        rateLimitWaits += 1;
        await pauseFor(deps, endpoint, info, `${action.name}`);
        continue;
      }
      // a refused token is refreshed once and the same batch sent again (the vendor did not apply it: 401)
      if (info.kind === 'auth' && !renewed && (await endpoint.tokens?.renewAfterRefusal())) {
        renewed = true;
        continue;
      }
      if (info.kind === 'auth' || info.kind === 'config') throw stopError(info, endpoint);
      if (info.kind === 'permanent') {
        for (const i of pending) results[i] = failed('permanent', info);
        return results;
      }
      // retryable (or an unknown error, or a vendor that keeps answering 429): one attempt used by every record
      rateLimitWaits = 0;
      const lost = mayHaveApplied(info);
      for (const i of pending) {
        attempts[i] += 1;
        unconfirmed[i] = lost;
      }
      if (lost && !idempotent) {
        const reason = `${MAY_HAVE_APPLIED_NOT_IDEMPOTENT}: ${info.message}`;
        for (const i of pending) results[i] = failed('retryable', { ...info, message: reason });
        return results;
      }
      for (const i of pending.filter((j) => attempts[j] >= maxAttempts)) giveUp(i, info.message, info.field);
      pending = pending.filter((i) => attempts[i] < maxAttempts);
      if (pending.length === 0) return results;
      const attempt = Math.max(...pending.map((i) => attempts[i]));
      const waitMs = backoffDelay(attempt, retry, deps.random, info.retryAfterMs ?? 0);
      if (!fits(waitMs)) {
        for (const i of pending) giveUp(i, info.message, info.field);
        return results;
      }
      deps.logger.warn(
        {
          connection: endpoint.connectionName,
          action: action.name,
          attempt,
          waitMs,
          lostReply: lost,
          reason: info.message,
        },
        lost
          ? 'write failed after it was sent (the vendor may have applied it); sending it again (idempotent) after a backoff'
          : 'write failed; retrying the batch after a backoff',
      );
      waited += waitMs;
      await deps.sleep(waitMs, signal);
      continue;
    }

    rateLimitWaits = 0;
    const retryNow: number[] = [];
    const reasons = new Map<number, { reason: string; field?: string }>();
    let minimumWait = 0;
    pending.forEach((i, j) => {
      const result = fromOutcome(outcomes[j]);
      if (result.status !== 'failed' || result.failure === 'permanent') {
        results[i] = result;
        return;
      }
      // the vendor answered for this record: its earlier lost reply is settled (it was not applied)
      unconfirmed[i] = false;
      attempts[i] += 1;
      if (attempts[i] >= maxAttempts) {
        giveUp(i, result.reason, result.field);
        return;
      }
      const outcome = outcomes[j];
      if (outcome?.status === 'failed') minimumWait = Math.max(minimumWait, outcome.retryAfterMs ?? 0);
      reasons.set(i, { reason: result.reason, ...(result.field === undefined ? {} : { field: result.field }) });
      retryNow.push(i);
    });
    pending = retryNow;
    if (pending.length > 0) {
      const attempt = Math.max(...pending.map((i) => attempts[i]));
      const waitMs = backoffDelay(attempt, retry, deps.random, minimumWait);
      if (!fits(waitMs)) {
        for (const i of pending) giveUp(i, reasons.get(i)!.reason, reasons.get(i)!.field);
        return results;
      }
      deps.logger.info(
        { connection: endpoint.connectionName, action: action.name, records: pending.length, attempt, waitMs },
        'some records failed with a retryable error; retrying them after a backoff',
      );
      waited += waitMs;
      await deps.sleep(waitMs, signal);
    }
  }
  return results;
}

function failed(failure: 'permanent' | 'retryable', info: ErrorInfo): ItemResult {
  const result: ItemResult = { status: 'failed', failure, reason: info.message };
  if (info.field !== undefined) result.field = info.field;
  return result;
}
