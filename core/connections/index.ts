import type { Hub } from '../runtime/hub';
import { createRepos, type Repos } from '../store/repos';
import { ConnectionService } from './service';

export * from './service';
export * from './endpoint';

/** The connection service over a hub's store, registry and vault (the CLI and the API use the same one). */
export function connectionServiceFor(hub: Hub): ConnectionService {
  return new ConnectionService({
    repos: hub.repos,
    registry: hub.registry,
    logger: hub.logger,
    transaction: <T>(fn: (repos: Repos) => Promise<T>) =>
      hub.store.transaction((trx) => fn(createRepos(trx, hub.vault))),
  });
}
