import type { Json, Page, ReadArgs } from '../../../core/sdk';
import { clientFor, odooTime, type OdooClient } from '../client';
import { DEFAULT_PAGE_SIZE } from '../policy';
import type { OdooSettings } from '../schemas/settings';

/**
 * Incremental reads of one Odoo model on `(write_date, id)`, exact under ties and sub-second stamps.
 *
 * Odoo keeps write_date to the microsecond but shows and filters it as `YYYY-MM-DD HH:MM:SS` (naive UTC), so a
 * keyset `write_date = <shown value> and id > n` would miss records. The cursor is therefore a second and an id:
 * every record before that second is read, and of that second the ids up to `id`. A read alternates two queries:
 * - within the cursor's second, `id > n` ordered by id (any number of ties, page by page);
 * - from the next second on, ordered `write_date asc, id asc`: the records of the seconds before the page's last
 *   second are complete and emitted; the last second is then read by id (the first query).
 *
 * A read that resumes from a stored checkpoint starts LOOK_BACK_SECONDS before it: Odoo stamps write_date with the
 * transaction's start, so a long transaction can commit a record dated before one already read. A rerun with no
 * changes therefore reads at most that window, and the checkpoint moves with every new record. Archived records
 * are included (`active_test: false`) so an archive reaches the target as a change.
 */

export const LOOK_BACK_SECONDS = 60;

/** The read position, in Odoo's naive UTC format (`YYYY-MM-DD HH:MM:SS`) as domains take it. */
export interface OdooCheckpoint {
  write_date: string;
  id: number;
}

const ODOO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$/;
const secondMs = (odoo: string): number => Date.parse(`${odoo.slice(0, 19).replace(' ', 'T')}Z`);
const secondOf = (odoo: string): string => odoo.slice(0, 19);
const plusSeconds = (odoo: string, n: number): string => odooTime(secondMs(odoo) + n * 1000);

/**
 * A checkpoint time as stored: ISO 8601 with its zone (`2026-03-01T10:00:00Z`). Odoo's own format carries no zone,
 * and whoever reads the stored checkpoint without knowing it is Odoo's (the runner's "checkpoint in the future"
 * check) parses it as local time: on a hub whose time zone is west of UTC a checkpoint just written looked hours
 * ahead of the clock, and the runs read nothing until the clock caught up.
 */
export function storedTime(odoo: string): string {
  return `${odoo.slice(0, 19).replace(' ', 'T')}Z`;
}

/** Odoo's naive UTC text of a stored checkpoint time: ISO with Z, or Odoo's format (checkpoints stored before). */
export function odooTimeOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (ODOO_TIME.test(value)) return value;
  const iso = ISO_UTC.exec(value);
  return iso === null ? undefined : `${iso[1]} ${iso[2]}`;
}

export function parseCheckpoint(value: Json | null): OdooCheckpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const write_date = odooTimeOf(value.write_date);
  const { id } = value;
  if (write_date === undefined || Number.isNaN(secondMs(write_date))) return undefined;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) return undefined;
  return { write_date, id };
}

export function checkpointProblem(value: Json): string | undefined {
  return parseCheckpoint(value) === undefined
    ? 'not an Odoo checkpoint { write_date: "YYYY-MM-DDTHH:MM:SSZ" (or "YYYY-MM-DD HH:MM:SS", UTC), id }'
    : undefined;
}

/** A checkpoint as stored: its time with its zone, any other keys (the orders stream's refunds cursor) kept. */
export function storedCheckpoint(value: Json | null): Json | null {
  const parsed = parseCheckpoint(value);
  if (parsed === undefined || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return { ...value, write_date: storedTime(parsed.write_date), id: parsed.id };
}

/** Where a read starts: the stored checkpoint less the look-back, else `since`, else the beginning. */
export function startOf(args: { checkpoint: Json | null; since?: string }): OdooCheckpoint | undefined {
  const stored = parseCheckpoint(args.checkpoint);
  if (stored !== undefined) return { write_date: plusSeconds(stored.write_date, -LOOK_BACK_SECONDS), id: 0 };
  if (args.since !== undefined && !Number.isNaN(Date.parse(args.since)))
    return { write_date: odooTime(Math.floor(Date.parse(args.since) / 1000) * 1000), id: 0 };
  return undefined;
}

export interface ModelRead<R> {
  model: string;
  fields: string[];
  /** Filters of the stream (e.g. move_type), before the keyset. */
  domain?: unknown[];
  /** Turns the raw rows of one page into records (may call Odoo again, e.g. for order lines). */
  toRecords(rows: Record<string, unknown>[], client: OdooClient): Promise<R[]>;
}

export const ALL_RECORDS = { active_test: false } as const;

export async function* readModel<R>(spec: ModelRead<R>, args: ReadArgs<OdooSettings>): AsyncIterable<Page<R>> {
  const client = clientFor(args.connection);
  const limit = args.connection.settings.pageSize ?? DEFAULT_PAGE_SIZE;
  const fields = [...new Set(['id', 'write_date', ...spec.fields])];
  const base = spec.domain ?? [];
  const search = (domain: unknown[], order: string) =>
    client.call<Record<string, unknown>[]>(spec.model, 'search_read', {
      args: { domain: [...base, ...domain], fields, order, limit },
      context: ALL_RECORDS,
    });
  let at = startOf(args);
  let yielded = false;
  const page = async (rows: Record<string, unknown>[], checkpoint: OdooCheckpoint): Promise<Page<R>> => {
    yielded = true;
    return {
      records: await spec.toRecords(rows, client),
      checkpoint: { write_date: storedTime(checkpoint.write_date), id: checkpoint.id },
    };
  };
  for (;;) {
    let from: string | undefined;
    if (at !== undefined) {
      // the ties of one second, by id
      const { write_date: second, id } = at;
      const rows = await search(
        [
          ['write_date', '>=', second],
          ['write_date', '<', plusSeconds(second, 1)],
          ['id', '>', id],
        ],
        'id asc',
      );
      if (rows.length > 0) {
        at = { write_date: second, id: Number(rows[rows.length - 1]!.id) };
        yield await page(rows, at);
      }
      if (rows.length === limit) continue;
      from = plusSeconds(second, 1);
    }
    const rows = await search(from === undefined ? [] : [['write_date', '>=', from]], 'write_date asc, id asc');
    const last = rows[rows.length - 1];
    if (last === undefined) break;
    const lastSecond = secondOf(String(last.write_date));
    if (rows.length < limit) {
      // everything left: the last second is complete too
      const ids = rows.filter((r) => secondOf(String(r.write_date)) === lastSecond).map((r) => Number(r.id));
      yield await page(rows, { write_date: lastSecond, id: Math.max(...ids) });
      return;
    }
    // the seconds before the last are complete; the last is read by id next
    const complete = rows.filter((r) => secondOf(String(r.write_date)) < lastSecond);
    at = { write_date: lastSecond, id: 0 };
    if (complete.length > 0) yield await page(complete, at);
  }
  // nothing new: the stored checkpoint stands (never the look-back start, which would walk it backwards)
  if (!yielded) yield { records: [], checkpoint: storedCheckpoint(args.checkpoint ?? null) };
}
