import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  WebhookIngress,
  type IngressRequest,
  type IngressResponse,
  type WebhookIngressDeps,
} from '../webhooks/ingress';
import { sendProblem } from './app';

export interface WebhooksRouterOptions extends WebhookIngressDeps {
  /** Largest body accepted, in bytes; larger ones are answered 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The hub's public base URL (e.g. https://hub.example.com), used to rebuild the URL the vendor called for
   * signatures that cover it (HubSpot v3). Defaults to the request's own protocol and Host header.
   */
  publicBaseUrl?: string;
}

export const DEFAULT_WEBHOOK_BODY_LIMIT = 1024 * 1024;

function headersOf(req: Request): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  // node gives header names in lower case already; only set-cookie comes as an array
  for (const name in req.headers) {
    const value = req.headers[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function queryOf(originalUrl: string): Record<string, string | undefined> {
  // most deliveries have no query string: skip building a URL for them
  if (!originalUrl.includes('?')) return {};
  const query: Record<string, string | undefined> = {};
  const search = new URL(originalUrl, 'http://placeholder').searchParams;
  for (const [name, value] of search) if (!(name in query)) query[name] = value;
  return query;
}

function send(res: Response, answer: IngressResponse): void {
  switch (answer.kind) {
    case 'problem':
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      sendProblem(res, answer.status, answer.problem.title, answer.problem.detail);
      return;
    case 'json':
      // the vendor reads only the status: no ETag or content negotiation (res.json's extra work per request)
      res.statusCode = answer.status;
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.end(JSON.stringify(answer.body));
      return;
    case 'raw': {
      const { status, body, headers } = answer.response;
      res.status(status).setHeader('x-content-type-options', 'nosniff');
      for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
      if (!res.getHeader('content-type')) res.type('text/plain');
      res.send(body ?? '');
    }
  }
}

/**
 * `POST /:connectionId[/:webhook]` receives a vendor's webhook; `GET` answers its handshake. The body is kept
 * raw (signatures cover the exact bytes), so mount this router before any body parser: `createApp({
 * rawBodyRoutes: [{ path: '/webhooks', router: createWebhooksRouter(…) }] })`.
 */
export function createWebhooksRouter(options: WebhooksRouterOptions): Router {
  const ingress = new WebhookIngress(options);
  const base = options.publicBaseUrl?.replace(/\/+$/, '');
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: options.maxBodyBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT }));

  const handle = async (req: Request, res: Response): Promise<void> => {
    const params = req.params as { connectionId: string; webhook?: string };
    const origin = base ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const request: IngressRequest = {
      connectionId: params.connectionId,
      method: req.method.toUpperCase(),
      url: `${origin}${req.originalUrl}`,
      headers: headersOf(req),
      query: queryOf(req.originalUrl),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      receivedAt: new Date(),
    };
    if (params.webhook !== undefined) request.webhook = params.webhook;
    send(res, await ingress.handle(request));
  };
  router.get(['/:connectionId', '/:connectionId/:webhook'], handle);
  router.post(['/:connectionId', '/:connectionId/:webhook'], handle);

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const err = error as { status?: unknown; type?: unknown };
    if (err.type === 'entity.too.large') return sendProblem(res, 413, 'Content Too Large');
    const status = typeof err.status === 'number' ? err.status : 500;
    if (status >= 400 && status < 500) return sendProblem(res, status, 'Bad Request');
    options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'webhook request failed');
    sendProblem(res, 500, 'Internal Server Error');
  });
  return router;
}
