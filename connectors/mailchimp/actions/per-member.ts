import {
  AuthError,
  ConfigError,
  RateLimitedError,
  isHubError,
  type ConnectionContext,
  type WriteOutcome,
} from '../../../core/sdk';
import { clientFor, subscriberHash, type MailchimpClient } from '../client';
import type { MailchimpSettings } from '../schemas/settings';

/**
 * The loop shared by the one-member-per-call actions (tags, archive, delete-permanent). Their batch size is 1 in the
 * policy, but a longer batch still gets one outcome per record: a record Mailchimp refuses fails alone; a wait the
 * vendor asked for fails the rest as retryable with that wait; bad credentials stop the batch (AuthError thrown).
 */

/** What a call did, or `missing` when Mailchimp has no such member (404). */
export type MemberCallResult = 'done' | 'missing';

export async function forEachMember<R extends { email_address: string }>(
  connection: ConnectionContext<MailchimpSettings>,
  records: R[],
  call: (client: MailchimpClient, record: R, hash: string) => Promise<MemberCallResult>,
  outcome: { done: 'updated' | 'deleted'; missing: (email: string) => WriteOutcome },
): Promise<WriteOutcome[]> {
  const client = clientFor(connection);
  const outcomes: WriteOutcome[] = [];
  let pause: { reason: string; retryAfterMs?: number } | undefined;
  for (const record of records) {
    if (pause !== undefined) {
      outcomes.push({ status: 'failed', failure: 'retryable', ...pause });
      continue;
    }
    const email = typeof record.email_address === 'string' ? record.email_address.trim() : '';
    if (email === '') {
      outcomes.push({
        status: 'failed',
        failure: 'permanent',
        reason: 'email_address is empty',
        field: 'email_address',
      });
      continue;
    }
    const hash = subscriberHash(email);
    try {
      const result = await call(client, record, hash);
      outcomes.push(
        result === 'done' ? { status: 'ok', targetId: hash, operation: outcome.done } : outcome.missing(email),
      );
    } catch (error) {
      if (!isHubError(error) || error instanceof AuthError || error instanceof ConfigError) throw error;
      if (error.kind === 'permanent') {
        const failed: WriteOutcome = { status: 'failed', failure: 'permanent', reason: error.message };
        if (error.field !== undefined) failed.field = error.field;
        outcomes.push(failed);
        continue;
      }
      const retryAfterMs =
        error instanceof RateLimitedError
          ? error.retryAfterMs
          : 'retryAfterMs' in error && typeof error.retryAfterMs === 'number'
            ? error.retryAfterMs
            : undefined;
      pause = retryAfterMs === undefined ? { reason: error.message } : { reason: error.message, retryAfterMs };
      outcomes.push({ status: 'failed', failure: 'retryable', ...pause });
    }
  }
  return outcomes;
}

/** Runs a call and answers `missing` on a 404 (the member is not in the audience). */
export async function unless404(run: () => Promise<unknown>): Promise<MemberCallResult> {
  try {
    await run();
    return 'done';
  } catch (error) {
    if (isHubError(error) && error.status === 404) return 'missing';
    throw error;
  }
}
