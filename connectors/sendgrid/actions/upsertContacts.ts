import { defineAction, type ConnectorLogger, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type SendGridClient } from '../client';
import { chunkBy } from '../emails';
import { fieldsFor, indexFields, type FieldIndex } from '../fields';
import { errorRows } from '../files';
import { contactJobDone, pollJob, type ContactJob } from '../jobs';
import { ContactInput } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';
import { customFieldNames, prepareContacts, type PreparedContact } from './contact-payload';
import { chunkFailure, complete, isBadRequest } from './outcomes';

/**
 * Action `upsertContacts`: `PUT /v3/marketing/contacts` in chunks of at most 30,000 contacts and 6 MB, each an
 * asynchronous import job that is polled to its end; rows SendGrid rejected are read from the job's `errors_url`
 * file and matched back by email. Everything else is ok with targetId = the lowercased email: the import does not
 * return contact ids, and resolving them would cost one search call per 100 contacts (300 per full batch), which
 * the budget is better spent on; the contacts stream carries the ids.
 */

/** SendGrid's body limit is "6 MB": read as the lower 6,000,000 bytes, minus room for the envelope. */
export const MAX_BODY_BYTES = 6_000_000;
export const MAX_CONTACTS_PER_REQUEST = 30_000;

const EMPTY_FIELDS: FieldIndex = indexFields({});

interface ChunkResult {
  /** Reason by email for rows SendGrid rejected. */
  rejected: Map<string, string>;
  job: ContactJob;
}

async function importChunk(
  client: SendGridClient,
  chunk: PreparedContact[],
  listIds: string[] | undefined,
  log: ConnectorLogger,
): Promise<ChunkResult> {
  const body: Record<string, unknown> = { contacts: chunk.map((c) => c.payload) };
  if (listIds !== undefined && listIds.length > 0) body.list_ids = listIds;
  const { job_id: jobId } = await client.request<{ job_id?: string }>('PUT', '/v3/marketing/contacts', { body });
  if (typeof jobId !== 'string' || jobId === '') throw new Error('SendGrid accepted the contacts but sent no job_id');
  const job = await pollJob<ContactJob>(
    client,
    `/v3/marketing/contacts/imports/${encodeURIComponent(jobId)}`,
    contactJobDone,
    'contact import',
  );
  const rejected = new Map<string, string>();
  const url = job.results?.errors_url;
  if (typeof url === 'string' && url !== '' && (job.status !== 'completed' || (job.results?.errored_count ?? 0) > 0)) {
    let unmatched = 0;
    for await (const row of errorRows(await client.download(url, 'import errors'))) {
      if (row.email === undefined) unmatched++;
      else rejected.set(row.email, row.reason);
    }
    if (unmatched > 0) log.warn({ jobId, unmatched }, 'import error rows without an email could not be matched');
  }
  return { rejected, job };
}

const KNOWN_FIELDS = /\b(email|first_name|last_name|phone_number|city|country|postal_code|external_id)\b/;
const CUSTOM_FIELD = /\bcustom[_ ]fields?\b/i;

/** An error-file row's failure; the field is named when the vendor's reason names one. */
function rowFailure(reason: string): WriteOutcome {
  const field = CUSTOM_FIELD.test(reason) ? 'custom_fields' : KNOWN_FIELDS.exec(reason)?.[1];
  return field === undefined
    ? { status: 'failed', failure: 'permanent', reason }
    : { status: 'failed', failure: 'permanent', field, reason };
}

function okOperation(job: ContactJob): 'created' | 'updated' | undefined {
  const r = job.results ?? {};
  const requested = r.requested_count ?? -1;
  if (requested > 0 && r.created_count === requested) return 'created';
  if (requested > 0 && r.updated_count === requested) return 'updated';
  return undefined;
}

function chunkOutcomes(chunk: PreparedContact[], result: ChunkResult): Map<PreparedContact, WriteOutcome> {
  const { rejected, job } = result;
  const out = new Map<PreparedContact, WriteOutcome>();
  // "failed" means every row failed (or the job was unprocessable): rows the error file does not name fail too
  const wholeJobFailed = job.status === 'failed';
  const operation = okOperation(job);
  for (const contact of chunk) {
    const reason = rejected.get(contact.email);
    if (reason !== undefined) out.set(contact, rowFailure(reason));
    else if (wholeJobFailed)
      out.set(contact, {
        status: 'failed',
        failure: 'permanent',
        reason: `SendGrid's import job ${job.id ?? ''} failed for every contact it held`,
      });
    else
      out.set(
        contact,
        operation === undefined
          ? { status: 'ok', targetId: contact.email }
          : { status: 'ok', targetId: contact.email, operation },
      );
  }
  return out;
}

export const upsertContacts = defineAction<SendGridSettings, ContactInput>({
  name: 'upsertContacts',
  title: 'Upsert contacts',
  description:
    'Creates or updates Marketing contacts by email (PUT /v3/marketing/contacts, an asynchronous import job); custom ' +
    'fields are given by name; rows SendGrid rejects come back as per-record failures from the job’s error file',
  recordSchema: ContactInput,
  mode: 'upsert',
  maxBatchSize: 30_000,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    const names = customFieldNames(records);
    const fields = names.size > 0 ? await fieldsFor(client, names) : EMPTY_FIELDS;
    const { outcomes, contacts } = prepareContacts(records, fields);
    const listIds = connection.settings.listIds;
    const envelope = Buffer.byteLength(JSON.stringify({ list_ids: listIds ?? [], contacts: [] })) + 16;
    const chunks = chunkBy(
      contacts,
      MAX_CONTACTS_PER_REQUEST,
      MAX_BODY_BYTES - envelope,
      (c) => Buffer.byteLength(JSON.stringify(c.payload)) + 1,
    );
    let written = false;
    for (const chunk of chunks) {
      let decided: Map<PreparedContact, WriteOutcome>;
      try {
        decided = chunkOutcomes(chunk, await importChunk(client, chunk, listIds, connection.log));
        written = true;
      } catch (error) {
        const failure: WriteOutcome = isBadRequest(error)
          ? { status: 'failed', failure: 'permanent', reason: error.message }
          : chunkFailure(error, written);
        decided = new Map(chunk.map((c) => [c, failure]));
      }
      for (const [contact, outcome] of decided) for (const i of contact.indexes) outcomes[i] = { ...outcome };
    }
    return complete(outcomes, { status: 'failed', failure: 'permanent', reason: 'record was not processed' });
  },
});
