import { Value } from '@sinclair/typebox/value';
import {
  compileMapping,
  diffValues,
  ExpectedError,
  findMappingDirs,
  loadMapping,
  MappingCompileError,
  type DiffEntry,
  type MapResult,
  type MappingDefinition,
  type MappingEngineOptions,
} from '../mapping';
import { findMapping } from '../mapping/source';
import { sharedMappingWorkerPool, WorkerCompileError, type MappingWorkerPool } from '../mapping/worker-pool';
import type { MappingFixture, Repos, StoredMapping } from '../store/repos';
import { StoreConflictError, StoreNotFoundError } from '../store/errors';
import { unprocessable } from './problem';

/**
 * Mappings as the API shows and saves them: stored versions (the newest is current) over the mappings folder,
 * the way the runner finds them. A version is saved only after its expression compiles and every submitted fixture
 * passes against it.
 */

export interface MappingSummaryView {
  id: string;
  version?: string;
  description?: string;
  origin: 'store' | 'folder';
  versionId?: string;
  createdAt?: number;
}

export interface MappingView extends MappingSummaryView {
  expression: string;
  sourceSchema?: Record<string, unknown>;
  targetSchema?: Record<string, unknown>;
  fixtures?: MappingFixture[];
  versions: { version: string; versionId: string; createdAt: number }[];
}

export interface MappingVersionInput {
  version: string;
  description?: string;
  expression: string;
  sourceSchema?: Record<string, unknown>;
  targetSchema?: Record<string, unknown>;
  fixtures: MappingFixture[];
}

export interface MappingCatalogDeps {
  repos: Repos;
  mappingsDir: string;
  options?: MappingEngineOptions;
  /** Runs `fn` atomically (the version and its audit entry); without it, changes are sequential. */
  transaction?: <T>(fn: (repos: Repos) => Promise<T>) => Promise<T>;
  now?: () => number;
  /**
   * Where fixtures (on save) and previews are evaluated: worker threads with their own heap limit, so a runaway
   * expression never runs on the thread that answers requests. Default: the process-wide pool.
   */
  pool?: MappingWorkerPool;
  /** Total CPU time (ms) one preview or one save's fixtures may use (default 3000); later records fail. */
  requestBudgetMs?: number;
}

/** A fixture run against a draft: whether it passes, what came out, and the differences from what it expects. */
export interface FixtureOutcome {
  name?: string;
  pass: boolean;
  result: MapResult;
  diffs: DiffEntry[];
}

/** Default total CPU time of one preview request or one save's fixture run. */
export const MAPPING_REQUEST_BUDGET_MS = 3000;

function summaryOfStored(m: StoredMapping): MappingSummaryView {
  const view: MappingSummaryView = {
    id: m.name,
    version: m.version,
    origin: 'store',
    versionId: m.id,
    createdAt: m.createdAt,
  };
  if (m.description !== undefined) view.description = m.description;
  return view;
}

function summaryOfFolder(m: MappingDefinition): MappingSummaryView {
  const view: MappingSummaryView = { id: m.id, origin: 'folder' };
  if (m.version !== undefined) view.version = m.version;
  if (m.description !== undefined) view.description = m.description;
  return view;
}

/** Diffs of one fixture against the result, the way `hub mappings test` compares them. */
function fixtureDiffs(expected: unknown, result: MapResult): DiffEntry[] {
  if (Value.Check(ExpectedError, expected)) {
    if (result.ok) return [{ path: '/error', kind: 'missing', expected: expected.error, actual: result.value }];
    const diffs: DiffEntry[] = [];
    for (const [key, want] of Object.entries(expected.error)) {
      const got = (result.error as Record<string, unknown>)[key];
      const matches = key === 'message' ? typeof got === 'string' && got.includes(String(want)) : got === want;
      if (!matches)
        diffs.push({
          path: `/error/${key}`,
          kind: got === undefined ? 'missing' : 'changed',
          expected: want,
          actual: got,
        });
    }
    return diffs;
  }
  if (!result.ok) return [{ path: '/', kind: 'changed', expected, actual: { error: result.error } }];
  return diffValues(expected, result.value);
}

export class MappingCatalog {
  private readonly now: () => number;

  constructor(private readonly deps: MappingCatalogDeps) {
    this.now = deps.now ?? Date.now;
  }

  private folderMappings(): MappingDefinition[] {
    const found: MappingDefinition[] = [];
    for (const dir of findMappingDirs(this.deps.mappingsDir)) {
      try {
        found.push(loadMapping(dir));
      } catch {
        // a broken folder is reported by `hub mappings test`; the list shows the rest
      }
    }
    return found;
  }

  /** The current version of every mapping: stored ones, and folder ones no stored version overrides. */
  async list(): Promise<MappingSummaryView[]> {
    const stored = (await this.deps.repos.mappings.list()).map(summaryOfStored);
    const names = new Set(stored.map((m) => m.id));
    const folder = this.folderMappings()
      .filter((m) => !names.has(m.id))
      .map(summaryOfFolder);
    return [...stored, ...folder];
  }

  /** A mapping (the given version, or the current one) with its expression, schemas and stored versions. */
  async show(name: string, version?: string): Promise<MappingView> {
    const versions = (await this.deps.repos.mappings.versions(name)).map((m) => ({
      version: m.version,
      versionId: m.id,
      createdAt: m.createdAt,
    }));
    const stored = await this.deps.repos.mappings.get(name, version);
    if (stored !== undefined) {
      const view: MappingView = { ...summaryOfStored(stored), expression: stored.expression, versions };
      if (stored.sourceSchema !== undefined) view.sourceSchema = stored.sourceSchema;
      if (stored.targetSchema !== undefined) view.targetSchema = stored.targetSchema;
      if (stored.fixtures !== undefined) view.fixtures = stored.fixtures;
      return view;
    }
    const folder = this.folderMappings().find((m) => m.id === name && (version === undefined || m.version === version));
    if (folder === undefined)
      throw new StoreNotFoundError('mapping', version === undefined ? name : `${name}@${version}`);
    const view: MappingView = { ...summaryOfFolder(folder), expression: folder.expression, versions };
    if (folder.source?.schema !== undefined) view.sourceSchema = folder.source.schema;
    if (folder.target?.schema !== undefined) view.targetSchema = folder.target.schema;
    return view;
  }

  private async exists(name: string): Promise<boolean> {
    if ((await this.deps.repos.mappings.get(name)) !== undefined) return true;
    return this.folderMappings().some((m) => m.id === name);
  }

  /**
   * Compiles the expression (with the schemas) and runs every fixture against it; throws a 422 problem naming the
   * expression or the failing fixtures. Nothing is saved.
   */
  async check(name: string, input: MappingVersionInput): Promise<void> {
    const definition: MappingDefinition = { id: name, version: input.version, expression: input.expression };
    if (input.sourceSchema !== undefined) definition.source = { schema: input.sourceSchema };
    if (input.targetSchema !== undefined) definition.target = { schema: input.targetSchema };
    compileMapping(definition, this.deps.options); // MappingCompileError → 422 naming the field
    const results = await this.evaluate(
      definition,
      input.fixtures.map((fixture) => fixture.input),
    );
    const failures = [];
    for (const [index, fixture] of input.fixtures.entries()) {
      const result = results[index];
      const diffs = fixtureDiffs(fixture.expected, result);
      if (diffs.length > 0) {
        const label = fixture.name ?? `#${index}`;
        const reason = result.ok ? `${diffs.length} difference(s), first at ${diffs[0].path}` : result.error.message;
        failures.push({ field: `/body/fixtures/${index}`, message: `fixture ${label} fails: ${reason}`, diffs });
      }
    }
    if (failures.length > 0)
      throw unprocessable(
        `${failures.length} of ${input.fixtures.length} fixture(s) fail; nothing was saved`,
        failures,
      );
  }

  /**
   * Saves a new version after `check`. `create` refuses a name that exists (409); otherwise the name must exist
   * (stored, or in the mappings folder: a stored version then overrides the folder one).
   */
  async save(
    name: string,
    input: MappingVersionInput,
    options: { create: boolean; actor: string },
  ): Promise<MappingView> {
    const exists = await this.exists(name);
    if (options.create && exists) {
      throw new StoreConflictError(
        `a mapping named ${JSON.stringify(name)} already exists; add a version with PUT /mappings/${name}`,
        'mapping',
        'name',
      );
    }
    if (!options.create && !exists) throw new StoreNotFoundError('mapping', name);
    await this.check(name, input);
    const before = await this.deps.repos.mappings.get(name);
    const work = async (repos: Repos) => {
      const saved = await repos.mappings.save({ name, ...input }, this.now());
      if (saved.id !== before?.id) {
        await repos.auditLog.record(
          {
            actor: options.actor,
            action: options.create ? 'mapping.create' : 'mapping.update',
            entity: 'mapping',
            entityId: saved.name,
            before,
            after: saved,
          },
          this.now(),
        );
      }
      return saved;
    };
    await (this.deps.transaction ? this.deps.transaction(work) : work(this.deps.repos));
    return this.show(name, input.version);
  }

  /** Evaluates the mapping (a version, or the current one) against sample records; never saves anything. */
  async preview(name: string, records: unknown[], version?: string): Promise<MapResult[]> {
    const found = await findMapping(name, version, {
      mappingsDir: this.deps.mappingsDir,
      repo: this.deps.repos.mappings,
    });
    if (!found.found) throw new StoreNotFoundError('mapping', version === undefined ? name : `${name}@${version}`);
    try {
      return await this.evaluate(found.mapping, records);
    } catch (err) {
      if (err instanceof MappingCompileError) return records.map(() => ({ ok: false, error: err.mappingError }));
      throw err;
    }
  }

  /**
   * Evaluates a draft of the mapping (an expression not saved yet, with the stored schemas unless others are given)
   * against sample records and fixtures, in one worker batch within the request's CPU budget: what the workbench
   * shows as the engineer types. A compile error (line, column) is every record's result. Nothing is saved.
   */
  async previewDraft(
    name: string,
    draft: { expression: string; sourceSchema?: Record<string, unknown>; targetSchema?: Record<string, unknown> },
    records: unknown[],
    fixtures: MappingFixture[] = [],
  ): Promise<{ results: MapResult[]; fixtures: FixtureOutcome[] }> {
    const current = await this.show(name);
    const definition: MappingDefinition = { id: name, version: 'draft', expression: draft.expression };
    const sourceSchema = draft.sourceSchema ?? current.sourceSchema;
    const targetSchema = draft.targetSchema ?? current.targetSchema;
    if (sourceSchema !== undefined) definition.source = { schema: sourceSchema };
    if (targetSchema !== undefined) definition.target = { schema: targetSchema };
    const inputs = [...records, ...fixtures.map((f) => f.input)];
    let all: MapResult[];
    try {
      compileMapping(definition, this.deps.options);
      all = await this.evaluate(definition, inputs);
    } catch (err) {
      if (!(err instanceof MappingCompileError)) throw err;
      all = inputs.map(() => ({ ok: false, error: err.mappingError }));
    }
    return {
      results: all.slice(0, records.length),
      fixtures: fixtures.map((fixture, i) => {
        const result = all[records.length + i];
        const diffs = fixtureDiffs(fixture.expected, result);
        return {
          ...(fixture.name === undefined ? {} : { name: fixture.name }),
          pass: diffs.length === 0,
          result,
          diffs,
        };
      }),
    };
  }

  /**
   * Evaluates records in the worker pool within the request's CPU budget; a compile error is thrown as
   * MappingCompileError (a 422 naming the expression).
   */
  private async evaluate(mapping: MappingDefinition, records: unknown[]): Promise<MapResult[]> {
    const pool = this.deps.pool ?? sharedMappingWorkerPool();
    if (records.length === 0) return [];
    try {
      return await pool.evaluateBatch(mapping, records, {
        options: this.deps.options,
        budgetMs: this.deps.requestBudgetMs ?? MAPPING_REQUEST_BUDGET_MS,
      });
    } catch (err) {
      if (err instanceof WorkerCompileError) throw new MappingCompileError(err.mappingError, mapping.id);
      throw err;
    }
  }
}
