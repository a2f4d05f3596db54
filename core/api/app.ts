import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { HubLogger } from '../logging/logger';
import { httpObservability, metricsHandler, routePattern, type HubMetrics } from '../observability';
import { problemOf } from './problem';
import { sendApiProblem } from './router';

/**
 * A request as node gives it, before express: `url` is what follows the route's mount path, `originalUrl` the
 * whole of it; `route` is set by a handler that takes the request (its patterns, as express's Router sets it).
 */
export type IngressRequestMessage = IncomingMessage & { originalUrl?: string; route?: unknown; body?: unknown };

/**
 * A handler for a machine-facing route (webhook ingress) that uses only node's request and response API, so it
 * can answer before express sees the request; `next()` hands the request on unchanged. Usable as an express
 * middleware as well.
 */
export type IngressHandler = (req: IngressRequestMessage, res: ServerResponse, next: () => void) => void;

export interface IngressRoute {
  path: string;
  router: IngressHandler;
  /** The router's route patterns, relative to `path`: the route label of its metrics and access lines. */
  routes: readonly string[];
}

/** Something /readyz asks before saying the hub can take work (the store now; the queue later). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppOptions {
  logger: HubLogger;
  readiness: ReadinessCheck[];
  version: string;
  /**
   * Machine-facing routes answered at a high rate (webhook ingress): a request under `path` goes to its router
   * before express (no helmet, CORS, JSON parser or routing in front), with only a lean timer that observes the
   * metrics and writes the access line as for every route, labelled `path` + each of `routes` (a pattern per
   * route, never the URL; an answer below 300 at debug, as probes are). A request the router passes on (`next()`)
   * goes through the express app as any other.
   * The router reads the body itself.
   */
  ingressRoutes?: IngressRoute[];
  /** Routers that read the body themselves (webhook signatures cover the raw bytes); mounted before the JSON parser. */
  rawBodyRoutes?: { path: string; router: RequestHandler }[];
  /** Prometheus metrics: HTTP request durations are observed and GET /metrics exposes the registry. */
  metrics?: HubMetrics;
  /** Routers that take JSON bodies (the REST API at /api/v1); mounted after the JSON parser. */
  routes?: { path: string; router: RequestHandler }[];
  /** Origins allowed to call the hub from a browser (CORS). Absent or empty: no CORS headers at all. */
  corsOrigins?: readonly string[];
  /** Largest JSON body accepted; larger ones get a 413 problem. Default 1 MB. */
  jsonLimit?: string | number;
}

/** Answers CORS only for the configured origins; other origins get no CORS headers (browsers then refuse). */
function cors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return next();
    res.setHeader('access-control-allow-origin', origin);
    res.append('vary', 'Origin');
    if (req.method !== 'OPTIONS') return next();
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
    res.setHeader('access-control-allow-headers', 'authorization, content-type');
    res.setHeader('access-control-max-age', '600');
    res.status(204).end();
  };
}

/** RFC 9457 problem details; never a stack trace. */
export function sendProblem(res: Response, status: number, title: string, detail?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
}

/**
 * The timer in front of an ingress route: what httpObservability does (metrics and access line by route pattern,
 * 499 for a request the client abandoned), without its per-request route tracking, for a router whose routes are
 * known. Nothing is observed here for a request the router passes on: httpObservability further on does that.
 */
function timedIngress(route: IngressRoute, options: Pick<AppOptions, 'logger' | 'metrics'>): IngressHandler {
  const pattern = routePattern(route.path, [...route.routes]);
  const log = options.logger.child({ module: 'http' });
  const { metrics } = options;
  return (req, res, next) => {
    const started = performance.now();
    let passed = false;
    res.once('close', () => {
      if (passed) return;
      const seconds = (performance.now() - started) / 1000;
      const aborted = !res.writableFinished;
      const status = aborted && !res.headersSent ? 499 : res.statusCode;
      const method = req.method ?? 'GET';
      metrics?.observeHttp({ method, route: pattern, status, seconds });
      // an accepted delivery is logged at debug, as probes are: at the default level its access line (redacted
      // like every line) cost more CPU than the rest of the request (bench/webhooks.ts with BENCH_LOG=info); the
      // metric above counts every request, and refusals and failures are still logged at info and warn
      const level = status >= 500 ? 'warn' : status < 300 && !aborted ? 'debug' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const line = { method, route: pattern, status, durationMs: Math.round(seconds * 1e4) / 10 };
      log[level](line, aborted ? 'request aborted by the client' : 'request');
    });
    route.router(req, res, () => {
      passed = true;
      next();
    });
  };
}

/**
 * Hands requests under an ingress route's path to its timed router before express: express's own dispatch
 * (a final handler, two prototype swaps, the router's layer walk) costs more per request than the webhook
 * route's own work. A request passed on, or under a path in other letter case, goes to express unchanged,
 * where the same timed router is mounted first.
 */
function dispatchIngressFirst(app: Express, routes: { prefix: string; timed: IngressHandler }[]): void {
  // express's application calls `app.handle(req, res)` for every request (express/lib/express.js)
  const dispatcher = app as unknown as { handle(req: IncomingMessage, res: ServerResponse, done?: unknown): void };
  const expressHandle = dispatcher.handle;
  dispatcher.handle = function handle(req: IngressRequestMessage, res: ServerResponse, done?: unknown) {
    const url = req.url ?? '/';
    for (const { prefix, timed } of routes) {
      if (!url.startsWith(prefix)) continue;
      req.originalUrl = url;
      req.url = url.slice(prefix.length - 1);
      timed(req, res, () => {
        req.url = url;
        delete req.originalUrl;
        expressHandle.call(this, req, res, done);
      });
      return;
    }
    expressHandle.call(this, req, res, done);
  };
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const ingress = (options.ingressRoutes ?? []).map((route) => ({
    prefix: `${route.path.replace(/\/+$/, '')}/`,
    timed: timedIngress(route, options),
  }));
  if (ingress.length > 0) dispatchIngressFirst(app, ingress);
  for (const [i, route] of (options.ingressRoutes ?? []).entries()) app.use(route.path, ingress[i].timed);
  // first, so every request is timed and access-logged (by route pattern, never by URL)
  app.use(httpObservability({ logger: options.logger, metrics: options.metrics }));
  app.set('query parser', 'simple');
  app.use(helmet());
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) app.use(cors(options.corsOrigins));
  for (const route of options.rawBodyRoutes ?? []) app.use(route.path, route.router);
  app.use(express.json({ limit: options.jsonLimit ?? '1mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: options.version });
  });

  if (options.metrics !== undefined) app.get('/metrics', metricsHandler(options.metrics));

  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const probe of options.readiness) {
      try {
        await probe.check();
        checks[probe.name] = 'ok';
      } catch (error) {
        ready = false;
        checks[probe.name] = 'unavailable';
        options.logger.warn(
          { check: probe.name, err: error instanceof Error ? error.message : String(error) },
          'readiness check failed',
        );
      }
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  for (const route of options.routes ?? []) app.use(route.path, route.router);

  app.use((_req, res) => sendProblem(res, 404, 'Not Found'));

  // body-parser errors (413, invalid JSON) and anything a router let through: a problem, never a stack trace
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const { problem, unexpected } = problemOf(error);
    if (unexpected)
      options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    sendApiProblem(res, problem);
  });
  return app;
}
