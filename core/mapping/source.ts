import path from 'node:path';
import { findMappingDirs, loadMapping, MappingLoadError } from './loader';
import type { MappingDefinition } from './types';
import type { MappingsRepo, StoredMapping } from '../store/repos';

/** Where a flow's mapping is looked up: the store, then the mappings folder (by convention the folder is the id). */
export interface MappingSource {
  /** The mappings folder; absent when every mapping is stored. */
  mappingsDir?: string;
  repo?: Pick<MappingsRepo, 'get' | 'list'>;
}

export type MappingLookup =
  { found: true; mapping: MappingDefinition; origin: 'folder' | 'store' } | { found: false; reason: string };

function fromStored(stored: StoredMapping): MappingDefinition {
  const mapping: MappingDefinition = { id: stored.name, version: stored.version, expression: stored.expression };
  if (stored.description !== undefined) mapping.description = stored.description;
  if (stored.sourceSchema !== undefined) mapping.source = { schema: stored.sourceSchema };
  if (stored.targetSchema !== undefined) mapping.target = { schema: stored.targetSchema };
  return mapping;
}

function loadFromFolder(dir: string, id: string): MappingDefinition | undefined {
  const conventional = path.join(dir, id);
  const dirs = findMappingDirs(dir);
  const ordered = dirs.includes(conventional) ? [conventional, ...dirs.filter((d) => d !== conventional)] : dirs;
  for (const candidate of ordered) {
    try {
      const mapping = loadMapping(candidate);
      if (mapping.id === id) return mapping;
    } catch (error) {
      // a broken mapping named like the one asked for is the answer; other broken folders are not our business
      if (candidate === conventional && error instanceof MappingLoadError) throw error;
    }
  }
  return undefined;
}

/**
 * Finds mapping `id` (at `version` when given) where the runner will: saved versions in the store first (the newest
 * is current), then the mappings folder. A broken mapping folder throws MappingLoadError.
 */
export async function findMapping(
  id: string,
  version: string | undefined,
  source: MappingSource,
): Promise<MappingLookup> {
  const stored = await source.repo?.get(id, version);
  if (stored !== undefined) return { found: true, mapping: fromStored(stored), origin: 'store' };
  const onDisk = source.mappingsDir === undefined ? undefined : loadFromFolder(source.mappingsDir, id);
  if (onDisk !== undefined && (version === undefined || onDisk.version === version))
    return { found: true, mapping: onDisk, origin: 'folder' };
  if (onDisk !== undefined) {
    return {
      found: false,
      reason: `mapping "${id}" is at version ${onDisk.version ?? '(none)'}, not ${version}; remove mapping.version to use the current one`,
    };
  }
  const known = new Set<string>();
  if (source.mappingsDir !== undefined)
    for (const dir of findMappingDirs(source.mappingsDir)) known.add(path.basename(dir));
  for (const m of (await source.repo?.list()) ?? []) known.add(m.name);
  const names = [...known].sort();
  const where = source.mappingsDir === undefined ? 'the store' : `the store or ${source.mappingsDir}`;
  if (version !== undefined && (known.has(id) || (await source.repo?.get(id)) !== undefined)) {
    return {
      found: false,
      reason: `mapping "${id}" version ${version} was not found in ${where}; remove mapping.version to use the current one`,
    };
  }
  return {
    found: false,
    reason: `no mapping "${id}" in ${source.mappingsDir ?? 'the store'}${source.mappingsDir ? ' or the store' : ''}; ${names.length > 0 ? `use one of: ${names.join(', ')}` : 'add one'}`,
  };
}
