import type { Static, TObject, TSchema, TUnknown } from '@sinclair/typebox';
import type { ConnectionService } from '../connections/service';
import type { FlowService } from '../flows';
import type { HubLogger } from '../logging/logger';
import type { Registry } from '../registry';
import type { FlowRunner } from '../runner/runner-port';
import type { ApiToken, Repos } from '../store/repos';
import type { MappingCatalog } from './mappings';
import type { RoutePermission } from './permissions';
import type { TokenService } from './tokens';

/**
 * The route table's shape. A route is data: method, path, permission, summary, its JSON Schemas (path
 * parameters, query, body, response) and a handler. The express adapter, the OpenAPI generator and the permission
 * test all read the same table.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What the handlers work with: the hub's services, never express. */
export interface ApiDeps {
  repos: Repos;
  registry: Pick<Registry, 'list' | 'has' | 'describe' | 'get'>;
  flows: FlowService;
  runner: Pick<FlowRunner, 'startRun' | 'dryRun' | 'replayDeadLetters'>;
  connections: ConnectionService;
  mappings: MappingCatalog;
  tokens: TokenService;
  logger: HubLogger;
  version: string;
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The token the request was made with (absent on public routes). */
  token: ApiToken | undefined;
  /** Who is changing things, for the audit log: the token id, or `anonymous` on public routes. */
  actor: string;
  deps: ApiDeps;
  /** The OpenAPI document generated from the route table (for the documentation routes). */
  document: Record<string, unknown>;
}

export interface RouteResponse<R extends TSchema> {
  status: 200 | 201 | 202 | 204;
  description: string;
  /** Absent for 204. */
  schema?: R;
  /** Default application/json. */
  contentType?: 'application/json' | 'text/html';
}

export interface RouteSpec<P extends TSchema, Q extends TSchema, B extends TSchema, R extends TSchema> {
  method: HttpMethod;
  /** Express path below /api/v1, e.g. `/connections/:connectionId`. */
  path: string;
  /** Unique, stable name of the operation (OpenAPI operationId). */
  operationId: string;
  /** The resource it belongs to (OpenAPI tag). */
  tag: string;
  permission: RoutePermission;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  response: RouteResponse<R>;
  /** Problem statuses the route answers besides 400, 401, 403 and 500 (e.g. 404, 409, 422). */
  problems?: readonly number[];
  handler(ctx: HandlerContext<Static<P>, Static<Q>, Static<B>>): Promise<Static<R>>;
}

/** A route with its types erased, as the table holds it. */
export interface ApiRoute {
  method: HttpMethod;
  path: string;
  operationId: string;
  tag: string;
  permission: RoutePermission;
  summary: string;
  description?: string;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  response: RouteResponse<TSchema>;
  problems?: readonly number[];
  handler(ctx: HandlerContext<unknown, unknown, unknown>): Promise<unknown>;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type Empty = TObject<{}>;

/** Declares a route; the handler's arguments and result are typed from the schemas. */
export function defineRoute<
  P extends TSchema = Empty,
  Q extends TSchema = Empty,
  B extends TSchema = TUnknown,
  R extends TSchema = TUnknown,
>(spec: RouteSpec<P, Q, B, R>): ApiRoute {
  return spec as unknown as ApiRoute;
}
