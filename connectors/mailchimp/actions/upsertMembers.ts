import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor, subscriberHash, type MailchimpClient } from '../client';
import { audienceMergeTags, checkMergeFields } from '../merge-fields';
import { UpsertMemberInput } from '../schemas/actions';
import type { MailchimpSettings } from '../schemas/settings';

/**
 * Action `upsertMembers`: batch subscribe, `POST /lists/{id}` `{members, update_existing}` (≤500 members).
 *
 * - Mailchimp answers 200 with `new_members`, `updated_members` and `errors[]` (by email_address); each input record
 *   gets its own outcome, in input order, targetId = subscriber hash.
 * - `status_if_new` does not exist in the batch endpoint (only in the one-member PUT), and `status` with
 *   update_existing would overwrite an existing member's status (re-subscribing someone who unsubscribed). So
 *   records with only status_if_new go first in a create-only call (update_existing:false, status = status_if_new):
 *   new ones are created, existing ones come back as ERROR_CONTACT_EXISTS and are then updated WITHOUT a status
 *   together with the records that set `status` explicitly (update_existing:true). At most two calls per batch.
 * - Tags: sent as `tags` on each member; Mailchimp adds them to new and (since 2022-01) existing members. sync_tags
 *   stays off, so tags are only added, never removed (tagMembers removes).
 *   https://mailchimp.com/developer/release-notes/added-ability-sync-tags-existing-members/
 * - merge_fields are checked against the audience's merge fields first: an unknown tag fails that record alone, with
 *   the fix, before anything is sent.
 * - The same address twice in one batch: the last record is sent, earlier ones are `skipped` (Mailchimp would
 *   otherwise reject the duplicates).
 */

interface BatchMember {
  email_address: string;
  status?: string;
  merge_fields?: Record<string, unknown>;
  tags?: string[];
  language?: string;
}

interface BatchResponse {
  new_members?: { id?: string; email_address?: string }[];
  updated_members?: { id?: string; email_address?: string }[];
  errors?: { email_address?: string; error?: string; error_code?: string; field?: string; field_message?: string }[];
}

type BatchError = NonNullable<BatchResponse['errors']>[number];

interface Pending {
  index: number;
  hash: string;
  member: BatchMember;
  /** status_if_new, for records that go through the create-only call. */
  statusIfNew?: string;
}

interface BatchResult {
  created: Set<string>;
  updated: Set<string>;
  errors: Map<string, BatchError>;
}

async function batchSubscribe(client: MailchimpClient, members: BatchMember[], updateExisting: boolean) {
  const { body } = await client.request<BatchResponse>({
    method: 'POST',
    path: client.listPath(),
    body: { members, update_existing: updateExisting },
  });
  const result: BatchResult = { created: new Set(), updated: new Set(), errors: new Map() };
  const hashOf = (m: { id?: string; email_address?: string }) => m.id ?? subscriberHash(m.email_address ?? '');
  for (const m of body?.new_members ?? []) result.created.add(hashOf(m));
  for (const m of body?.updated_members ?? []) result.updated.add(hashOf(m));
  for (const e of body?.errors ?? []) if (e.email_address) result.errors.set(subscriberHash(e.email_address), e);
  return result;
}

function failedFrom(error: BatchError): WriteOutcome {
  const detail = [error.error, error.field_message].filter((s) => s !== undefined && s !== '').join(' — ');
  const outcome: WriteOutcome = {
    status: 'failed',
    failure: 'permanent',
    reason: `Mailchimp refused the member: ${detail || error.error_code || 'no reason given'}`,
  };
  if (error.field) outcome.field = error.field;
  return outcome;
}

const NOT_REPORTED: WriteOutcome = {
  status: 'failed',
  failure: 'retryable',
  reason: 'Mailchimp did not report this member as created, updated or failed',
};

export const upsertMembers = defineAction<MailchimpSettings, UpsertMemberInput>({
  name: 'upsertMembers',
  title: 'Upsert members',
  description:
    'Adds or updates audience members by e-mail (batch subscribe, up to 500): merge fields, tags added, language, status',
  recordSchema: UpsertMemberInput,
  mode: 'upsert',
  maxBatchSize: 500,
  identity: ['email_address'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    const outcomes: (WriteOutcome | undefined)[] = new Array<WriteOutcome | undefined>(records.length);
    const known = records.some((r) => r.merge_fields !== undefined) ? await audienceMergeTags(client) : new Map();
    const byHash = new Map<string, Pending>();

    records.forEach((record, index) => {
      const email = typeof record.email_address === 'string' ? record.email_address.trim() : '';
      if (email === '') {
        outcomes[index] = {
          status: 'failed',
          failure: 'permanent',
          reason: 'email_address is empty',
          field: 'email_address',
        };
        return;
      }
      if (record.status === undefined && record.status_if_new === undefined) {
        outcomes[index] = {
          status: 'failed',
          failure: 'permanent',
          reason: 'set status_if_new (the status of a new member, e.g. subscribed or pending) or status in the mapping',
          field: 'status_if_new',
        };
        return;
      }
      const merge = checkMergeFields(record.merge_fields, known, client.listId);
      if (!merge.ok) {
        outcomes[index] = {
          status: 'failed',
          failure: 'permanent',
          reason: merge.message,
          field: `merge_fields.${merge.tag}`,
        };
        return;
      }
      const member: BatchMember = { email_address: email };
      if (record.status !== undefined) member.status = record.status;
      if (merge.mergeFields !== undefined) member.merge_fields = merge.mergeFields;
      if (record.tags !== undefined && record.tags.length > 0) member.tags = [...new Set(record.tags)];
      if (record.language !== undefined) member.language = record.language;
      const hash = subscriberHash(email);
      const earlier = byHash.get(hash);
      if (earlier !== undefined)
        outcomes[earlier.index] = {
          status: 'skipped',
          reason: 'a later record in the batch has the same e-mail',
          targetId: hash,
        };
      const pending: Pending = { index, hash, member };
      if (record.status === undefined) pending.statusIfNew = record.status_if_new;
      byHash.set(hash, pending);
    });

    const createFirst = [...byHash.values()].filter((p) => p.statusIfNew !== undefined);
    const update = [...byHash.values()].filter((p) => p.statusIfNew === undefined);
    const ok = (p: Pending, operation: 'created' | 'updated'): WriteOutcome => ({
      status: 'ok',
      targetId: p.hash,
      operation,
    });

    if (createFirst.length > 0) {
      const result = await batchSubscribe(
        client,
        createFirst.map((p) => ({ ...p.member, status: p.statusIfNew })),
        false,
      );
      for (const p of createFirst) {
        const error = result.errors.get(p.hash);
        if (result.created.has(p.hash)) outcomes[p.index] = ok(p, 'created');
        else if (error?.error_code === 'ERROR_CONTACT_EXISTS') update.push(p);
        else outcomes[p.index] = error ? failedFrom(error) : NOT_REPORTED;
      }
    }
    if (update.length > 0) {
      update.sort((a, b) => a.index - b.index);
      const result = await batchSubscribe(
        client,
        update.map((p) => p.member),
        true,
      );
      for (const p of update) {
        const error = result.errors.get(p.hash);
        if (result.created.has(p.hash)) outcomes[p.index] = ok(p, 'created');
        else if (result.updated.has(p.hash)) outcomes[p.index] = ok(p, 'updated');
        else outcomes[p.index] = error ? failedFrom(error) : NOT_REPORTED;
      }
    }
    return outcomes.map((o) => o ?? NOT_REPORTED);
  },
});
