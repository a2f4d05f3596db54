import express, { type Request, type Response, type Router } from 'express';
import { scrubSecrets } from '../logging/logger';
import type { ApiToken } from '../store/repos';
import { PUBLIC, roleCan, rolesWith } from './permissions';
import { ApiProblem, problemOf } from './problem';
import type { ApiDeps, ApiRoute } from './route';
import { compileRoute, type RouteValidator } from './validation';

/**
 * The one express adapter for the whole route table: for each route it authenticates the bearer token, checks
 * the route's permission, validates params/query/body against the route's schemas, calls the handler and sends
 * its result (JSON scrubbed of every known secret value), or a problem document.
 */

export interface ApiRouterOptions {
  /** Check every response against its route's schema and answer 500 on a mismatch (tests turn this on). */
  validateResponses?: boolean;
}

export const PROBLEM_TYPE = 'application/problem+json';

export function sendApiProblem(res: Response, problem: ApiProblem): void {
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res
    .status(problem.problem.status)
    .type(PROBLEM_TYPE)
    .send(scrubSecrets(JSON.stringify(problem.problem)));
}

function bearer(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

const unauthorized = (detail: string) =>
  new ApiProblem(401, {
    title: 'Unauthorized',
    detail,
    headers: { 'www-authenticate': 'Bearer realm="connector-hub"' },
  });

/** The token of the request, when the route needs one and the token's role holds the route's permission. */
async function authorize(req: Request, route: ApiRoute, deps: ApiDeps): Promise<ApiToken | undefined> {
  if (route.permission === PUBLIC) return undefined;
  const presented = bearer(req);
  if (presented === undefined)
    throw unauthorized('send an API token as "Authorization: Bearer <token>" (create one with `hub tokens create`)');
  const token = await deps.repos.apiTokens.verify(presented);
  if (token === undefined) throw unauthorized('the API token is not valid or was revoked');
  if (!roleCan(token.role, route.permission)) {
    throw new ApiProblem(403, {
      title: 'Forbidden',
      detail: `role ${token.role} may not ${route.permission}; roles that may: ${rolesWith(route.permission).join(', ')}`,
    });
  }
  return token;
}

function send(res: Response, route: ApiRoute, result: unknown): void {
  const { status, contentType } = route.response;
  if (status === 204) {
    res.status(204).end();
    return;
  }
  if (contentType === 'text/html') {
    res.status(status).type('html').send(String(result));
    return;
  }
  res
    .status(status)
    .type('json')
    .send(scrubSecrets(JSON.stringify(result)));
}

export function createApiRouter(
  routes: readonly ApiRoute[],
  deps: ApiDeps,
  document: Record<string, unknown>,
  options: ApiRouterOptions = {},
): Router {
  const router = express.Router({ strict: false, caseSensitive: true });
  router.use((_req, res, next) => {
    // responses hold personal data, and a new token once: never cached
    res.setHeader('cache-control', 'no-store');
    next();
  });
  for (const route of routes) {
    const validator: RouteValidator = compileRoute(route);
    router[route.method](route.path, async (req: Request, res: Response) => {
      try {
        const token = await authorize(req, route, deps);
        const params = validator.params(req.params);
        const query = validator.query(req.query);
        const body = validator.body(req.body);
        const result = await route.handler({
          params,
          query,
          body,
          token,
          actor: token?.id ?? 'anonymous',
          deps,
          document,
        });
        if (options.validateResponses && route.response.contentType !== 'text/html') {
          const problems = validator.response(result);
          if (problems.length > 0)
            throw new Error(`response of ${route.operationId} does not match its schema: ${problems.join('; ')}`);
        }
        send(res, route, result);
      } catch (error) {
        const { problem, unexpected } = problemOf(error);
        if (unexpected) {
          deps.logger.error(
            { operation: route.operationId, err: error instanceof Error ? error.message : String(error) },
            'request failed',
          );
        }
        sendApiProblem(res, problem);
      }
    });
  }
  const shapes = routes.map((r) => ({
    method: r.method.toUpperCase(),
    pattern: new RegExp(`^${r.path.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`),
  }));
  router.use((req, res) => {
    const allowed = [...new Set(shapes.filter((s) => s.pattern.test(req.path)).map((s) => s.method))];
    if (allowed.length > 0) {
      const detail = `${req.method} is not supported here; use ${allowed.join(', ')}`;
      sendApiProblem(res, new ApiProblem(405, { detail, headers: { allow: allowed.join(', ') } }));
      return;
    }
    sendApiProblem(res, new ApiProblem(404, { detail: `no route ${req.method} ${req.baseUrl}${req.path}` }));
  });
  return router;
}
