import type { Selectable } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { RecordLinksTable } from '../schema';

/**
 * Record links: which record in which connection is the same logical record (entity) within a link group, and
 * what the hub last wrote to / read from it. One row per (link group, connection, external id); rows sharing an
 * `entityId` are peers.
 */
export interface RecordLink {
  id: string;
  linkGroup: string;
  entityId: string;
  entity: string;
  connectionId: string;
  externalId: string;
  lastWrittenHash?: string;
  lastReadHash?: string;
  sourceModifiedAt?: number;
  deletedAt?: number;
  /** Fields of the payload last written into the record (with `lastWrittenHash`: echo detection). */
  lastWrittenFields?: string[];
  /** Hash of each field of the record as last read. */
  lastReadFields?: Record<string, string>;
  /** The run that last read the record (mirror mode). */
  lastSeenRunId?: string;
  /**
   * A source record whose destination identity collides with another source record's: the external id of the
   * record that wins (the most recently modified). A duplicate is never written, chosen as a peer or mirrored.
   */
  duplicateOf?: string;
  /**
   * Source links: what the record as last read mapped to, `<mapping fingerprint>:<payload hash prefix>`, when its
   * last outcome was written or unchanged (core/runner/mapped-state.ts).
   */
  lastMapped?: string;
  createdAt: number;
  updatedAt: number;
}

/** A source link and its peer in another connection (mirror mode: what to delete there). */
export interface LinkedPair {
  source: RecordLink;
  peer: RecordLink;
}

export interface RecordRef {
  connectionId: string;
  externalId: string;
}

/** Fields to set on a link; undefined keeps the stored value, null clears it. */
export interface LinkUpsert extends RecordRef {
  linkGroup: string;
  entity: string;
  /** Joins the link to an entity; a new link without one gets a new entity id. */
  entityId?: string;
  lastWrittenHash?: string | null;
  lastReadHash?: string | null;
  sourceModifiedAt?: number | null;
  deletedAt?: number | null;
  lastWrittenFields?: string[] | null;
  lastReadFields?: Record<string, string> | null;
  lastSeenRunId?: string | null;
  duplicateOf?: string | null;
  lastMapped?: string | null;
}

export type LinkRow = Selectable<RecordLinksTable>;

export function toLink(row: LinkRow): RecordLink {
  const link: RecordLink = {
    id: row.id,
    linkGroup: row.link_group,
    entityId: row.entity_id,
    entity: row.entity,
    connectionId: row.connection_id,
    externalId: row.external_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.last_written_hash !== null) link.lastWrittenHash = row.last_written_hash;
  if (row.last_read_hash !== null) link.lastReadHash = row.last_read_hash;
  if (row.source_modified_at !== null) link.sourceModifiedAt = row.source_modified_at;
  if (row.deleted_at !== null) link.deletedAt = row.deleted_at;
  const writtenFields = fromJsonOrUndefined<string[]>(row.last_written_fields);
  if (writtenFields !== undefined) link.lastWrittenFields = writtenFields;
  const readFields = fromJsonOrUndefined<Record<string, string>>(row.last_read_fields);
  if (readFields !== undefined) link.lastReadFields = readFields;
  if (row.last_seen_run !== null) link.lastSeenRunId = row.last_seen_run;
  if (row.duplicate_of !== null && row.duplicate_of !== undefined) link.duplicateOf = row.duplicate_of;
  if (row.last_mapped !== null && row.last_mapped !== undefined) link.lastMapped = row.last_mapped;
  return link;
}

/**
 * A link row as the values of its columns, in this order (SQLite statements that return arrays: no object per row):
 * id, link_group, entity_id, entity, connection_id, external_id, last_written_hash, last_read_hash,
 * source_modified_at, deleted_at, created_at, updated_at, last_written_fields, last_read_fields, last_seen_run,
 * duplicate_of, last_mapped.
 */
export type LinkValues = readonly [
  string,
  string,
  string,
  string,
  string,
  string,
  string | null,
  string | null,
  number | null,
  number | null,
  number,
  number,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
];

/**
 * `toLink` of a row given as `LinkValues`, or of the 17 values from `offset` in a longer row (a join's second
 * table).
 */
export function toLinkFromValues(values: LinkValues | readonly unknown[], offset = 0): RecordLink {
  const v = values as readonly (string | number | null)[];
  const o = offset;
  const link: RecordLink = {
    id: v[o] as string,
    linkGroup: v[o + 1] as string,
    entityId: v[o + 2] as string,
    entity: v[o + 3] as string,
    connectionId: v[o + 4] as string,
    externalId: v[o + 5] as string,
    createdAt: v[o + 10] as number,
    updatedAt: v[o + 11] as number,
  };
  if (v[o + 6] !== null) link.lastWrittenHash = v[o + 6] as string;
  if (v[o + 7] !== null) link.lastReadHash = v[o + 7] as string;
  if (v[o + 8] !== null) link.sourceModifiedAt = v[o + 8] as number;
  if (v[o + 9] !== null) link.deletedAt = v[o + 9] as number;
  const writtenFields = fromJsonOrUndefined<string[]>(v[o + 12] as string | null);
  if (writtenFields !== undefined) link.lastWrittenFields = writtenFields;
  const readFields = fromJsonOrUndefined<Record<string, string>>(v[o + 13] as string | null);
  if (readFields !== undefined) link.lastReadFields = readFields;
  if (v[o + 14] !== null) link.lastSeenRunId = v[o + 14] as string;
  if (v[o + 15] !== null) link.duplicateOf = v[o + 15] as string;
  if (v[o + 16] !== null) link.lastMapped = v[o + 16] as string;
  return link;
}

/** The columns an upsert sets: every field that is not undefined (null clears). */
export function changesOf(input: LinkUpsert, now: number): Partial<LinkRow> {
  const changes: Partial<LinkRow> = { updated_at: now };
  if (input.entityId !== undefined) changes.entity_id = input.entityId;
  if (input.lastWrittenHash !== undefined) changes.last_written_hash = input.lastWrittenHash;
  if (input.lastReadHash !== undefined) changes.last_read_hash = input.lastReadHash;
  if (input.sourceModifiedAt !== undefined) changes.source_modified_at = input.sourceModifiedAt;
  if (input.deletedAt !== undefined) changes.deleted_at = input.deletedAt;
  if (input.lastWrittenFields !== undefined) changes.last_written_fields = toJsonOrNull(input.lastWrittenFields);
  if (input.lastReadFields !== undefined) changes.last_read_fields = toJsonOrNull(input.lastReadFields);
  if (input.lastSeenRunId !== undefined) changes.last_seen_run = input.lastSeenRunId;
  if (input.duplicateOf !== undefined) changes.duplicate_of = input.duplicateOf;
  if (input.lastMapped !== undefined) changes.last_mapped = input.lastMapped;
  return changes;
}

export function newRow(input: LinkUpsert, now: number): LinkRow {
  return {
    id: newId(ID_PREFIX.recordLink, now),
    link_group: input.linkGroup,
    entity_id: input.entityId ?? newId(ID_PREFIX.entity, now),
    entity: input.entity,
    connection_id: input.connectionId,
    external_id: input.externalId,
    last_written_hash: input.lastWrittenHash ?? null,
    last_read_hash: input.lastReadHash ?? null,
    source_modified_at: input.sourceModifiedAt ?? null,
    deleted_at: input.deletedAt ?? null,
    created_at: now,
    updated_at: now,
    last_written_fields: toJsonOrNull(input.lastWrittenFields),
    last_read_fields: toJsonOrNull(input.lastReadFields),
    last_seen_run: input.lastSeenRunId ?? null,
    duplicate_of: input.duplicateOf ?? null,
    last_mapped: input.lastMapped ?? null,
  };
}

/** The optional fields of an upsert and the column each one sets. */
export const UPSERT_COLUMNS = {
  entityId: 'entity_id',
  lastWrittenHash: 'last_written_hash',
  lastReadHash: 'last_read_hash',
  sourceModifiedAt: 'source_modified_at',
  deletedAt: 'deleted_at',
  lastWrittenFields: 'last_written_fields',
  lastReadFields: 'last_read_fields',
  lastSeenRunId: 'last_seen_run',
  duplicateOf: 'duplicate_of',
  lastMapped: 'last_mapped',
} as const satisfies Partial<Record<keyof LinkUpsert, keyof LinkRow>>;

export type UpsertField = keyof typeof UPSERT_COLUMNS;
export const UPSERT_FIELDS = Object.keys(UPSERT_COLUMNS) as UpsertField[];

/** The unique key of a link row. */
export function linkKey(linkGroup: string, ref: RecordRef): string {
  return `${linkGroup}\u0000${ref.connectionId}\u0000${ref.externalId}`;
}

/** Two upserts of one link as one: what `later` sets wins, what it leaves undefined keeps `earlier`'s value. */
export function mergeUpserts(earlier: LinkUpsert, later: LinkUpsert): LinkUpsert {
  const merged: LinkUpsert = { ...earlier };
  for (const field of UPSERT_FIELDS) {
    const value = later[field];
    if (value !== undefined) (merged as unknown as Record<string, unknown>)[field] = value;
  }
  return merged;
}

function sameArray(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameRecord(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(a, k)) continue;
    if (!Object.hasOwn(b, k) || a[k] !== b[k]) return false;
    count += 1;
  }
  for (const k in b) if (Object.hasOwn(b, k)) count -= 1;
  return count === 0;
}

/** Whether saving `input` would change anything in `link` (its update time aside): unchanged reads skip the save. */
function differs(value: string | number | null | undefined, stored: string | number | undefined): boolean {
  return value !== undefined && (value ?? undefined) !== stored;
}

export function changesLink(input: LinkUpsert, link: RecordLink): boolean {
  return (
    differs(input.entityId, link.entityId) ||
    differs(input.lastWrittenHash, link.lastWrittenHash) ||
    differs(input.lastReadHash, link.lastReadHash) ||
    differs(input.sourceModifiedAt, link.sourceModifiedAt) ||
    differs(input.deletedAt, link.deletedAt) ||
    differs(input.lastSeenRunId, link.lastSeenRunId) ||
    differs(input.duplicateOf, link.duplicateOf) ||
    differs(input.lastMapped, link.lastMapped) ||
    (input.lastWrittenFields !== undefined &&
      !sameArray(input.lastWrittenFields ?? undefined, link.lastWrittenFields)) ||
    (input.lastReadFields !== undefined && !sameRecord(input.lastReadFields ?? undefined, link.lastReadFields))
  );
}
