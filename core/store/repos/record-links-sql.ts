import { ID_PREFIX, newId } from '../ids';
import { toJsonOrNull } from '../json';
import type { LinkRow, LinkUpsert } from './record-links-rows';

/**
 * The SQLite statements of the runner's hot link paths (core/store/raw-sqlite.ts: prepared once per connection,
 * run per page or per link) and the values they bind: RecordLinksRepo's fast path, the same rows and meaning as its
 * Kysely queries.
 */

/** The columns of a link row, in `rowValues` and `toLinkFromValues` order. */
export const ROW_COLUMNS = [
  'id',
  'link_group',
  'entity_id',
  'entity',
  'connection_id',
  'external_id',
  'last_written_hash',
  'last_read_hash',
  'source_modified_at',
  'deleted_at',
  'created_at',
  'updated_at',
  'last_written_fields',
  'last_read_fields',
  'last_seen_run',
  'duplicate_of',
  'last_mapped',
] as const satisfies readonly (keyof LinkRow)[];

/**
 * SQLite (core/store/raw-sqlite.ts): the lookups of a page as one prepared statement each, the ids passed as one
 * JSON array (json_each), whatever their number; the same rows in the same order as the Kysely queries below.
 */
export const FIND_MANY_SQL =
  `select ${ROW_COLUMNS.join(', ')} from record_links ` +
  'where link_group = ? and connection_id = ? and external_id in (select value from json_each(?))';
export const FIND_BY_ENTITIES_SQL =
  `select ${ROW_COLUMNS.join(', ')} from record_links ` +
  'where link_group = ? and entity_id in (select value from json_each(?)) ' +
  'and connection_id in (select value from json_each(?)) and deleted_at is null ' +
  'and id not in (select value from json_each(?)) order by updated_at desc, id desc';

/**
 * A page's source links joined to the live links of their entities in some connections (`findWithPeers`): one
 * probe of the unique index per key, then of (link_group, entity_id, connection_id) per source link; the source
 * link itself is left out by rowid, which that index holds (its row is not read again).
 */
export const FIND_WITH_PEERS_SQL =
  `select ${ROW_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${ROW_COLUMNS.map((c) => `p.${c}`).join(', ')} ` +
  'from record_links s left join record_links p on p.link_group = s.link_group and p.entity_id = s.entity_id ' +
  'and p.connection_id in (select value from json_each(?)) and p.rowid <> s.rowid and p.deleted_at is null ' +
  'where s.link_group = ? and s.connection_id = ? and s.external_id in (select value from json_each(?))';

/** `newRow(input, now)` as statement values, in ROW_COLUMNS order (no row object per link). */
export function rowValues(input: LinkUpsert, now: number): (string | number | null)[] {
  return [
    newId(ID_PREFIX.recordLink, now),
    input.linkGroup,
    input.entityId ?? newId(ID_PREFIX.entity, now),
    input.entity,
    input.connectionId,
    input.externalId,
    input.lastWrittenHash ?? null,
    input.lastReadHash ?? null,
    input.sourceModifiedAt ?? null,
    input.deletedAt ?? null,
    now,
    now,
    toJsonOrNull(input.lastWrittenFields),
    toJsonOrNull(input.lastReadFields),
    input.lastSeenRunId ?? null,
    input.duplicateOf ?? null,
    input.lastMapped ?? null,
  ];
}

/** The fields an upsert sets (not undefined) as a bit mask, bit i for UPSERT_FIELDS[i]: upserts of one shape share one statement. */
export function shapeOf(input: LinkUpsert): number {
  // spelled out in UPSERT_FIELDS order (a loop reading the fields by name costs more than the upsert's own work)
  return (
    (input.entityId !== undefined ? 1 : 0) |
    (input.lastWrittenHash !== undefined ? 2 : 0) |
    (input.lastReadHash !== undefined ? 4 : 0) |
    (input.sourceModifiedAt !== undefined ? 8 : 0) |
    (input.deletedAt !== undefined ? 16 : 0) |
    (input.lastWrittenFields !== undefined ? 32 : 0) |
    (input.lastReadFields !== undefined ? 64 : 0) |
    (input.lastSeenRunId !== undefined ? 128 : 0) |
    (input.duplicateOf !== undefined ? 256 : 0) |
    (input.lastMapped !== undefined ? 512 : 0)
  );
}

/** The upsert of one link setting `columns` (and its update time) on conflict: `saveMany`'s meaning, one row. */
export function upsertSql(columns: readonly string[]): string {
  const set = ['updated_at', ...columns].map((column) => `${column} = excluded.${column}`).join(', ');
  return (
    `insert into record_links (${ROW_COLUMNS.join(', ')}) values (${ROW_COLUMNS.map(() => '?').join(', ')}) ` +
    `on conflict (link_group, connection_id, external_id) do update set ${set}`
  );
}
