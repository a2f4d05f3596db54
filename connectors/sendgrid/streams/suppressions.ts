import { defineStream, type Json, type Page } from '../../../core/sdk';
import { clientFor } from '../client';
import { Suppression, type SuppressionType } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';

/**
 * Stream `suppressions`: global unsubscribes, bounces and spam reports (`GET /v3/suppression/{unsubscribes|bounces|
 * spam_reports}`), 500 per page by offset, each list from `start_time` = the newest `created` already read
 * (inclusive, so entries of that very second come again: the ids de-duplicate them). The lists are read one after
 * the other; the checkpoint holds each list's newest time plus the position inside the list being read, so a read
 * resumes mid-list. A `since` from the runner replaces the stored times.
 */

export const SUPPRESSION_PAGE = 500;

export const SUPPRESSION_LISTS: readonly { type: SuppressionType; path: string }[] = [
  { type: 'unsubscribe', path: '/v3/suppression/unsubscribes' },
  { type: 'bounce', path: '/v3/suppression/bounces' },
  { type: 'spamreport', path: '/v3/suppression/spam_reports' },
];

export type SuppressionsCheckpoint = {
  /** Newest `created` (Unix seconds) read completely, per list. */
  since: { [type: string]: number };
  /** The list being read when the page was taken, and how far. */
  at?: { type: string; offset: number; max: number };
};

interface SuppressionRow {
  created?: number;
  email?: string;
  reason?: string;
}

function asCheckpoint(value: Json | null): SuppressionsCheckpoint {
  const empty: SuppressionsCheckpoint = { since: {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return empty;
  const since: Record<string, number> = {};
  const raw = value.since;
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw))
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isFinite(v)) since[k] = v;
  const at = value.at;
  if (typeof at === 'object' && at !== null && !Array.isArray(at)) {
    const { type, offset, max } = at;
    if (typeof type === 'string' && typeof offset === 'number' && typeof max === 'number')
      return { since, at: { type, offset, max } };
  }
  return { since };
}

export function toSuppression(type: SuppressionType, row: SuppressionRow): Suppression | undefined {
  if (typeof row.email !== 'string' || row.email.trim() === '') return undefined;
  const email = row.email.trim().toLowerCase();
  const created = typeof row.created === 'number' && Number.isFinite(row.created) ? row.created : 0;
  const record: Suppression = {
    id: `${type}:${email}`,
    email,
    type,
    created_at: new Date(created * 1000).toISOString(),
  };
  if (typeof row.reason === 'string' && row.reason !== '') record.reason = row.reason;
  return record;
}

export const suppressions = defineStream<SendGridSettings, Suppression>({
  name: 'suppressions',
  title: 'Suppressions',
  description: 'Global unsubscribes, bounces and spam reports, incremental by created time',
  recordSchema: Suppression,
  identity: ['id'],
  modifiedField: 'created_at',
  async *read({ connection, checkpoint, since }): AsyncGenerator<Page<Suppression>> {
    const client = clientFor(connection);
    const state = asCheckpoint(checkpoint);
    const sinceSeconds =
      since === undefined || Number.isNaN(Date.parse(since)) ? undefined : Math.floor(Date.parse(since) / 1000);
    const first =
      state.at === undefined
        ? 0
        : Math.max(
            0,
            SUPPRESSION_LISTS.findIndex((l) => l.type === state.at?.type),
          );
    const done: Record<string, number> = { ...state.since };
    let yielded = false;

    for (const list of SUPPRESSION_LISTS.slice(first)) {
      const resume = state.at?.type === list.type ? state.at : undefined;
      const startTime = sinceSeconds ?? done[list.type];
      let offset = resume?.offset ?? 0;
      let max = resume?.max ?? done[list.type] ?? 0;
      for (;;) {
        const rows = await client.request<SuppressionRow[]>('GET', list.path, {
          qs: { start_time: startTime, limit: SUPPRESSION_PAGE, offset },
        });
        const batch = Array.isArray(rows) ? rows : [];
        const records: Suppression[] = [];
        for (const row of batch) {
          const record = toSuppression(list.type, row);
          if (record === undefined) continue;
          records.push(record);
          if (typeof row.created === 'number' && row.created > max) max = row.created;
        }
        offset += batch.length;
        const more = batch.length >= SUPPRESSION_PAGE;
        if (records.length > 0) {
          const at = more ? { type: list.type, offset, max } : undefined;
          const next: SuppressionsCheckpoint = {
            since: { ...done, ...(more ? {} : max > 0 ? { [list.type]: max } : {}) },
          };
          if (at !== undefined) next.at = at;
          yield { records, checkpoint: next as unknown as Json };
          yielded = true;
          connection.signal?.throwIfAborted();
        }
        if (!more) break;
      }
      if (max > 0) done[list.type] = max;
    }
    const last = { since: done } as unknown as Json;
    if (!yielded && JSON.stringify(last) !== JSON.stringify(checkpoint)) yield { records: [], checkpoint: last };
  },
});
