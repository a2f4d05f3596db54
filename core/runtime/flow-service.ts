import { FlowService } from '../flows';
import { createRepos, type Repos } from '../store/repos';
import type { Hub } from './hub';
import { mappingOptionsFromConfig } from './mapping-options';

/** The flow service over a hub's store, registry, mappings and templates (no queue or runner needed). */
export function flowServiceFor(hub: Hub): FlowService {
  return new FlowService({
    repos: hub.repos,
    registry: hub.registry,
    mappingsDir: hub.config.mappingsDir,
    flowsDir: hub.config.flowsDir,
    mappingOptions: mappingOptionsFromConfig(hub.config),
    transaction: <T>(fn: (repos: Repos) => Promise<T>) =>
      hub.store.transaction((trx) => fn(createRepos(trx, hub.vault))),
  });
}
