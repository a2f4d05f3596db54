import type { ConnectionContext } from '../../core/sdk';
import { clientFor, type MailchimpClient } from './client';
import type { MailchimpSettings } from './schemas/settings';

/**
 * The audience's merge fields, and the check that a record only uses tags that exist. Mailchimp rejects a member
 * carrying an unknown merge tag; checking before the batch lets the outcome name the tag and the fix, instead of
 * Mailchimp's generic "Your merge fields were invalid". The list is cached per account and audience for a few
 * minutes, so a run of many batches asks once.
 */

export const MERGE_FIELD_CACHE_MS = 5 * 60_000;

interface MergeFieldsResponse {
  merge_fields?: { tag?: string; type?: string }[];
  total_items?: number;
}

interface CacheEntry {
  at: number;
  /** Upper-case tag → the tag as the audience spells it. */
  tags: Map<string, string>;
}

const cache = new Map<string, CacheEntry>();

/** Forgets every cached merge-field list (tests; or after creating a merge field). */
export function clearMergeFieldCache(): void {
  cache.clear();
}

/** The audience's merge tags (upper case → canonical), from the cache when fresh. */
export async function audienceMergeTags(client: MailchimpClient, now = Date.now()): Promise<Map<string, string>> {
  const key = `${client.account}\u0000${client.listId}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < MERGE_FIELD_CACHE_MS) return hit.tags;
  const tags = new Map<string, string>();
  // an audience has at most a few dozen merge fields; 1000 is the page maximum, so one page holds them all
  const { body } = await client.request<MergeFieldsResponse>({
    method: 'GET',
    path: client.listPath('/merge-fields'),
    query: { count: 1000, fields: 'merge_fields.tag,merge_fields.type,total_items' },
  });
  for (const field of body?.merge_fields ?? [])
    if (typeof field.tag === 'string') tags.set(field.tag.toUpperCase(), field.tag);
  cache.set(key, { at: now, tags });
  return tags;
}

export interface MergeFieldProblem {
  tag: string;
  /** Says what is wrong and how to fix it. */
  message: string;
}

export function unknownMergeTagMessage(tag: string, listId: string): string {
  return (
    `merge field "${tag}" does not exist in Mailchimp audience ${listId}: ` +
    `create merge field ${tag} in the audience (Audience → Settings → Audience fields and *|MERGE|* tags) ` +
    'or remove it from the mapping'
  );
}

/**
 * Checks one record's merge_fields against the audience's tags (matched case-insensitively, as Mailchimp stores
 * tags in upper case). Returns the fields keyed by the audience's own spelling, or the first unknown tag.
 */
export function checkMergeFields(
  mergeFields: Record<string, unknown> | undefined,
  known: ReadonlyMap<string, string>,
  listId: string,
): { ok: true; mergeFields: Record<string, unknown> | undefined } | ({ ok: false } & MergeFieldProblem) {
  if (mergeFields === undefined) return { ok: true, mergeFields: undefined };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(mergeFields)) {
    const tag = known.get(key.toUpperCase());
    if (tag === undefined) return { ok: false, tag: key, message: unknownMergeTagMessage(key, listId) };
    if (value !== undefined) out[tag] = value;
  }
  return { ok: true, mergeFields: out };
}

/**
 * For a mapping preview: the merge tags that sample records (e.g. mapping outputs) use and the audience lacks,
 * each once, with the fix. Empty when every tag exists.
 */
export async function validateMergeFields(
  connection: ConnectionContext<MailchimpSettings>,
  samples: { merge_fields?: Record<string, unknown> }[],
): Promise<MergeFieldProblem[]> {
  const client = clientFor(connection);
  const known = await audienceMergeTags(client);
  const problems = new Map<string, MergeFieldProblem>();
  for (const sample of samples) {
    for (const key of Object.keys(sample.merge_fields ?? {})) {
      if (!known.has(key.toUpperCase()) && !problems.has(key))
        problems.set(key, { tag: key, message: unknownMergeTagMessage(key, client.listId) });
    }
  }
  return [...problems.values()];
}
