import type { Json } from '../../../core/sdk';

/**
 * The checkpoint of a HubSpot object stream. Every value is exact: a read resumes with the very query it
 * describes (the look-back overlap is subtracted when a read ends, not when the next one starts).
 *
 * - `{ mode: 'list', after?, ts?, startedAt }`: full backfill through the list endpoint; `after` is its cursor,
 *   `ts` the latest modification time seen, `startedAt` when the backfill began.
 * - `{ mode: 'search', ts, after? }`: search for records modified at or after `ts` (epoch ms), sorted by that
 *   time; `after` is the offset inside that query.
 * - `{ mode: 'search', ts, id, after? }`: more than 10,000 records share the millisecond `ts`: search those with
 *   `hs_object_id` above `id`, sorted by id.
 */
export type HubSpotCheckpoint =
  | { mode: 'list'; after?: string; ts?: number; startedAt: number }
  | { mode: 'search'; ts: number; id?: string; after?: string };

function isCursor(value: Json | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isTime(value: Json | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Reads a stored checkpoint; anything unrecognisable counts as none (a full read, which is always safe). */
export function parseCheckpoint(value: Json | null): HubSpotCheckpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (value.mode === 'list' && isTime(value.startedAt)) {
    const out: HubSpotCheckpoint = { mode: 'list', startedAt: value.startedAt };
    if (isCursor(value.after)) out.after = value.after;
    if (isTime(value.ts)) out.ts = value.ts;
    return out;
  }
  if (value.mode === 'search' && isTime(value.ts)) {
    const out: HubSpotCheckpoint = { mode: 'search', ts: value.ts };
    if (isCursor(value.id) && /^\d+$/.test(value.id)) out.id = value.id;
    if (isCursor(value.after)) out.after = value.after;
    return out;
  }
  return undefined;
}
