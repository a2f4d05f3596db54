/**
 * Public API of the mapping engine (docs/architecture.md §6). Everything else in core/mapping is an implementation detail.
 */
export { compileMapping, previewMapping } from './engine';
export { clearMappingCache, mappingCacheStats } from './expression-cache';
export { MappingCompileError, describeMappingError, errorExcerpt, offsetToLineColumn } from './errors';
export { resolveEngineOptions } from './guardrails';
export { loadMapping, loadMappings, findMappingDirs, MappingLoadError, MANIFEST_FILE } from './loader';
export { runFixtures, testMappings, Fixture, ExpectedError } from './fixtures';
export type { FixtureReport, FixtureResult, MappingFixtureReport } from './fixtures';
export { formatReport } from './report';
export { diffValues } from './diff';
export type { DiffEntry } from './diff';
export {
  MappingDefinition,
  MappingManifest,
  MappingError,
  MappingErrorDetail,
  MappingEngineOptions,
  DEFAULT_ENGINE_OPTIONS,
} from './types';
export type { CompiledMapping, MapResult } from './types';
