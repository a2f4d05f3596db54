import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describeMappingError } from './errors';
import { MappingManifest, type MappingDefinition, type MappingError, type SchemaRef } from './types';
import type { JsonSchema } from './validation';

/**
 * Mappings on disk, discovered by convention: `mappings/<name>/mapping.json` (MappingManifest), the expression file
 * it names and `fixtures/*.json`. Schemas are referenced by path relative to the mapping folder
 * (`../schemas/canonical-contact.schema.json`, optionally `#/json/pointer`) and must be self-contained.
 */

export const MANIFEST_FILE = 'mapping.json';

export class MappingLoadError extends Error {
  readonly dir: string;
  readonly mappingError: MappingError;

  constructor(dir: string, mappingError: MappingError) {
    super(`${dir}: ${describeMappingError(mappingError)}`);
    this.name = 'MappingLoadError';
    this.dir = dir;
    this.mappingError = mappingError;
  }
}

function loadError(dir: string, message: string, field?: string): MappingLoadError {
  return new MappingLoadError(dir, { code: 'mapping.invalid', message, ...(field ? { field } : {}) });
}

/** Reads and parses a JSON file; errors name the file. */
export function readJsonFile(file: string, dir = dirname(file)): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw loadError(dir, `cannot read ${file}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw loadError(dir, `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks a value against a TypeBox schema; the first problem becomes a MappingLoadError naming the field. */
export function checkShape<T extends TSchema>(schema: T, value: unknown, dir: string, file: string): Static<T> {
  if (Value.Check(schema, value)) return value;
  const first = Value.Errors(schema, value).First();
  const field = first?.path || '/';
  throw loadError(dir, `${file}: field ${field} ${first?.message ?? 'is invalid'}`, field);
}

function resolvePointer(document: unknown, pointer: string): unknown {
  if (pointer === '' || pointer === '/') return document;
  let current: unknown = document;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const segment = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof current !== 'object' || current === null || !(segment in current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function loadSchema(dir: string, ref: SchemaRef, side: 'source' | 'target'): { schema: JsonSchema; file: string } {
  const target = typeof ref === 'string' ? ref : ref.$ref;
  const [path, pointer = ''] = target.split('#');
  const file = resolve(dir, path);
  if (!existsSync(file))
    throw loadError(dir, `${side}.schema: file not found: ${relative(dir, file)}`, `/${side}/schema`);
  const schema = resolvePointer(readJsonFile(file, dir), pointer);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw loadError(dir, `${side}.schema: ${target} does not point at a JSON Schema object`, `/${side}/schema`);
  }
  return { schema: schema as JsonSchema, file };
}

/** Loads one mapping folder. Throws MappingLoadError (code `mapping.invalid`) naming the file and field. */
export function loadMapping(dir: string): MappingDefinition {
  const root = resolve(dir);
  const manifestFile = join(root, MANIFEST_FILE);
  if (!existsSync(manifestFile)) throw loadError(root, `no ${MANIFEST_FILE} in ${root}`);
  const manifest = checkShape(MappingManifest, readJsonFile(manifestFile, root), root, MANIFEST_FILE);
  const expressionFile = resolve(root, manifest.expression);
  if (!existsSync(expressionFile)) {
    throw loadError(root, `expression file not found: ${manifest.expression}`, '/expression');
  }
  const source = loadSchema(root, manifest.source.schema, 'source');
  const target = loadSchema(root, manifest.target.schema, 'target');
  const definition: MappingDefinition = {
    id: manifest.id,
    description: manifest.description,
    expression: readFileSync(expressionFile, 'utf8'),
    source: { schema: source.schema, validate: manifest.source.validate ?? false },
    target: { schema: target.schema },
    origin: {
      dir: root,
      manifestFile,
      expressionFile,
      sourceSchemaFile: source.file,
      targetSchemaFile: target.file,
    },
  };
  if (manifest.version !== undefined) definition.version = manifest.version;
  return definition;
}

export function isMappingDir(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE));
}

/** The folder itself if it is a mapping, else its immediate sub-folders that are (sorted by name). */
export function findMappingDirs(pathOrRoot: string): string[] {
  const root = resolve(pathOrRoot);
  if (isMappingDir(root)) return [root];
  if (!existsSync(root) || !statSync(root).isDirectory()) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && isMappingDir(join(root, entry.name)))
    .map((entry) => join(root, entry.name))
    .sort();
}

/** Loads every mapping under `root`; throws on the first broken one or on a duplicate id. */
export function loadMappings(root: string): MappingDefinition[] {
  const mappings = findMappingDirs(root).map(loadMapping);
  const seen = new Map<string, string>();
  for (const mapping of mappings) {
    const dir = mapping.origin?.dir ?? root;
    const other = seen.get(mapping.id);
    if (other) throw loadError(dir, `duplicate mapping id "${mapping.id}" (also in ${other})`, '/id');
    seen.set(mapping.id, dir);
  }
  return mappings.sort((a, b) => a.id.localeCompare(b.id));
}
