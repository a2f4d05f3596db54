import type { Router } from 'express';
import { connectionServiceFor } from '../connections';
import type { FlowService } from '../flows';
import type { FlowRunner } from '../runner/runner-port';
import type { Hub } from '../runtime/hub';
import { mappingOptionsFromConfig } from '../runtime/mapping-options';
import { createRepos, type Repos } from '../store/repos';
import { MappingCatalog } from './mappings';
import { generateOpenApi } from './openapi';
import type { ApiDeps, ApiRoute } from './route';
import { createApiRouter, type ApiRouterOptions } from './router';
import { API_ROUTES } from './routes';
import { TokenService } from './tokens';

/**
 * The REST API (/api/v1): a declarative route table (routes/*.ts), one express adapter (router.ts), the
 * permission table (permissions.ts) and the OpenAPI 3.1 document generated from them (openapi.ts).
 */

export { API_BASE } from './openapi';
export { API_ROUTES } from './routes';
export { PERMISSIONS, ROLE_PERMISSIONS, ROLES, PUBLIC, roleCan, rolesWith, type Permission } from './permissions';
export type { ApiDeps, ApiRoute } from './route';
export { TokenService, INITIAL_ADMIN_NAME, type CreatedToken } from './tokens';

export interface Api {
  /** Mount at API_BASE, after the JSON body parser. */
  router: Router;
  document: Record<string, unknown>;
  routes: readonly ApiRoute[];
}

export function createApi(deps: ApiDeps, options: ApiRouterOptions = {}): Api {
  const document = generateOpenApi(API_ROUTES, { version: deps.version });
  return { router: createApiRouter(API_ROUTES, deps, document, options), document, routes: API_ROUTES };
}

export function tokenServiceFor(hub: Hub): TokenService {
  return new TokenService({ repos: hub.repos, transaction: transactionOf(hub) });
}

function transactionOf(hub: Hub): <T>(fn: (repos: Repos) => Promise<T>) => Promise<T> {
  return (fn) => hub.store.transaction((trx) => fn(createRepos(trx, hub.vault)));
}

/** The API's dependencies over an open hub and the engine's flow service and runner (`hub serve`). */
export function apiDepsFor(
  hub: Hub,
  engine: { flows: FlowService; runner: Pick<FlowRunner, 'startRun' | 'dryRun' | 'replayDeadLetters'> },
  version: string,
): ApiDeps {
  return {
    repos: hub.repos,
    registry: hub.registry,
    flows: engine.flows,
    runner: engine.runner,
    connections: connectionServiceFor(hub),
    mappings: new MappingCatalog({
      repos: hub.repos,
      mappingsDir: hub.config.mappingsDir,
      options: mappingOptionsFromConfig(hub.config),
      transaction: transactionOf(hub),
    }),
    tokens: tokenServiceFor(hub),
    logger: hub.logger.child({ module: 'api' }),
    version,
  };
}
