import type { Kysely, Selectable } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
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
  createdAt: number;
  updatedAt: number;
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
  return link;
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
    const changes: Partial<Row> = { updated_at: now };
    if (input.entityId !== undefined) changes.entity_id = input.entityId;
    if (input.lastWrittenHash !== undefined) changes.last_written_hash = input.lastWrittenHash;
    if (input.lastReadHash !== undefined) changes.last_read_hash = input.lastReadHash;
    if (input.sourceModifiedAt !== undefined) changes.source_modified_at = input.sourceModifiedAt;
    if (input.deletedAt !== undefined) changes.deleted_at = input.deletedAt;
    const row: Row = {
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
    };
    await this.db
      .insertInto('record_links')
      .values(row)
      .onConflict((oc) => oc.columns(['link_group', 'connection_id', 'external_id']).doUpdateSet(changes))
      .execute();
    return (await this.find(input.linkGroup, input)) as RecordLink;
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
