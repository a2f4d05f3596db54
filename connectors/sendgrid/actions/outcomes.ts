import { isHubError, toErrorInfo, type HubError, type WriteOutcome } from '../../../core/sdk';

/**
 * Batch actions send several requests (chunks). When a later chunk fails after earlier ones went through, throwing
 * would make the runner redo chunks that already succeeded; instead the failed chunk's records get per-record
 * outcomes carrying the error's class (and wait). Auth and configuration errors always stop the whole batch, and a
 * failure before anything was written is thrown as it is.
 */
export function chunkFailure(error: unknown, somethingWritten: boolean): WriteOutcome {
  const info = toErrorInfo(error);
  const stop = info.kind === 'auth' || info.kind === 'config' || !somethingWritten;
  if (stop) throw error;
  if (info.kind === 'permanent') return { status: 'failed', failure: 'permanent', reason: info.message };
  const outcome: WriteOutcome = { status: 'failed', failure: 'retryable', reason: info.message };
  if (info.retryAfterMs !== undefined) outcome.retryAfterMs = info.retryAfterMs;
  return outcome;
}

/** A 400 on a whole request is every record's permanent failure (the vendor's reason says which field). */
export function isBadRequest(error: unknown): error is HubError {
  return isHubError(error) && error.kind === 'permanent' && error.status === 400;
}

/** Fills the undecided slots; every record gets exactly one outcome. */
export function complete(outcomes: (WriteOutcome | undefined)[], fallback: WriteOutcome): WriteOutcome[] {
  return outcomes.map((o) => o ?? fallback);
}
