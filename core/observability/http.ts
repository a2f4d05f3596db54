import type { Request, RequestHandler } from 'express';
import type { HubLogger } from '../logging/logger';
import type { HubMetrics } from './metrics';

/**
 * HTTP observability: one middleware that times every request and, when it is over, observes
 * hub_http_request_duration_seconds and writes one access-log line. Both name the request by its ROUTE PATTERN
 * (`/api/v1/flows/:flowId`), never by its URL: no ids, no query string (tokens travel there sometimes), no body.
 * Routers must be mounted at static paths (their mount path is taken as it is).
 */

/** The label of a request that matched no route (404s of scanners must not create new series). */
export const UNMATCHED_ROUTE = 'unmatched';

/** Probes and scrapes: logged at debug, not info. */
const QUIET_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

function trimSlash(pattern: string): string {
  if (pattern === '') return '/';
  return pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
}

/** The pattern of a route mounted at `baseUrl` (a route with several paths lists them all). */
export function routePattern(baseUrl: string, path: unknown): string {
  if (typeof path === 'string') return trimSlash(`${baseUrl}${path}`);
  if (Array.isArray(path)) return path.map((p) => routePattern(baseUrl, p)).join('|');
  return trimSlash(`${baseUrl}/(pattern)`);
}

/**
 * Remembers the pattern of the route that takes the request, at the moment the router hands it over (when
 * `req.baseUrl` is still the router's mount path; it is restored when the request leaves the router).
 */
function trackRoute(req: Request): () => string | undefined {
  let current: unknown;
  let pattern: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => current,
    set(value: unknown) {
      current = value;
      if (typeof value === 'object' && value !== null && 'path' in value)
        pattern = routePattern(req.baseUrl, value.path);
    },
  });
  return () => pattern;
}

export interface HttpObservabilityOptions {
  /** Access-log lines go to a child of it (`module: http`). */
  logger?: HubLogger;
  metrics?: HubMetrics;
}

export function httpObservability(options: HttpObservabilityOptions): RequestHandler {
  const log = options.logger?.child({ module: 'http' });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const matched = trackRoute(req);
    let done = false;
    const finish = (aborted: boolean) => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const pattern = matched() ?? UNMATCHED_ROUTE;
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      const status = aborted && !res.headersSent ? 499 : res.statusCode;
      options.metrics?.observeHttp({ method, route: pattern, status, seconds });
      if (log === undefined) return;
      const line = { method, route: pattern, status, durationMs: Math.round(seconds * 1e4) / 10 };
      const message = aborted ? 'request aborted by the client' : 'request';
      if (status >= 500) log.warn(line, message);
      else if (QUIET_ROUTES.has(pattern)) log.debug(line, message);
      else log.info(line, message);
    };
    res.once('finish', () => finish(false));
    res.once('close', () => finish(!res.writableFinished));
    next();
  };
}

/** GET /metrics: the Prometheus exposition of the hub's registry. */
export function metricsHandler(metrics: HubMetrics): RequestHandler {
  return async (_req, res, next) => {
    try {
      const { contentType, body } = await metrics.render();
      res.setHeader('cache-control', 'no-store');
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  };
}
