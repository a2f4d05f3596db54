import { subscriberHash } from '../client';
import type { MemberStatus } from '../schemas/member';
import { looksLikeEmail, mailchimpTime, type MemberStore, type MergeValue, type SandboxMember } from './store';

/**
 * Member writes as Mailchimp performs them: batch subscribe (`POST /lists/{id}`) with per-member errors, and the
 * one-member PUT/PATCH. Pure functions over the store, so routes stay thin.
 */

const NEW_STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);

export interface MemberInput {
  email_address?: unknown;
  status?: unknown;
  status_if_new?: unknown;
  merge_fields?: unknown;
  tags?: unknown;
  language?: unknown;
}

export interface MemberError {
  email_address: string;
  error: string;
  error_code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC';
  field: string;
  field_message: string;
}

const generic = (email: string, error: string, field: string, fieldMessage: string): MemberError => ({
  email_address: email,
  error,
  error_code: 'ERROR_GENERIC',
  field,
  field_message: fieldMessage,
});

/** Why Mailchimp would refuse this member's data, or undefined. */
export function memberProblem(
  store: MemberStore,
  input: MemberInput,
  options: { skipMergeValidation?: boolean },
): MemberError | undefined {
  const email = typeof input.email_address === 'string' ? input.email_address.trim() : '';
  if (!looksLikeEmail(email))
    return generic(
      email,
      `${email} looks fake or invalid, please enter a real email address.`,
      'email_address',
      'Please provide a valid email address.',
    );
  if (store.erased.has(subscriberHash(email)))
    return generic(
      email,
      `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
      'email_address',
      'This contact was permanently deleted.',
    );
  if (input.status !== undefined && (typeof input.status !== 'string' || !NEW_STATUSES.has(input.status)))
    return generic(email, 'Invalid Resource', 'status', 'Please provide a valid status.');
  if (input.merge_fields !== undefined) {
    if (typeof input.merge_fields !== 'object' || input.merge_fields === null)
      return generic(email, 'Your merge fields were invalid.', 'merge_fields', 'Merge fields must be an object.');
    if (options.skipMergeValidation !== true) {
      for (const tag of Object.keys(input.merge_fields))
        if (!store.hasMergeTag(tag))
          return generic(email, 'Your merge fields were invalid.', tag, `The merge field ${tag} does not exist.`);
    }
  }
  if (input.tags !== undefined && (!Array.isArray(input.tags) || input.tags.some((t) => typeof t !== 'string')))
    return generic(email, 'Invalid Resource', 'tags', 'Tags must be an array of strings.');
  return undefined;
}

/** Applies the input's fields to a member (status only when given). */
export function applyInput(store: MemberStore, member: SandboxMember, input: MemberInput, at: number, sync = false) {
  if (typeof input.status === 'string' && input.status !== member.status) {
    member.status = input.status as MemberStatus;
    if (member.status === 'subscribed') member.timestamp_opt = mailchimpTime(at);
    if (member.status === 'unsubscribed') member.unsubscribe_reason = 'N/A (Unsubscribed by API)';
  }
  if (typeof input.merge_fields === 'object' && input.merge_fields !== null)
    Object.assign(member.merge_fields, input.merge_fields as Record<string, MergeValue>);
  if (typeof input.language === 'string') member.language = input.language;
  if (Array.isArray(input.tags)) store.applyTags(member, input.tags as string[], sync);
  else if (sync) member.tags = [];
  store.put(member, at);
}

export interface BatchBody {
  members?: unknown;
  update_existing?: unknown;
  sync_tags?: unknown;
}

export function batchSubscribe(
  store: MemberStore,
  body: BatchBody,
  options: { skipMergeValidation?: boolean; skipDuplicateCheck?: boolean },
  at: number,
) {
  const members = body.members as MemberInput[];
  const updateExisting = body.update_existing === true;
  const syncTags = body.sync_tags === true && updateExisting;
  const created: SandboxMember[] = [];
  const updated: SandboxMember[] = [];
  const errors: MemberError[] = [];
  const inRequest = new Set<string>();
  for (const input of members) {
    const problem = memberProblem(store, input ?? {}, options);
    if (problem) {
      errors.push(problem);
      continue;
    }
    const email = (input.email_address as string).trim();
    const hash = subscriberHash(email);
    if (inRequest.has(hash)) {
      // skip_duplicate_check: the first occurrence wins, the others are dropped silently
      if (options.skipDuplicateCheck !== true)
        errors.push(
          generic(email, `${email} is a duplicate in this request.`, 'email_address', 'Duplicate email address.'),
        );
      continue;
    }
    inRequest.add(hash);
    const existing = store.get(hash);
    if (existing !== undefined && existing.status !== 'archived') {
      if (!updateExisting) {
        errors.push({
          email_address: email,
          error: `${email} is already a list member. Use PUT to insert or update list members.`,
          error_code: 'ERROR_CONTACT_EXISTS',
          field: 'email_address',
          field_message: 'This email address is already subscribed to this list.',
        });
        continue;
      }
      applyInput(store, existing, input, at, syncTags);
      updated.push(existing);
      continue;
    }
    if (typeof input.status !== 'string') {
      errors.push(generic(email, 'Invalid Resource', 'status', 'Please provide a valid status for a new member.'));
      continue;
    }
    const member = store.create(email, input.status as MemberStatus, at);
    applyInput(store, member, { ...input, status: undefined }, at);
    created.push(member);
  }
  return {
    new_members: created,
    updated_members: updated,
    errors,
    total_created: created.length,
    total_updated: updated.length,
    error_count: errors.length,
    _links: [],
  };
}
