import { PermanentError, defineAction, isHubError, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type SendGridClient } from '../client';
import { chunkBy } from '../emails';
import { EmailInput } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';
import { writeByEmail } from './outcomes';

/**
 * Action `deleteContacts`: resolves emails to contact ids with `POST /v3/marketing/contacts/search/emails` (at most
 * 100 per call), then `DELETE /v3/marketing/contacts?ids=…`, which queues an asynchronous delete job; the job is not
 * polled (SendGrid may take minutes and the job has no per-contact errors to report). An email no contact has is
 * `skipped` (with targetId = the email): there is nothing to delete, and it is not a failure to retry.
 */

export const SEARCH_EMAILS_LIMIT = 100;

interface SearchResult {
  result?: Record<string, { contact?: { id?: string; email?: string }; error?: string }>;
}

/** email → contact id for the emails SendGrid knows; a 404 means none of them is a contact. */
export async function contactIdsByEmail(client: SendGridClient, emails: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  let found: SearchResult;
  try {
    found = await client.request<SearchResult>('POST', '/v3/marketing/contacts/search/emails', { body: { emails } });
  } catch (error) {
    if (isHubError(error) && error.status === 404) return ids;
    throw error;
  }
  for (const [email, entry] of Object.entries(found.result ?? {})) {
    const id = entry?.contact?.id;
    if (typeof id === 'string' && id !== '') ids.set(email.trim().toLowerCase(), id);
  }
  return ids;
}

export const deleteContacts = defineAction<SendGridSettings, EmailInput>({
  name: 'deleteContacts',
  title: 'Delete contacts',
  description:
    'Deletes Marketing contacts by email (search/emails to find their ids, then DELETE /v3/marketing/contacts); ' +
    'emails that are not contacts are skipped',
  recordSchema: EmailInput,
  mode: 'delete',
  maxBatchSize: 100,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    return writeByEmail(
      records,
      (emails) => chunkBy(emails, SEARCH_EMAILS_LIMIT, Infinity, () => 0),
      async (emails) => {
        const ids = await contactIdsByEmail(client, emails);
        if (ids.size > 0) {
          const answer = await client.request<{ job_id?: unknown }>('DELETE', '/v3/marketing/contacts', {
            qs: { ids: [...ids.values()].join(',') },
          });
          if (answer?.job_id === undefined) throw new PermanentError('SendGrid accepted the delete but sent no job_id');
        }
        return new Map(
          emails.map((email): [string, WriteOutcome] => {
            const id = ids.get(email);
            return [
              email,
              id === undefined
                ? { status: 'skipped', reason: 'no SendGrid contact has this email', targetId: email }
                : { status: 'ok', targetId: id, operation: 'deleted' },
            ];
          }),
        );
      },
    );
  },
});
