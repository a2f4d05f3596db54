import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { HubLogger } from '../logging/logger';

/** Something /readyz asks before saying the hub can take work (the store now; the queue later). */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AppOptions {
  logger: HubLogger;
  readiness: ReadinessCheck[];
  version: string;
  /** Routers that read the body themselves (webhook signatures cover the raw bytes); mounted before the JSON parser. */
  rawBodyRoutes?: { path: string; router: RequestHandler }[];
}

/** RFC 9457 problem details; never a stack trace. */
export function sendProblem(res: Response, status: number, title: string, detail?: string): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  for (const route of options.rawBodyRoutes ?? []) app.use(route.path, route.router);
  app.use(express.json({ limit: '1mb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: options.version });
  });

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

  app.use((_req, res) => sendProblem(res, 404, 'Not Found'));

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error
        ? Number((error as { status: unknown }).status)
        : 500;
    if (status >= 500)
      options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'request failed');
    sendProblem(
      res,
      status >= 400 && status < 600 ? status : 500,
      status >= 500 ? 'Internal Server Error' : 'Bad Request',
    );
  });
  return app;
}
