import { isHubError, type Refetched, type RefetchArgs } from '../../../core/sdk';
import { clientFor } from '../client';
import { loadFields } from '../fields';
import type { Contact } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';
import { toContact } from './contact-record';

/**
 * Reads contacts again by id for a replay: `POST /v3/marketing/contacts/batch` `{ ids }` (up to 100 per call),
 * custom fields named as the stream names them. An id SendGrid no longer has is missing (a 404 when none of the
 * ids is found); a stored copy without an id cannot be found again (the stored copy is used).
 */

export const BATCH_IDS_LIMIT = 100;

interface BatchResponse {
  result?: Record<string, unknown>[];
}

export async function refetchContacts({
  connection,
  records,
}: RefetchArgs<SendGridSettings>): Promise<Refetched<Contact>[]> {
  const client = clientFor(connection);
  const ids = records.map(({ source }) => (typeof source.id === 'string' && source.id !== '' ? source.id : undefined));
  const wanted = [...new Set(ids.filter((id): id is string => id !== undefined))];
  const found = new Map<string, Contact>();
  if (wanted.length > 0) {
    const fields = await loadFields(client);
    for (let i = 0; i < wanted.length; i += BATCH_IDS_LIMIT) {
      let body: BatchResponse | undefined;
      try {
        body = await client.request<BatchResponse>('POST', '/v3/marketing/contacts/batch', {
          body: { ids: wanted.slice(i, i + BATCH_IDS_LIMIT) },
        });
      } catch (error) {
        if (isHubError(error) && error.status === 404) continue;
        throw error;
      }
      for (const raw of body?.result ?? []) {
        const contact = toContact(raw, fields);
        if (contact !== undefined) found.set(contact.id, contact);
      }
    }
  }
  return ids.map((id): Refetched<Contact> => {
    if (id === undefined) return { status: 'unsupported' };
    const contact = found.get(id);
    return contact === undefined
      ? { status: 'missing', reason: `SendGrid has no contact ${id} any more` }
      : { status: 'found', record: contact };
  });
}
