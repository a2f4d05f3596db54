import { ID_PREFIX, newId } from '../ids';
import { toJsonOrNull } from '../json';
import { pgArray, pgStatement, type PgStatement } from '../raw-pg';
import { UPSERT_COLUMNS, UPSERT_FIELDS, type LinkUpsert } from './record-links-rows';
import { ROW_COLUMNS } from './record-links-sql';

/**
 * The PostgreSQL statements of the runner's hot link paths (core/store/raw-pg.ts: named prepared statements, one
 * text whatever the number of ids or rows, ids and rows as array parameters): RecordLinksRepo's fast path, the same
 * rows and meaning as its Kysely queries. Rows come as arrays in ROW_COLUMNS order (`toLinkFromValues`).
 */

const COLUMNS = ROW_COLUMNS.join(', ');

export const FIND_MANY_PG = pgStatement(
  'hub_links_find_many',
  `select ${COLUMNS} from record_links where link_group = $1 and connection_id = $2 and external_id = any($3::text[])`,
  { rowMode: 'array' },
);

/**
 * `order by` across all the entities at once (the Kysely path orders within each chunk of 500 entities). The links
 * to leave out are left out by the caller, as on the Kysely path: in a generic plan (a prepared statement's, after
 * five calls) `id <> all($n)` is not hashed and compared each row with every id (3 × the look-up's time).
 */
export const FIND_BY_ENTITIES_PG = pgStatement(
  'hub_links_find_by_entities',
  `select ${COLUMNS} from record_links where link_group = $1 and entity_id = any($2::text[]) ` +
    'and connection_id = any($3::text[]) and deleted_at is null order by updated_at desc, id desc',
  { rowMode: 'array' },
);

/** The PostgreSQL type of each column an upsert may set (the rest are text). */
const BIGINT_COLUMNS = new Set<string>(['source_modified_at', 'deleted_at']);

/** What every inserted row carries, whatever the upsert's shape; created_at and updated_at are one parameter. */
const KEY_COLUMNS = ['id', 'link_group', 'entity_id', 'entity', 'connection_id', 'external_id'] as const;

/** The optional columns of a shape (bit i for UPSERT_FIELDS[i]), entity_id aside (always inserted). */
function shapeColumns(shape: number): string[] {
  const columns: string[] = [];
  for (let bit = 1; bit < UPSERT_FIELDS.length; bit++)
    if ((shape & (1 << bit)) !== 0) columns.push(UPSERT_COLUMNS[UPSERT_FIELDS[bit]]);
  return columns;
}

const upserts = new Map<number, PgStatement>();

/**
 * The upsert of many links of one shape: their rows as one array per column (`unnest`), columns the shape leaves
 * out inserted as null (they have no default), and on conflict the shape's columns and the update time set from the
 * new row — `saveMany`'s meaning, as its Kysely multi-row statement.
 */
export function upsertPg(shape: number): PgStatement {
  let statement = upserts.get(shape);
  if (statement !== undefined) return statement;
  const optional = shapeColumns(shape);
  const inserted = [...KEY_COLUMNS, ...optional];
  const arrays = inserted.map((column, i) => `$${i + 1}::${BIGINT_COLUMNS.has(column) ? 'bigint' : 'text'}[]`);
  const now = `$${inserted.length + 1}::bigint`;
  const set = ['updated_at', ...((shape & 1) !== 0 ? ['entity_id'] : []), ...optional]
    .map((column) => `${column} = excluded.${column}`)
    .join(', ');
  statement = pgStatement(
    `hub_links_upsert_${shape}`,
    `insert into record_links (${inserted.join(', ')}, created_at, updated_at) ` +
      `select u.*, ${now}, ${now} from unnest(${arrays.join(', ')}) as u ` +
      `on conflict (link_group, connection_id, external_id) do update set ${set}`,
  );
  upserts.set(shape, statement);
  return statement;
}

type Value = string | number | null;

/** `upsertPg(shape)`'s parameters for `inputs` (all of that shape): one array per inserted column, then `now`. */
export function upsertPgValues(shape: number, inputs: readonly LinkUpsert[], now: number): unknown[] {
  const n = inputs.length;
  const ids = new Array<string>(n);
  const groups = new Array<string>(n);
  const entityIds = new Array<string>(n);
  const entities = new Array<string>(n);
  const connections = new Array<string>(n);
  const externalIds = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const input = inputs[i];
    ids[i] = newId(ID_PREFIX.recordLink, now);
    groups[i] = input.linkGroup;
    entityIds[i] = input.entityId ?? newId(ID_PREFIX.entity, now);
    entities[i] = input.entity;
    connections[i] = input.connectionId;
    externalIds[i] = input.externalId;
  }
  const values: unknown[] = [ids, groups, entityIds, entities, connections, externalIds].map(pgArray);
  for (let bit = 1; bit < UPSERT_FIELDS.length; bit++) {
    if ((shape & (1 << bit)) === 0) continue;
    const field = UPSERT_FIELDS[bit];
    const json = field === 'lastWrittenFields' || field === 'lastReadFields';
    const column = new Array<Value>(n);
    for (let i = 0; i < n; i++) {
      const value = inputs[i][field];
      column[i] = json ? toJsonOrNull(value) : ((value ?? null) as Value);
    }
    values.push(pgArray(column));
  }
  values.push(now);
  return values;
}
