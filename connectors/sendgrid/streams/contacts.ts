import { RetryableError, defineStream, type Json, type Page } from '../../../core/sdk';
import { clientFor } from '../client';
import { loadFields } from '../fields';
import { jsonObjects } from '../files';
import { pollJob } from '../jobs';
import { Contact } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';
import { toContact } from './contact-record';
import { refetchContacts } from './contacts-refetch';

/**
 * Stream `contacts`: SendGrid has no paginated contact listing (GET /contacts is a 50-row sample, search stops at
 * 50), so every read is a contacts export: `POST /v3/marketing/contacts/exports` (json), polled until ready, then
 * each file in `urls` is streamed (gzip or plain) and cut into pages of 1,000 without holding it whole.
 *
 * Incremental reads filter the export client-side: records whose updated_at is later than the checkpoint minus a
 * ten-minute look-back (SendGrid applies imports asynchronously, so a contact can get an updated_at slightly
 * before an earlier read saw it), or at/after `since` when the runner passes one. The export is not ordered by
 * updated_at, so pages before the last carry the checkpoint the read started from (a crash re-reads the export,
 * which is idempotent), and only the last page moves the checkpoint to the newest `{updatedAt, id}` seen.
 */

export const PAGE_SIZE = 1_000;
export const LOOKBACK_MS = 10 * 60 * 1000;

export type ContactsCheckpoint = { updatedAt: string; id: string };

interface ExportStatus {
  id?: string;
  status?: 'pending' | 'ready' | 'failure' | string;
  urls?: string[];
  message?: string;
}

function asCheckpoint(value: Json | null): ContactsCheckpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { updatedAt, id } = value;
  if (typeof updatedAt !== 'string' || Number.isNaN(Date.parse(updatedAt)) || typeof id !== 'string') return undefined;
  return { updatedAt, id };
}

function newer(a: ContactsCheckpoint | undefined, record: Contact): boolean {
  if (a === undefined) return true;
  return record.updated_at > a.updatedAt || (record.updated_at === a.updatedAt && record.id > a.id);
}

export const contacts = defineStream<SendGridSettings, Contact>({
  name: 'contacts',
  title: 'Contacts',
  description:
    'Marketing contacts from a contacts export (custom fields by name), incremental by updated_at with a look-back',
  recordSchema: Contact,
  identity: ['id'],
  modifiedField: 'updated_at',
  // a replay reads each contact again by id (./contacts-refetch.ts)
  refetch: (args) => refetchContacts(args),
  async *read({ connection, checkpoint, since }): AsyncGenerator<Page<Contact>> {
    const client = clientFor(connection);
    const start = asCheckpoint(checkpoint);
    const startCheckpoint: Json | null = start ?? null;
    const sinceMs = since === undefined ? NaN : Date.parse(since);
    const after = Number.isNaN(sinceMs) && start !== undefined ? Date.parse(start.updatedAt) - LOOKBACK_MS : undefined;
    const keep = (record: Contact): boolean => {
      const at = Date.parse(record.updated_at);
      if (Number.isNaN(at)) return true;
      if (!Number.isNaN(sinceMs)) return at >= sinceMs;
      return after === undefined || at > after;
    };

    const fields = await loadFields(client);
    const job = await client.request<ExportStatus>('POST', '/v3/marketing/contacts/exports', {
      body: { file_type: 'json' },
    });
    if (typeof job.id !== 'string' || job.id === '') throw new RetryableError('SendGrid started no export (no id)');
    const ready = await pollJob<ExportStatus>(
      client,
      `/v3/marketing/contacts/exports/${encodeURIComponent(job.id)}`,
      (s) => s.status === 'ready' || s.status === 'failure',
      'contacts export',
    );
    if (ready.status === 'failure')
      throw new RetryableError(`SendGrid's contacts export ${job.id} failed: ${ready.message ?? 'no reason given'}`);

    let newest = start;
    let page: Contact[] = [];
    for (const url of ready.urls ?? []) {
      for await (const raw of jsonObjects(await client.download(url, 'contacts export'), 'contacts export')) {
        const record = toContact(raw, fields);
        if (record === undefined || !keep(record)) continue;
        if (newer(newest, record)) newest = { updatedAt: record.updated_at, id: record.id };
        page.push(record);
        if (page.length >= PAGE_SIZE) {
          yield { records: page, checkpoint: startCheckpoint };
          page = [];
          connection.signal?.throwIfAborted();
        }
      }
    }
    const last: Json | null = newest ?? null;
    if (page.length > 0 || JSON.stringify(last) !== JSON.stringify(startCheckpoint))
      yield { records: page, checkpoint: last };
  },
});
