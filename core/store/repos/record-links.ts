import type { Kysely, Selectable } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { Database, RecordLinksTable } from '../schema';

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
}

type Row = Selectable<RecordLinksTable>;

function toLink(row: Row): RecordLink {
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
  return link;
}

/** The columns an upsert sets: every field that is not undefined (null clears). */
function changesOf(input: LinkUpsert, now: number): Partial<Row> {
  const changes: Partial<Row> = { updated_at: now };
  if (input.entityId !== undefined) changes.entity_id = input.entityId;
  if (input.lastWrittenHash !== undefined) changes.last_written_hash = input.lastWrittenHash;
  if (input.lastReadHash !== undefined) changes.last_read_hash = input.lastReadHash;
  if (input.sourceModifiedAt !== undefined) changes.source_modified_at = input.sourceModifiedAt;
  if (input.deletedAt !== undefined) changes.deleted_at = input.deletedAt;
  if (input.lastWrittenFields !== undefined) changes.last_written_fields = toJsonOrNull(input.lastWrittenFields);
  if (input.lastReadFields !== undefined) changes.last_read_fields = toJsonOrNull(input.lastReadFields);
  if (input.lastSeenRunId !== undefined) changes.last_seen_run = input.lastSeenRunId;
  return changes;
}

function newRow(input: LinkUpsert, now: number): Row {
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
  };
}

const CHUNK = 500;

export class RecordLinksRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async find(linkGroup: string, ref: RecordRef): Promise<RecordLink | undefined> {
    const row = await this.db
      .selectFrom('record_links')
      .selectAll()
      .where('link_group', '=', linkGroup)
      .where('connection_id', '=', ref.connectionId)
      .where('external_id', '=', ref.externalId)
      .executeTakeFirst();
    return row && toLink(row);
  }

  /** The links of many records of one connection at once (one page of a read), by external id. */
  async findMany(
    linkGroup: string,
    connectionId: string,
    externalIds: readonly string[],
  ): Promise<Map<string, RecordLink>> {
    const found = new Map<string, RecordLink>();
    const unique = [...new Set(externalIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('record_links')
        .selectAll()
        .where('link_group', '=', linkGroup)
        .where('connection_id', '=', connectionId)
        .where('external_id', 'in', unique.slice(i, i + CHUNK))
        .execute();
      for (const row of rows) found.set(row.external_id, toLink(row));
    }
    return found;
  }

  /** Every link of an entity (its records in each connection). */
  async peers(linkGroup: string, entityId: string): Promise<RecordLink[]> {
    const rows = await this.db
      .selectFrom('record_links')
      .selectAll()
      .where('link_group', '=', linkGroup)
      .where('entity_id', '=', entityId)
      .orderBy('connection_id')
      .execute();
    return rows.map(toLink);
  }

  /** The linked record of `ref` in another connection, if the hub has linked one. */
  async peerIn(linkGroup: string, ref: RecordRef, peerConnectionId: string): Promise<RecordLink | undefined> {
    const own = await this.find(linkGroup, ref);
    if (!own) return undefined;
    return (await this.peers(linkGroup, own.entityId)).find((l) => l.connectionId === peerConnectionId);
  }

  /** Inserts the link or updates the given fields of the existing one. */
  async upsert(input: LinkUpsert, now: number = Date.now()): Promise<RecordLink> {
    await this.save(input, now);
    return (await this.find(input.linkGroup, input)) as RecordLink;
  }

  /** Like `upsert`, without reading the link back (the runner records whole pages of links). */
  async save(input: LinkUpsert, now: number = Date.now()): Promise<void> {
    await this.db
      .insertInto('record_links')
      .values(newRow(input, now))
      .onConflict((oc) => oc.columns(['link_group', 'connection_id', 'external_id']).doUpdateSet(changesOf(input, now)))
      .execute();
  }

  /** The links in `connectionId` of many entities at once, by entity id (deleted links left out). */
  async findPeersIn(
    linkGroup: string,
    entityIds: readonly string[],
    connectionId: string,
  ): Promise<Map<string, RecordLink>> {
    const found = new Map<string, RecordLink>();
    const unique = [...new Set(entityIds)];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('record_links')
        .selectAll()
        .where('link_group', '=', linkGroup)
        .where('connection_id', '=', connectionId)
        .where('entity_id', 'in', unique.slice(i, i + CHUNK))
        .where('deleted_at', 'is', null)
        .orderBy('updated_at', 'desc')
        .execute();
      for (const row of rows) if (!found.has(row.entity_id)) found.set(row.entity_id, toLink(row));
    }
    return found;
  }

  /**
   * Links of `sourceConnectionId` not read by run `runId` that have a live peer in `peerConnectionId`, by link id
   * (pass the last source link id as `after` to page on). Mirror mode deletes these peers after a complete read.
   */
  async unseenWithPeer(
    linkGroup: string,
    sourceConnectionId: string,
    peerConnectionId: string,
    runId: string,
    options: { after?: string; limit?: number } = {},
  ): Promise<LinkedPair[]> {
    let query = this.db
      .selectFrom('record_links as s')
      .innerJoin('record_links as p', (join) =>
        join.onRef('p.entity_id', '=', 's.entity_id').onRef('p.link_group', '=', 's.link_group'),
      )
      .selectAll('s')
      .select([
        'p.id as p_id',
        'p.entity as p_entity',
        'p.external_id as p_external_id',
        'p.last_written_hash as p_last_written_hash',
        'p.last_read_hash as p_last_read_hash',
        'p.source_modified_at as p_source_modified_at',
        'p.created_at as p_created_at',
        'p.updated_at as p_updated_at',
        'p.last_written_fields as p_last_written_fields',
        'p.last_read_fields as p_last_read_fields',
        'p.last_seen_run as p_last_seen_run',
      ])
      .where('s.link_group', '=', linkGroup)
      .where('s.connection_id', '=', sourceConnectionId)
      .where('s.deleted_at', 'is', null)
      .where((eb) => eb.or([eb('s.last_seen_run', 'is', null), eb('s.last_seen_run', '!=', runId)]))
      .where('p.connection_id', '=', peerConnectionId)
      .where('p.deleted_at', 'is', null)
      .orderBy('s.id')
      .limit(options.limit ?? 200);
    if (options.after !== undefined) query = query.where('s.id', '>', options.after);
    const rows = await query.execute();
    return rows.map((row) => ({
      source: toLink(row),
      peer: toLink({
        id: row.p_id,
        link_group: row.link_group,
        entity_id: row.entity_id,
        entity: row.p_entity,
        connection_id: peerConnectionId,
        external_id: row.p_external_id,
        last_written_hash: row.p_last_written_hash,
        last_read_hash: row.p_last_read_hash,
        source_modified_at: row.p_source_modified_at,
        deleted_at: null,
        created_at: row.p_created_at,
        updated_at: row.p_updated_at,
        last_written_fields: row.p_last_written_fields,
        last_read_fields: row.p_last_read_fields,
        last_seen_run: row.p_last_seen_run,
      }),
    }));
  }

  /**
   * Makes `source` and `target` peers of one entity (the source's entity when it has one), creating the links
   * that are missing; `target` may carry what was just written to it.
   */
  async link(
    linkGroup: string,
    entity: string,
    source: RecordRef & Omit<Partial<LinkUpsert>, 'connectionId' | 'externalId'>,
    target: RecordRef & Omit<Partial<LinkUpsert>, 'connectionId' | 'externalId'>,
    now: number = Date.now(),
  ): Promise<{ source: RecordLink; target: RecordLink }> {
    const existing = (await this.find(linkGroup, source)) ?? (await this.find(linkGroup, target));
    const entityId = existing?.entityId ?? newId(ID_PREFIX.entity, now);
    const s = await this.upsert({ ...source, linkGroup, entity, entityId }, now);
    const t = await this.upsert({ ...target, linkGroup, entity, entityId }, now);
    return { source: s, target: t };
  }

  /** Removes every link of an entity (erasure). Returns how many were removed. */
  async deleteEntity(linkGroup: string, entityId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('record_links')
      .where('link_group', '=', linkGroup)
      .where('entity_id', '=', entityId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async delete(linkGroup: string, ref: RecordRef): Promise<boolean> {
    const result = await this.db
      .deleteFrom('record_links')
      .where('link_group', '=', linkGroup)
      .where('connection_id', '=', ref.connectionId)
      .where('external_id', '=', ref.externalId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
