import type { ExpressionBuilder, Kysely } from 'kysely';
import { ID_PREFIX, newId } from '../ids';
import { plannerStatisticsFor } from '../planner-statistics';
import { unseenWithPeer } from './record-links-mirror';
import { isRawPg, pgArray, runPg } from '../raw-pg';
import { rawSqliteFor } from '../raw-sqlite';
import type { Database } from '../schema';
import {
  UPSERT_COLUMNS,
  UPSERT_FIELDS,
  changesOf,
  linkKey,
  mergeUpserts,
  newRow,
  toLink,
  toLinkFromValues,
  type LinkValues,
  type LinkedPair,
  type LinkUpsert,
  type RecordLink,
  type RecordRef,
} from './record-links-rows';
import {
  FIND_BY_ENTITIES_SQL,
  FIND_MANY_SQL,
  FIND_WITH_PEERS_SQL,
  ROW_COLUMNS,
  rowValues,
  shapeOf,
  upsertSql,
} from './record-links-sql';
import { FIND_BY_ENTITIES_PG, FIND_MANY_PG, upsertPg, upsertPgValues } from './record-links-pg';

export type { LinkedPair, LinkUpsert, RecordLink, RecordRef } from './record-links-rows';
export { changesLink, linkKey, mergeUpserts } from './record-links-rows';

/** Ids per `in (…)` list. */
const CHUNK = 500;
/**
 * Rows per multi-row upsert: 500 × 17 columns = 8,500 bound parameters, well under SQLite's 32,766 and
 * PostgreSQL's 65,535, and few distinct statement texts for the SQLite statement cache.
 */
export const UPSERT_ROWS_PER_STATEMENT = 500;
/** Rows per upsert on PostgreSQL's prepared path (no parameter limit there: arrays; this bounds one message). */
const PG_UPSERT_ROWS = 5_000;

type ConflictEb = ExpressionBuilder<Database & { excluded: Database['record_links'] }, 'record_links' | 'excluded'>;

/**
 * Record links: which record in which connection is the same logical record (entity) within a link group, and
 * what the hub last wrote to / read from it. One row per (link group, connection, external id); rows sharing an
 * `entityId` are peers.
 */
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
    const sqlite = rawSqliteFor(this.db);
    if (sqlite !== undefined) {
      // rows as arrays: a third of the cost of an object per row (core/store/repos/record-links-rows.ts)
      const statement = sqlite.statement(FIND_MANY_SQL);
      statement.setReturnArrays(true);
      const rows = statement.all(linkGroup, connectionId, JSON.stringify(unique)) as unknown as LinkValues[];
      for (const values of rows) {
        const link = toLinkFromValues(values);
        found.set(link.externalId, link);
      }
      return found;
    }
    if (isRawPg(this.db)) {
      // one prepared statement whatever the number of ids (core/store/raw-pg.ts)
      const rows = await runPg<LinkValues>(this.db, FIND_MANY_PG, [linkGroup, connectionId, pgArray(unique)]);
      for (const values of rows) {
        const link = toLinkFromValues(values);
        found.set(link.externalId, link);
      }
      return found;
    }
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

  /**
   * A page's source links by external id (`findMany`) and the live links of their entities in `peerConnectionIds`
   * other than those source links (`findByEntities` with the source links as `exceptIds`): on SQLite one join
   * instead of two statements, reading each source link once (elsewhere those two). `linked` holds each link once, newest first
   * (updated_at, then id, descending) among the links of one entity; across entities in no particular order.
   * For a flow that writes where it reads (a source link may be a peer) use the two methods.
   */
  async findWithPeers(
    linkGroup: string,
    sourceConnectionId: string,
    externalIds: readonly string[],
    peerConnectionIds: readonly string[],
  ): Promise<{ sources: Map<string, RecordLink>; linked: RecordLink[] }> {
    const connections = [...new Set(peerConnectionIds)];
    const sqlite = rawSqliteFor(this.db);
    if (sqlite === undefined) {
      // PostgreSQL, or SQLite while another transaction holds the connection: the two look-ups through Kysely (the
      // same join on PostgreSQL, ids as array parameters, showed no steady gain: bench/README.md, "Flow runner",
      // round 4)
      const sources = await this.findMany(linkGroup, sourceConnectionId, externalIds);
      const own = [...sources.values()];
      const linked =
        own.length === 0
          ? []
          : await this.findByEntities(
              linkGroup,
              own.map((link) => link.entityId),
              connections,
              { exceptIds: own.map((link) => link.id) },
            );
      return { sources, linked };
    }
    const keys = new Set(externalIds);
    const statement = sqlite.statement(FIND_WITH_PEERS_SQL);
    statement.setReturnArrays(true);
    const rows = statement.all(
      JSON.stringify(connections),
      linkGroup,
      sourceConnectionId,
      JSON.stringify([...keys]),
    ) as unknown as unknown[][];
    const sources = new Map<string, RecordLink>();
    const linked: RecordLink[] = [];
    const seen = new Set<string>();
    // rows come by source link; more than one peer of an entity (or one entity on two source links) needs sorting
    let sort = false;
    const entities = new Set<string>();
    for (const row of rows) {
      const externalId = row[5] as string;
      if (!sources.has(externalId)) {
        const source = toLinkFromValues(row);
        sources.set(externalId, source);
        if (entities.has(source.entityId)) sort = true;
        entities.add(source.entityId);
      } else sort = true;
      const peerId = row[ROW_COLUMNS.length] as string | null;
      if (peerId === null || seen.has(peerId)) continue;
      // the page's other source links are not peers (as findByEntities' exceptIds)
      if (row[ROW_COLUMNS.length + 4] === sourceConnectionId && keys.has(row[ROW_COLUMNS.length + 5] as string))
        continue;
      seen.add(peerId);
      linked.push(toLinkFromValues(row, ROW_COLUMNS.length));
    }
    if (sort) linked.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    return { sources, linked };
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

  /**
   * Many upserts at once, with `save`'s meaning for each (undefined keeps the stored value, null clears it), as
   * if saved one after the other: upserts of one link are merged first (a multi-row upsert may not touch a row
   * twice; `distinct: true` says the caller already did, as the runner's LinkBatch does). Then, on SQLite, one
   * prepared statement per shape (the set of fields given) run per link; elsewhere one INSERT … ON CONFLICT DO
   * UPDATE per shape and chunk of rows.
   */
  async saveMany(
    inputs: readonly LinkUpsert[],
    now: number = Date.now(),
    options: { distinct?: boolean } = {},
  ): Promise<void> {
    let unique: Iterable<LinkUpsert> = inputs;
    if (options.distinct !== true) {
      const merged = new Map<string, LinkUpsert>();
      for (const input of inputs) {
        const key = linkKey(input.linkGroup, input);
        const earlier = merged.get(key);
        merged.set(key, earlier === undefined ? input : mergeUpserts(earlier, input));
      }
      unique = merged.values();
    }
    // grouped by shape: the fields set, as a bit mask (no array or text per link)
    const byShape = new Map<number, LinkUpsert[]>();
    for (const input of unique) {
      const shape = shapeOf(input);
      const group = byShape.get(shape);
      if (group === undefined) byShape.set(shape, [input]);
      else group.push(input);
    }
    const sqlite = rawSqliteFor(this.db);
    for (const [shape, group] of byShape) {
      const columns = UPSERT_FIELDS.filter((_, bit) => (shape & (1 << bit)) !== 0).map(
        (field) => UPSERT_COLUMNS[field],
      );
      if (sqlite !== undefined) {
        // one prepared statement per shape, run once per link (no statement text to build per page)
        const statement = sqlite.statement(upsertSql(columns));
        for (const input of group) statement.run(...rowValues(input, now));
        continue;
      }
      // PostgreSQL: counted for the planner's statistics (core/store/planner-statistics.ts)
      plannerStatisticsFor(this.db)?.wrote('record_links', group.length);
      if (isRawPg(this.db)) {
        // one prepared statement per shape, the rows as one array per column (core/store/raw-pg.ts)
        for (let i = 0; i < group.length; i += PG_UPSERT_ROWS)
          await runPg(this.db, upsertPg(shape), upsertPgValues(shape, group.slice(i, i + PG_UPSERT_ROWS), now));
        continue;
      }
      for (let i = 0; i < group.length; i += UPSERT_ROWS_PER_STATEMENT) {
        const rows = group.slice(i, i + UPSERT_ROWS_PER_STATEMENT).map((input) => newRow(input, now));
        await this.db
          .insertInto('record_links')
          .values(rows)
          .onConflict((oc) =>
            oc.columns(['link_group', 'connection_id', 'external_id']).doUpdateSet((eb: ConflictEb) => {
              const set: Record<string, unknown> = { updated_at: eb.ref('excluded.updated_at') };
              for (const column of columns) set[column] = eb.ref(`excluded.${column}`);
              return set;
            }),
          )
          .execute();
      }
    }
  }

  /** Forgets every link held in these connections, in every link group (a re-seeded sandbox starts over). */
  async deleteInConnections(connectionIds: readonly string[]): Promise<number> {
    if (connectionIds.length === 0) return 0;
    const result = await this.db
      .deleteFrom('record_links')
      .where('connection_id', 'in', [...connectionIds])
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Removes the links of many records (of any connections) in one statement per connection and chunk. */
  async deleteMany(linkGroup: string, refs: readonly RecordRef[]): Promise<number> {
    const byConnection = new Map<string, Set<string>>();
    for (const ref of refs) {
      const ids = byConnection.get(ref.connectionId) ?? new Set<string>();
      ids.add(ref.externalId);
      byConnection.set(ref.connectionId, ids);
    }
    let deleted = 0;
    for (const [connectionId, ids] of byConnection) {
      const all = [...ids];
      for (let i = 0; i < all.length; i += CHUNK) {
        const result = await this.db
          .deleteFrom('record_links')
          .where('link_group', '=', linkGroup)
          .where('connection_id', '=', connectionId)
          .where('external_id', 'in', all.slice(i, i + CHUNK))
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
    }
    return deleted;
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
        .where('duplicate_of', 'is', null)
        .orderBy('updated_at', 'desc')
        .execute();
      for (const row of rows) if (!found.has(row.entity_id)) found.set(row.entity_id, toLink(row));
    }
    return found;
  }

  /**
   * The live links of many entities in some connections at once (one query per 500 entities), newest first: the
   * runner takes from it each record's peer in the target connection and its siblings in the source connection
   * (other source records linked to the same entity: identity collisions). `exceptIds`: links the caller already
   * holds (a page's own source links), left out.
   */
  async findByEntities(
    linkGroup: string,
    entityIds: readonly string[],
    connectionIds: readonly string[],
    options: { exceptIds?: readonly string[] } = {},
  ): Promise<RecordLink[]> {
    const found: RecordLink[] = [];
    const unique = [...new Set(entityIds)];
    const except = options.exceptIds ?? [];
    const sqlite = rawSqliteFor(this.db);
    if (sqlite !== undefined) {
      const statement = sqlite.statement(FIND_BY_ENTITIES_SQL);
      statement.setReturnArrays(true);
      const rows = statement.all(
        linkGroup,
        JSON.stringify(unique),
        JSON.stringify([...new Set(connectionIds)]),
        JSON.stringify(except),
      ) as unknown as LinkValues[];
      return rows.map((values) => toLinkFromValues(values));
    }
    const skip = new Set(except);
    if (isRawPg(this.db)) {
      const rows = await runPg<LinkValues>(this.db, FIND_BY_ENTITIES_PG, [
        linkGroup,
        pgArray(unique),
        pgArray([...new Set(connectionIds)]),
      ]);
      // rows as arrays: the id is the first value
      for (const values of rows) if (!skip.has(values[0])) found.push(toLinkFromValues(values));
      return found;
    }
    for (let i = 0; i < unique.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('record_links')
        .selectAll()
        .where('link_group', '=', linkGroup)
        .where('entity_id', 'in', unique.slice(i, i + CHUNK))
        .where('connection_id', 'in', [...new Set(connectionIds)])
        .where('deleted_at', 'is', null)
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      for (const row of rows) if (!skip.has(row.id)) found.push(toLink(row));
    }
    return found;
  }

  /**
   * Links of `sourceConnectionId` not read by run `runId` that have a live peer in `peerConnectionId`, by link id
   * (pass the last source link id as `after` to page on). Mirror mode deletes these peers after a complete read.
   * The query: record-links-mirror.ts.
   */
  unseenWithPeer(
    linkGroup: string,
    sourceConnectionId: string,
    peerConnectionId: string,
    runId: string,
    options: { after?: string; limit?: number } = {},
  ): Promise<LinkedPair[]> {
    return unseenWithPeer(this.db, linkGroup, sourceConnectionId, peerConnectionId, runId, options);
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
