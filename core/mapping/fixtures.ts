import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { diffValues, type DiffEntry } from './diff';
import { compileMapping } from './engine';
import { errorExcerpt, MappingCompileError } from './errors';
import { checkShape, findMappingDirs, loadMapping, MappingLoadError, readJsonFile } from './loader';
import type { CompiledMapping, MapResult, MappingDefinition, MappingEngineOptions, MappingError } from './types';

/**
 * Fixture runner behind `hub mappings test`. A fixture is `fixtures/<name>.json`:
 * `{ "name", "input", "expected" }`, where `expected` is the exact output or, for a negative fixture,
 * `{ "error": { "code"?, "field"?, "jsonataCode"?, "line"?, "column"?, "message"? } }` (message: substring).
 */

export const ExpectedError = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.Optional(Type.String()),
        field: Type.Optional(Type.String()),
        jsonataCode: Type.Optional(Type.String()),
        line: Type.Optional(Type.Integer()),
        column: Type.Optional(Type.Integer()),
        message: Type.Optional(Type.String({ description: 'substring of the actual message' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type ExpectedError = Static<typeof ExpectedError>;

export const Fixture = Type.Object({
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  input: Type.Unknown(),
  expected: Type.Unknown(),
});
export type Fixture = Static<typeof Fixture>;

export interface FixtureResult {
  name: string;
  /** Path of the fixture file relative to the mapping folder. */
  file: string;
  passed: boolean;
  expected?: unknown;
  /** What the engine returned (absent when the fixture itself could not be read). */
  result?: MapResult;
  diffs: DiffEntry[];
  /** A problem with the fixture file itself. */
  error?: MappingError;
  /** The expression line an evaluation error points at, with a caret. */
  excerpt?: string;
}

export interface MappingFixtureReport {
  mappingId?: string;
  dir: string;
  passed: boolean;
  /** Load or compile error of the mapping (with line/column for expression errors). */
  error?: MappingError;
  /** The expression line a compile error points at, with a caret. */
  excerpt?: string;
  fixtures: FixtureResult[];
}

export interface FixtureReport {
  ok: boolean;
  path: string;
  mappings: MappingFixtureReport[];
  totals: { mappings: number; fixtures: number; passed: number; failed: number };
  error?: MappingError;
}

function compareError(expected: ExpectedError['error'], actual: MapResult): DiffEntry[] {
  if (actual.ok) return [{ path: '/error', kind: 'missing', expected, actual: actual.value }];
  const diffs: DiffEntry[] = [];
  for (const [key, want] of Object.entries(expected)) {
    const got = actual.error[key as keyof MappingError];
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

async function runFixture(
  compiled: CompiledMapping,
  expression: string,
  file: string,
  dir: string,
): Promise<FixtureResult> {
  const relativeFile = relative(dir, file);
  let fixture: Fixture;
  try {
    const raw = readJsonFile(file, dir);
    fixture = checkShape(Fixture, raw, dir, relativeFile);
    for (const key of ['input', 'expected']) {
      if (!(key in (raw as object)))
        throw new MappingLoadError(dir, {
          code: 'fixture.invalid',
          message: `${relativeFile}: field /${key} is required`,
          field: `/${key}`,
        });
    }
  } catch (err) {
    const error =
      err instanceof MappingLoadError
        ? { ...err.mappingError, code: 'fixture.invalid' }
        : { code: 'fixture.invalid', message: String(err) };
    return { name: relativeFile, file: relativeFile, passed: false, diffs: [], error };
  }
  const result = await compiled.evaluate(fixture.input);
  const expected = fixture.expected;
  let diffs: DiffEntry[];
  if (Value.Check(ExpectedError, expected)) diffs = compareError(expected.error, result);
  else if (result.ok) diffs = diffValues(fixture.expected, result.value);
  else diffs = [{ path: '/', kind: 'changed', expected, actual: { error: result.error.code } }];
  const outcome: FixtureResult = {
    name: fixture.name,
    file: relativeFile,
    passed: diffs.length === 0,
    expected: fixture.expected,
    result,
    diffs,
  };
  const excerpt = result.ok ? undefined : errorExcerpt(expression, result.error);
  if (excerpt && !outcome.passed) outcome.excerpt = excerpt;
  return outcome;
}

export function listFixtureFiles(dir: string): string[] {
  const fixturesDir = join(dir, 'fixtures');
  if (!existsSync(fixturesDir)) return [];
  return readdirSync(fixturesDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(fixturesDir, name));
}

function asMappingError(err: unknown): MappingError {
  if (err instanceof MappingLoadError || err instanceof MappingCompileError) return err.mappingError;
  return { code: 'mapping.invalid', message: err instanceof Error ? err.message : String(err) };
}

/** Loads and compiles the mapping in `dir` and runs each of its fixtures. Never throws. */
export async function runFixtures(dir: string, opts?: MappingEngineOptions): Promise<MappingFixtureReport> {
  const root = resolve(dir);
  let compiled: CompiledMapping;
  let mapping: MappingDefinition | undefined;
  let mappingId: string | undefined;
  try {
    mapping = loadMapping(root);
    mappingId = mapping.id;
    compiled = compileMapping(mapping, opts);
  } catch (err) {
    const error = asMappingError(err);
    const report: MappingFixtureReport = { mappingId, dir: root, passed: false, error, fixtures: [] };
    const excerpt = mapping ? errorExcerpt(mapping.expression, error) : undefined;
    if (excerpt) report.excerpt = excerpt;
    return report;
  }
  const files = listFixtureFiles(root);
  if (files.length === 0) {
    const error = { code: 'fixtures.missing', message: 'every mapping needs at least one fixture in fixtures/*.json' };
    return { mappingId, dir: root, passed: false, error, fixtures: [] };
  }
  const fixtures: FixtureResult[] = [];
  for (const file of files) fixtures.push(await runFixture(compiled, mapping.expression, file, root));
  return { mappingId, dir: root, passed: fixtures.every((f) => f.passed), fixtures };
}

/** Runs the fixtures of one mapping folder or of every mapping folder under a root. Never throws. */
export async function testMappings(pathOrRoot: string, opts?: MappingEngineOptions): Promise<FixtureReport> {
  const path = resolve(pathOrRoot);
  const dirs = findMappingDirs(path);
  const mappings: MappingFixtureReport[] = [];
  for (const dir of dirs) mappings.push(await runFixtures(dir, opts));
  const seen = new Map<string, string>();
  for (const report of mappings) {
    if (!report.mappingId) continue;
    const other = seen.get(report.mappingId);
    if (other && report.passed) {
      report.passed = false;
      report.error = {
        code: 'mapping.invalid',
        message: `duplicate mapping id "${report.mappingId}" (also in ${other})`,
        field: '/id',
      };
    }
    seen.set(report.mappingId, report.dir);
  }
  const all = mappings.flatMap((m) => m.fixtures);
  const passed = all.filter((f) => f.passed).length;
  const report: FixtureReport = {
    ok: mappings.length > 0 && mappings.every((m) => m.passed),
    path,
    mappings,
    totals: { mappings: mappings.length, fixtures: all.length, passed, failed: all.length - passed },
  };
  if (mappings.length === 0)
    report.error = { code: 'mappings.none', message: `no mapping folders (with mapping.json) under ${path}` };
  return report;
}
