import type { Kysely, Selectable } from 'kysely';
import { StoreConflictError, StoreNotFoundError, isForeignKeyViolation, isUniqueViolation } from '../errors';
import { ID_PREFIX, newId } from '../ids';
import { fromJson, toJson } from '../json';
import type { Database, FlowsTable } from '../schema';

/** The flow definition as the flows module defines it; stored as JSON, opaque to the store. */
export type FlowDefinitionDocument = Record<string, unknown>;

export interface StoredFlow {
  id: string;
  name: string;
  definition: FlowDefinitionDocument;
  enabled: boolean;
  linkGroup?: string;
  template?: string;
  sourceConnectionId?: string;
  targetConnectionId?: string;
  createdAt: number;
  updatedAt: number;
}

export interface NewFlow {
  name: string;
  definition: FlowDefinitionDocument;
  enabled?: boolean;
  linkGroup?: string;
  template?: string;
  /** The connections the flow reads from and writes to; a connection in use cannot be deleted. */
  sourceConnectionId?: string;
  targetConnectionId?: string;
}

/** Fields to change: undefined keeps a field, null clears an optional one. */
export interface FlowPatch {
  name?: string;
  definition?: FlowDefinitionDocument;
  enabled?: boolean;
  linkGroup?: string | null;
  template?: string | null;
  sourceConnectionId?: string | null;
  targetConnectionId?: string | null;
}

type Row = Selectable<FlowsTable>;

function toFlow(row: Row): StoredFlow {
  const flow: StoredFlow = {
    id: row.id,
    name: row.name,
    definition: fromJson<FlowDefinitionDocument>(row.definition_json),
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.link_group !== null) flow.linkGroup = row.link_group;
  if (row.template !== null) flow.template = row.template;
  if (row.source_connection_id !== null) flow.sourceConnectionId = row.source_connection_id;
  if (row.target_connection_id !== null) flow.targetConnectionId = row.target_connection_id;
  return flow;
}

/** Flows: source → mapping → target definitions, enabled or not, grouped into sync pairs by link group. */
export class FlowsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  private async row(idOrName: string): Promise<Row | undefined> {
    const rows = await this.db
      .selectFrom('flows')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .execute();
    return rows.find((r) => r.id === idOrName) ?? rows[0];
  }

  private translate(error: unknown, name: string): unknown {
    if (isUniqueViolation(error))
      return new StoreConflictError(`a flow named ${JSON.stringify(name)} already exists`, 'flow', 'name');
    if (isForeignKeyViolation(error)) {
      return new StoreConflictError(
        `flow ${JSON.stringify(name)} refers to a connection that does not exist`,
        'flow',
        'connection',
      );
    }
    return error;
  }

  async create(input: NewFlow, now: number = Date.now()): Promise<StoredFlow> {
    const row: Row = {
      id: newId(ID_PREFIX.flow, now),
      name: input.name,
      definition_json: toJson(input.definition),
      enabled: input.enabled ? 1 : 0,
      link_group: input.linkGroup ?? null,
      template: input.template ?? null,
      source_connection_id: input.sourceConnectionId ?? null,
      target_connection_id: input.targetConnectionId ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('flows').values(row).execute();
    } catch (error) {
      throw this.translate(error, input.name);
    }
    return toFlow(row);
  }

  async get(idOrName: string): Promise<StoredFlow | undefined> {
    const row = await this.row(idOrName);
    return row && toFlow(row);
  }

  async require(idOrName: string): Promise<StoredFlow> {
    const flow = await this.get(idOrName);
    if (!flow) throw new StoreNotFoundError('flow', idOrName);
    return flow;
  }

  async list(filter: { enabled?: boolean; linkGroup?: string; connectionId?: string } = {}): Promise<StoredFlow[]> {
    let query = this.db.selectFrom('flows').selectAll().orderBy('name');
    if (filter.enabled !== undefined) query = query.where('enabled', '=', filter.enabled ? 1 : 0);
    if (filter.linkGroup !== undefined) query = query.where('link_group', '=', filter.linkGroup);
    const connectionId = filter.connectionId;
    if (connectionId !== undefined) {
      query = query.where((eb) =>
        eb.or([eb('source_connection_id', '=', connectionId), eb('target_connection_id', '=', connectionId)]),
      );
    }
    return (await query.execute()).map(toFlow);
  }

  async update(idOrName: string, patch: FlowPatch, now: number = Date.now()): Promise<StoredFlow> {
    const row = await this.row(idOrName);
    if (!row) throw new StoreNotFoundError('flow', idOrName);
    const changes: Partial<Row> = { updated_at: now };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.definition !== undefined) changes.definition_json = toJson(patch.definition);
    if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
    if (patch.linkGroup !== undefined) changes.link_group = patch.linkGroup;
    if (patch.template !== undefined) changes.template = patch.template;
    if (patch.sourceConnectionId !== undefined) changes.source_connection_id = patch.sourceConnectionId;
    if (patch.targetConnectionId !== undefined) changes.target_connection_id = patch.targetConnectionId;
    try {
      await this.db.updateTable('flows').set(changes).where('id', '=', row.id).execute();
    } catch (error) {
      throw this.translate(error, patch.name ?? row.name);
    }
    return toFlow({ ...row, ...changes });
  }

  async setEnabled(idOrName: string, enabled: boolean, now: number = Date.now()): Promise<StoredFlow> {
    return this.update(idOrName, { enabled }, now);
  }

  /** Deletes a flow with its runs, checkpoints and dead letters. Returns false when there was none. */
  async delete(idOrName: string): Promise<boolean> {
    const row = await this.row(idOrName);
    if (!row) return false;
    const result = await this.db.deleteFrom('flows').where('id', '=', row.id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** What a flow owns and `delete` removes with it (by cascade): its runs, dead letters and checkpoints. */
  async countOwned(flowId: string): Promise<{ runs: number; deadLetters: number; checkpoints: number }> {
    const count = async (table: 'runs' | 'dead_letters' | 'checkpoints') => {
      const row = await this.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('flow_id', '=', flowId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return {
      runs: await count('runs'),
      deadLetters: await count('dead_letters'),
      checkpoints: await count('checkpoints'),
    };
  }

  /** How many record links a link group holds (what `flows delete` keeps or removes with the flow). */
  async countLinks(linkGroup: string): Promise<number> {
    const row = await this.db
      .selectFrom('record_links')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('link_group', '=', linkGroup)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Removes the record links of a link group no flow uses any more (a deleted flow's sync state). */
  async deleteLinks(linkGroup: string): Promise<number> {
    const result = await this.db.deleteFrom('record_links').where('link_group', '=', linkGroup).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
