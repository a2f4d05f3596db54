import { isHubError, toErrorInfo, type HubError, type WriteOutcome } from '../../../core/sdk';
import { isPlausibleEmail, normalizeEmail } from '../emails';

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

/**
 * The shape of the by-email actions (delete, erase): records are keyed by their normalised email (a broken one
 * fails alone, duplicates share one outcome), the distinct emails go in chunks, and `send` answers each chunk's
 * email → outcome. A failed chunk becomes per-record outcomes once something was written (see chunkFailure).
 */
export async function writeByEmail(
  records: readonly ({ email?: unknown } | undefined)[],
  chunk: (emails: string[]) => string[][],
  send: (emails: string[]) => Promise<Map<string, WriteOutcome>>,
): Promise<WriteOutcome[]> {
  const outcomes: (WriteOutcome | undefined)[] = new Array(records.length).fill(undefined);
  const indexes = new Map<string, number[]>();
  records.forEach((record, i) => {
    const email = normalizeEmail(record?.email);
    if (email === undefined || !isPlausibleEmail(email)) {
      outcomes[i] = {
        status: 'failed',
        failure: 'permanent',
        field: 'email',
        reason: email === undefined ? 'email is required' : `"${email}" is not a valid e-mail address`,
      };
      return;
    }
    indexes.set(email, [...(indexes.get(email) ?? []), i]);
  });
  const set = (email: string, outcome: WriteOutcome) => {
    for (const i of indexes.get(email) ?? []) outcomes[i] = { ...outcome };
  };
  let written = false;
  for (const emails of chunk([...indexes.keys()])) {
    try {
      const answers = await send(emails);
      written = true;
      for (const [email, outcome] of answers) set(email, outcome);
    } catch (error) {
      const failure = chunkFailure(error, written);
      for (const email of emails) set(email, failure);
    }
  }
  return complete(outcomes, { status: 'failed', failure: 'permanent', reason: 'record was not processed' });
}
