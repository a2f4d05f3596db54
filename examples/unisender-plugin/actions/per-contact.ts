import { isHubError, type OutboundHttp, type WriteOutcome } from 'connector-hub/sdk';
import { createClient, normalizeEmail } from '../client';
import type { ContactRef } from '../schemas/records';
import type { UnisenderSettings } from '../schemas/settings';

/**
 * unsubscribe and exclude take one contact per call (`contact_type=email&contact=…&list_ids=…`), so a batch is
 * sent one call at a time with one outcome each. A request the vendor refuses for that contact (invalid_arg…)
 * fails that record only; a rate limit or a temporary failure marks that record and the rest failed/retryable (the
 * calls already made stand and are harmless to repeat); bad credentials stop the whole batch.
 */
export async function perContact(
  method: 'unsubscribe' | 'exclude',
  connection: { settings: UnisenderSettings; signal?: AbortSignal | undefined; http?: OutboundHttp | undefined },
  records: ContactRef[],
  operation: 'updated' | 'deleted',
): Promise<WriteOutcome[]> {
  const { settings, signal, http } = connection;
  // the hub's outbound door, as every other call of this plugin uses
  const client = createClient(settings, { ...(signal ? { signal } : {}), ...(http ? { http } : {}) });
  const outcomes: WriteOutcome[] = [];
  for (let i = 0; i < records.length; i++) {
    const email = normalizeEmail(records[i]!.email);
    if (email === '') {
      outcomes.push({ status: 'failed', failure: 'permanent', reason: 'empty e-mail address', field: 'email' });
      continue;
    }
    try {
      await client.call(method, { contact_type: 'email', contact: email, list_ids: String(settings.listId) });
      outcomes.push({ status: 'ok', targetId: email, operation });
    } catch (error) {
      if (!isHubError(error) || error.kind === 'auth' || error.kind === 'config') throw error;
      if (error.kind === 'permanent') {
        outcomes.push({ status: 'failed', failure: 'permanent', reason: error.message, field: 'email' });
        continue;
      }
      const wait = (error as { retryAfterMs?: number }).retryAfterMs;
      for (let j = i; j < records.length; j++) {
        const outcome: WriteOutcome = { status: 'failed', failure: 'retryable', reason: error.message };
        if (wait !== undefined) outcome.retryAfterMs = wait;
        outcomes.push(outcome);
      }
      break;
    }
  }
  return outcomes;
}
