import { MappingLoadError } from '../mapping';
import { findMapping } from '../mapping/source';
import { ConfigError } from '../sdk/errors';
import type { MappingsRepo } from '../store/repos';
import type { MappingResolver } from './deps';

export interface MappingResolverOptions {
  /** The mappings folder (config.mappingsDir); optional when every mapping is stored. */
  mappingsDir?: string;
  repo: Pick<MappingsRepo, 'get' | 'list'>;
}

/**
 * Finds a flow's mapping the one way flow validation does too (core/mapping/source.ts): the store's mappings
 * table first (saved versions; the newest is the current one), then the mappings folder. A pinned version must
 * match exactly.
 */
export function createMappingResolver(options: MappingResolverOptions): MappingResolver {
  return {
    async resolve(id, version) {
      try {
        const lookup = await findMapping(id, version, { mappingsDir: options.mappingsDir, repo: options.repo });
        if (lookup.found) return lookup.mapping;
        throw new ConfigError(lookup.reason, { field: 'mapping.id' });
      } catch (error) {
        if (error instanceof MappingLoadError) {
          throw new ConfigError(`mapping "${id}" cannot be loaded: ${error.message}`, { field: 'mapping.id' });
        }
        throw error;
      }
    },
  };
}
