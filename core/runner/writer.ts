import type { WriteOutcome } from '../sdk/contracts';
import type { ActionDefinition, ConnectionContext } from '../sdk/define';
import { toErrorInfo, type ErrorInfo } from '../sdk/errors';
import type { BudgetPolicy, ConnectionBudget } from './budget-port';
import { abortReason, throwIfAborted, type RetryOptions, type RunnerLogger, type Sleep } from './deps';
import { RunStopError } from './errors';
import type { RunnerMetrics } from './metrics-port';
import { backoffDelay } from './retry';

/**
 * Every request to a connection goes through here: the connection's rate budget (acquire/release), a vendor's
 * "wait" (RateLimitedError: pause the connection, retry the same request, no attempt used), and exponential
 * backoff for retryable failures, per record, up to the flow's attempts.
 */

/** A connection as the runner talks to it. */
export interface Endpoint {
  connectionId: string;
  connectionName: string;
  context: ConnectionContext;
  policy: BudgetPolicy;
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
  | { status: 'failed'; failure: 'permanent' | 'retryable'; reason: string; field?: string };

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
 * batch or reported per record) are retried with backoff until `maxAttempts`, then failed with "retries exhausted";
 * a permanent failure fails only its record (or, thrown, the batch). Auth and config errors stop the run.
 */
export async function writeRecords(
  deps: RequestDeps,
  endpoint: Endpoint,
  action: ActionDefinition<Record<string, unknown>, object>,
  records: readonly Record<string, unknown>[],
  options: WriteOptions,
): Promise<ItemResult[]> {
  const { signal, maxAttempts } = options;
  const results: ItemResult[] = new Array<ItemResult>(records.length);
  const attempts = new Array<number>(records.length).fill(0);
  let pending = records.map((_, i) => i);
  let rateLimitWaits = 0;

  while (pending.length > 0) {
    let outcomes: WriteOutcome[];
    try {
      const batch = pending.map((i) => records[i]);
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
      if (info.kind === 'auth' || info.kind === 'config') throw stopError(info, endpoint);
      if (info.kind === 'permanent') {
        for (const i of pending) results[i] = failed('permanent', info);
        return results;
      }
      // retryable (or an unknown error, or a vendor that keeps answering 429): one attempt used by every record
      rateLimitWaits = 0;
      const exhausted = pending.filter((i) => ++attempts[i] >= maxAttempts);
      for (const i of exhausted) results[i] = failed('retryable', info, true);
      pending = pending.filter((i) => attempts[i] < maxAttempts);
      if (pending.length === 0) return results;
      const attempt = Math.max(...pending.map((i) => attempts[i]));
      const waitMs = backoffDelay(attempt, deps.retry, deps.random, info.retryAfterMs ?? 0);
      deps.logger.warn(
        { connection: endpoint.connectionName, action: action.name, attempt, waitMs, reason: info.message },
        'write failed; retrying the batch after a backoff',
      );
      await deps.sleep(waitMs, signal);
      continue;
    }

    rateLimitWaits = 0;
    const retry: number[] = [];
    let minimumWait = 0;
    pending.forEach((i, j) => {
      const result = fromOutcome(outcomes[j]);
      if (result.status !== 'failed' || result.failure === 'permanent') {
        results[i] = result;
        return;
      }
      attempts[i] += 1;
      if (attempts[i] >= maxAttempts) {
        results[i] = { ...result, reason: `retries exhausted: ${result.reason}` };
        return;
      }
      const outcome = outcomes[j];
      if (outcome?.status === 'failed') minimumWait = Math.max(minimumWait, outcome.retryAfterMs ?? 0);
      retry.push(i);
    });
    pending = retry;
    if (pending.length > 0) {
      const attempt = Math.max(...pending.map((i) => attempts[i]));
      const waitMs = backoffDelay(attempt, deps.retry, deps.random, minimumWait);
      deps.logger.info(
        { connection: endpoint.connectionName, action: action.name, records: pending.length, attempt, waitMs },
        'some records failed with a retryable error; retrying them after a backoff',
      );
      await deps.sleep(waitMs, signal);
    }
  }
  return results;
}

function failed(failure: 'permanent' | 'retryable', info: ErrorInfo, exhausted = false): ItemResult {
  const result: ItemResult = {
    status: 'failed',
    failure,
    reason: exhausted ? `retries exhausted: ${info.message}` : info.message,
  };
  if (info.field !== undefined) result.field = info.field;
  return result;
}
