import { defineStream, type Json, type Page } from '../../../core/sdk';
import { clientFor, subscriberHash } from '../client';
import { MemberRecord, type MemberStatus } from '../schemas/member';
import type { MailchimpSettings } from '../schemas/settings';
import { refetchMembers } from './members-refetch';

/**
 * Stream `members`: every member of the audience (subscribed, unsubscribed, cleaned… no status filter), oldest
 * change first: `GET /lists/{id}/members?sort_field=last_changed&sort_dir=ASC&since_last_changed=…&offset=…`.
 *
 * Paging is by offset over a list sorted by last_changed, so a member changed DURING a read moves to the end and
 * shifts everyone after it one place left: without care, the member at the page boundary would be skipped. Each
 * page therefore re-reads OVERLAP members before its offset, and records are de-duplicated by id (+ last_changed)
 * within a read; the moved member itself is read again at the end with its new last_changed.
 *
 * Checkpoint (resumable per page): `{ cursor, window, offset }`. Mid-pass, `window` (the since_last_changed of the
 * pass) and `offset` resume exactly; after the last page `offset` is 0 and the next read starts a new pass at
 * `cursor` (the highest last_changed seen) minus LOOKBACK, since Mailchimp's times have whole seconds and a change
 * can land in the second already read.
 */

export const PAGE_SIZE = 1000;
export const OVERLAP = 50;
export const LOOKBACK_MS = 5 * 60_000;

const FIELDS = [
  'members.id',
  'members.email_address',
  'members.status',
  'members.merge_fields',
  'members.tags',
  'members.language',
  'members.last_changed',
  'members.timestamp_opt',
  'members.unsubscribe_reason',
  'total_items',
].join(',');

export type MembersCheckpoint = {
  v: 1;
  /** Highest last_changed read so far (ISO), or null before any member. */
  cursor: string | null;
  /** since_last_changed of the pass in progress (null: the whole audience). */
  window: string | null;
  /** Members of the pass already read; 0 when the pass is complete. */
  offset: number;
};

/** The member fields Mailchimp returns that this stream reads. */
export interface ApiMember {
  id?: string;
  email_address: string;
  status: MemberStatus;
  merge_fields?: Record<string, string | number | Record<string, unknown>>;
  tags?: { id: number; name: string }[];
  language?: string;
  last_changed?: string;
  timestamp_opt?: string;
  unsubscribe_reason?: string;
}

interface MembersResponse {
  members?: ApiMember[];
  total_items?: number;
}

function iso(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** A Mailchimp member as a stream record: times normalised to ISO UTC, empty optional values left out. */
export function toMemberRecord(member: ApiMember): MemberRecord {
  const record: MemberRecord = {
    id: member.id ?? subscriberHash(member.email_address),
    email_address: member.email_address,
    status: member.status,
    merge_fields: member.merge_fields ?? {},
    tags: (member.tags ?? []).map((t) => ({ id: t.id, name: t.name })),
    last_changed: iso(member.last_changed) ?? new Date(0).toISOString(),
  };
  if (member.language) record.language = member.language;
  const opt = iso(member.timestamp_opt);
  if (opt !== undefined) record.timestamp_opt = opt;
  if (member.unsubscribe_reason) record.unsubscribe_reason = member.unsubscribe_reason;
  return record;
}

function asCheckpoint(value: Json | null): MembersCheckpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value.v !== 1) return undefined;
  const { cursor, window, offset } = value;
  const isTime = (t: Json | undefined) => t === null || (typeof t === 'string' && !Number.isNaN(Date.parse(t)));
  if (!isTime(cursor) || !isTime(window) || typeof offset !== 'number' || !(offset >= 0)) return undefined;
  return { v: 1, cursor: cursor as string | null, window: window as string | null, offset: Math.floor(offset) };
}

function earlier(a: string | null, b: string | undefined): string | null {
  if (b === undefined || Number.isNaN(Date.parse(b))) return a;
  if (a === null) return null;
  return Date.parse(b) < Date.parse(a) ? new Date(Date.parse(b)).toISOString() : a;
}

/** Where a read starts: the pass in progress, else a new pass from the cursor minus the look-back. */
export function startOf(checkpoint: Json | null, since?: string): MembersCheckpoint {
  const previous = asCheckpoint(checkpoint);
  if (previous !== undefined && previous.offset > 0) return previous;
  const cursor = previous?.cursor ?? null;
  let window = cursor === null ? null : new Date(Date.parse(cursor) - LOOKBACK_MS).toISOString();
  // `since` may only widen the window (a runner-asked look-back never loses changes)
  if (previous === undefined && since !== undefined && !Number.isNaN(Date.parse(since)))
    window = new Date(Date.parse(since)).toISOString();
  else window = earlier(window, since);
  return { v: 1, cursor, window, offset: 0 };
}

export const members = defineStream<MailchimpSettings, MemberRecord>({
  name: 'members',
  title: 'Audience members',
  description:
    'Every member of the audience (all statuses), oldest change first, resumable per page; incremental by last_changed',
  recordSchema: MemberRecord,
  identity: ['id'],
  modifiedField: 'last_changed',
  // a replay reads each member again by subscriber hash (./members-refetch.ts)
  refetch: (args) => refetchMembers(args),
  async *read({ connection, checkpoint, since }): AsyncGenerator<Page<MemberRecord>> {
    const client = clientFor(connection);
    const state = startOf(checkpoint, since);
    let { cursor, offset } = state;
    const { window } = state;
    const seen = new Map<string, string>();
    for (;;) {
      const start = Math.max(0, offset - OVERLAP);
      const { body } = await client.request<MembersResponse>({
        method: 'GET',
        path: client.listPath('/members'),
        query: {
          count: PAGE_SIZE,
          offset: start,
          sort_field: 'last_changed',
          sort_dir: 'ASC',
          since_last_changed: window ?? undefined,
          fields: FIELDS,
        },
      });
      const page = body?.members ?? [];
      const records: MemberRecord[] = [];
      for (const member of page) {
        const record = toMemberRecord(member);
        if (seen.get(record.id) === record.last_changed) continue;
        seen.set(record.id, record.last_changed);
        records.push(record);
        if (cursor === null || Date.parse(record.last_changed) > Date.parse(cursor)) cursor = record.last_changed;
      }
      const end = start + page.length;
      const done = page.length < PAGE_SIZE || (body?.total_items !== undefined && end >= body.total_items);
      if (done) {
        const last: MembersCheckpoint = { v: 1, cursor, window: null, offset: 0 };
        if (records.length > 0 || JSON.stringify(last) !== JSON.stringify(asCheckpoint(checkpoint) ?? null))
          yield { records, checkpoint: last };
        return;
      }
      offset = Math.max(end, offset);
      yield { records, checkpoint: { v: 1, cursor, window, offset } };
      connection.signal?.throwIfAborted();
    }
  },
});
