import type { Kysely, Selectable } from 'kysely';
import { StoreConflictError, isUniqueViolation } from '../errors';
import { ID_PREFIX, newId } from '../ids';
import { fromJsonOrUndefined, toJsonOrNull } from '../json';
import type { Database, MappingsTable } from '../schema';

export type JsonSchemaDocument = Record<string, unknown>;

/** One fixture of a mapping: an input record and the output the mapping must produce. */
export interface MappingFixture {
  name?: string;
  input: unknown;
  expected: unknown;
}

export interface StoredMapping {
  id: string;
  name: string;
  version: string;
  description?: string;
  expression: string;
  sourceSchema?: JsonSchemaDocument;
  targetSchema?: JsonSchemaDocument;
  fixtures?: MappingFixture[];
  createdAt: number;
}

export type NewMapping = Omit<StoredMapping, 'id' | 'createdAt'>;

type Row = Selectable<MappingsTable>;

function toMapping(row: Row): StoredMapping {
  const mapping: StoredMapping = {
    id: row.id,
    name: row.name,
    version: row.version,
    expression: row.expression,
    createdAt: row.created_at,
  };
  if (row.description !== null) mapping.description = row.description;
  const source = fromJsonOrUndefined<JsonSchemaDocument>(row.source_schema_json);
  if (source !== undefined) mapping.sourceSchema = source;
  const target = fromJsonOrUndefined<JsonSchemaDocument>(row.target_schema_json);
  if (target !== undefined) mapping.targetSchema = target;
  const fixtures = fromJsonOrUndefined<MappingFixture[]>(row.fixtures_json);
  if (fixtures !== undefined) mapping.fixtures = fixtures;
  return mapping;
}

function sameContent(a: Row, b: Row): boolean {
  return (
    a.expression === b.expression &&
    a.source_schema_json === b.source_schema_json &&
    a.target_schema_json === b.target_schema_json &&
    a.fixtures_json === b.fixtures_json &&
    a.description === b.description
  );
}

/** Mapping versions. A (name, version) is immutable once saved: a changed mapping is a new version. */
export class MappingsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Saves a mapping version. Saving the same content again returns the stored version (so syncing mappings from
   * disk is idempotent); different content under an existing (name, version) is a StoreConflictError.
   */
  async save(input: NewMapping, now: number = Date.now()): Promise<StoredMapping> {
    const row: Row = {
      id: newId(ID_PREFIX.mapping, now),
      name: input.name,
      version: input.version,
      description: input.description ?? null,
      expression: input.expression,
      source_schema_json: toJsonOrNull(input.sourceSchema),
      target_schema_json: toJsonOrNull(input.targetSchema),
      fixtures_json: toJsonOrNull(input.fixtures),
      created_at: now,
    };
    const existing = await this.row(input.name, input.version);
    if (existing) {
      if (sameContent(existing, row)) return toMapping(existing);
      throw this.conflict(input);
    }
    try {
      await this.db.insertInto('mappings').values(row).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.conflict(input);
      throw error;
    }
    return toMapping(row);
  }

  private conflict(input: NewMapping): StoreConflictError {
    return new StoreConflictError(
      `mapping ${input.name} version ${input.version} already exists with different content; give the change a new version`,
      'mapping',
      'version',
    );
  }

  private async row(name: string, version: string): Promise<Row | undefined> {
    return this.db
      .selectFrom('mappings')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /** A given version, or the newest saved version of the mapping when `version` is omitted. */
  async get(name: string, version?: string): Promise<StoredMapping | undefined> {
    if (version !== undefined) {
      const row = await this.row(name, version);
      return row && toMapping(row);
    }
    const row = await this.db
      .selectFrom('mappings')
      .selectAll()
      .where('name', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row && toMapping(row);
  }

  async getById(id: string): Promise<StoredMapping | undefined> {
    const row = await this.db.selectFrom('mappings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMapping(row);
  }

  /** Every version of a mapping, newest first. */
  async versions(name: string): Promise<StoredMapping[]> {
    const rows = await this.db
      .selectFrom('mappings')
      .selectAll()
      .where('name', '=', name)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toMapping);
  }

  /** The newest version of every mapping, by name. */
  async list(): Promise<StoredMapping[]> {
    const rows = await this.db
      .selectFrom('mappings')
      .selectAll()
      .orderBy('name')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    const newest = new Map<string, Row>();
    for (const row of rows) if (!newest.has(row.name)) newest.set(row.name, row);
    return [...newest.values()].map(toMapping);
  }

  /** Deletes one version, or every version when `version` is omitted. Returns how many were deleted. */
  async delete(name: string, version?: string): Promise<number> {
    let query = this.db.deleteFrom('mappings').where('name', '=', name);
    if (version !== undefined) query = query.where('version', '=', version);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
