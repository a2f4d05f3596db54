import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type RequestHandler } from 'express';
import {
  WebhookIngress,
  type IngressRequest,
  type IngressResponse,
  type WebhookIngressDeps,
} from '../webhooks/ingress';
import type { IngressHandler, IngressRequestMessage } from './app';

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

/** The routes the handler answers, relative to its mount path (also the route label of its metrics and logs). */
export const WEBHOOK_ROUTES: readonly string[] = ['/:connectionId', '/:connectionId/:webhook'];
/** What `req.route` is set to for a request the handler takes (as express's Router would; read by observability). */
const ROUTE = { path: WEBHOOK_ROUTES };

const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem details, as createApp's sendProblem writes them, on node's response. */
function sendProblem(
  res: ServerResponse,
  status: number,
  title: string,
  detail?: string,
  headers?: Record<string, string>,
): void {
  const body = JSON.stringify({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
  res.writeHead(status, {
    ...headers,
    'content-type': PROBLEM_TYPE,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function headersOf(req: IncomingMessage): Record<string, string | undefined> {
  // node gives header names in lower case and joins repeated ones; only set-cookie comes as an array, and a
  // vendor's request has none: then node's object is used as it is
  if (req.headers['set-cookie'] === undefined) return req.headers as Record<string, string | undefined>;
  const headers: Record<string, string | undefined> = {};
  for (const name in req.headers) {
    const value = req.headers[name];
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function queryOf(url: string, at: number): Record<string, string | undefined> {
  // most deliveries have no query string: skip building a URL for them
  if (at < 0) return {};
  const query: Record<string, string | undefined> = {};
  const search = new URLSearchParams(url.slice(at + 1));
  for (const [name, value] of search) if (!(name in query)) query[name] = value;
  return query;
}

/**
 * `/<connectionId>` or `/<connectionId>/<webhook>` (a trailing slash allowed, as express's router allows it);
 * undefined for any other path, 'malformed' for bad percent-encoding (answered 400, as express's router does).
 */
function paramsOf(path: string): { connectionId: string; webhook?: string } | 'malformed' | undefined {
  const inner = path.slice(1, path.length > 1 && path.endsWith('/') ? -1 : undefined);
  const parts = inner.split('/');
  if (path[0] !== '/' || parts.length > 2 || parts.includes('')) return undefined;
  try {
    const connectionId = decodeURIComponent(parts[0]);
    return parts.length === 1 ? { connectionId } : { connectionId, webhook: decodeURIComponent(parts[1]) };
  } catch {
    return 'malformed';
  }
}

function send(res: ServerResponse, answer: IngressResponse): void {
  switch (answer.kind) {
    case 'problem':
      sendProblem(res, answer.status, answer.problem.title, answer.problem.detail, answer.headers);
      return;
    case 'json': {
      // the vendor reads only the status: no ETag or content negotiation
      const body = JSON.stringify(answer.body);
      // names and values in one flat list: node writes them as they are, without building a header map first
      res.writeHead(answer.status, [
        'content-type',
        JSON_TYPE,
        'content-length',
        String(Buffer.byteLength(body)),
        'x-content-type-options',
        'nosniff',
      ]);
      res.end(body);
      return;
    }
    case 'raw': {
      // a connector's handshake answer (an echoed challenge): never sniffed as HTML
      const { status, body = '', headers } = answer.response;
      res.setHeader('x-content-type-options', 'nosniff');
      for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
      if (!res.hasHeader('content-type')) res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(body));
      res.statusCode = status;
      res.end(body); // node sends no body to a HEAD request
    }
  }
}

type BodyCallback = (error: { status: number } | undefined, body: Buffer) => void;

const EMPTY = Buffer.alloc(0);

/**
 * Reads the raw body (signatures cover the exact bytes) up to `limit` bytes: a longer one is refused 413 as soon
 * as its Content-Length or its bytes say so. A compressed body goes through express.raw, which inflates it.
 */
function readBody(
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  limit: number,
  inflate: RequestHandler,
  done: BodyCallback,
): void {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    inflate(req as Parameters<RequestHandler>[0], res as Parameters<RequestHandler>[1], (error?: unknown) => {
      if (error === undefined) return done(undefined, Buffer.isBuffer(req.body) ? req.body : EMPTY);
      const err = error as { status?: unknown; type?: unknown };
      done(
        { status: err.type === 'entity.too.large' ? 413 : typeof err.status === 'number' ? err.status : 400 },
        EMPTY,
      );
    });
    return;
  }
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return done(undefined, EMPTY);
  if (declared !== undefined && Number(declared) > limit) {
    req.resume(); // the rest is read and dropped, so the connection stays usable
    return done({ status: 413 }, EMPTY);
  }
  let first: Buffer | undefined;
  let chunks: Buffer[] | undefined;
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.off('data', onData);
      req.off('end', onEnd);
      req.resume();
      return done({ status: 413 }, EMPTY);
    }
    if (first === undefined) first = chunk;
    else (chunks ??= [first]).push(chunk);
  };
  const onEnd = () => done(undefined, chunks ? Buffer.concat(chunks, size) : (first ?? EMPTY));
  req.on('data', onData);
  req.once('end', onEnd);
  // an aborted request has no one to answer: its socket is gone and nothing was recorded
}

/**
 * `POST /:connectionId[/:webhook]` receives a vendor's webhook; `GET` answers its handshake. The body is kept
 * raw (signatures cover the exact bytes). It uses only node's request and response, so createApp can hand it a
 * request before express: `createApp({ ingressRoutes: [{ path: '/webhooks', router: createWebhooksRouter(…),
 * routes: WEBHOOK_ROUTES }] })` (no helmet, CORS, JSON parser or express routing in front of it; timed and
 * access-logged like every route). Another method or path is passed on (`next()`, the app's 404). It can also be
 * mounted as an express middleware (`app.use('/webhooks', …)`).
 */
export function createWebhooksRouter(options: WebhooksRouterOptions): IngressHandler {
  const ingress = new WebhookIngress(options);
  const base = options.publicBaseUrl?.replace(/\/+$/, '');
  const limit = options.maxBodyBytes ?? DEFAULT_WEBHOOK_BODY_LIMIT;
  const inflate = express.raw({ type: () => true, limit });

  const fail = (res: ServerResponse, error: unknown) => {
    options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'webhook request failed');
    if (!res.headersSent) sendProblem(res, 500, 'Internal Server Error');
  };

  return (req: IngressRequestMessage, res: ServerResponse, next: () => void) => {
    const method = req.method ?? 'GET';
    if (method !== 'POST' && method !== 'GET' && method !== 'HEAD') return next();
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    const params = paramsOf(at < 0 ? url : url.slice(0, at));
    if (!params) return next();
    req.route = ROUTE;
    if (params === 'malformed') return sendProblem(res, 400, 'Bad Request');
    const originalUrl = req.originalUrl ?? url;
    readBody(req, res, limit, inflate, (error, rawBody) => {
      if (error) return sendProblem(res, error.status, error.status === 413 ? 'Content Too Large' : 'Bad Request');
      const request: IngressRequest = {
        connectionId: params.connectionId,
        method,
        get url() {
          // only signatures that cover the URL read it (HubSpot v3); behind a proxy, set publicBaseUrl
          if (base !== undefined) return `${base}${originalUrl}`;
          const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
          return `${protocol}://${req.headers.host ?? 'localhost'}${originalUrl}`;
        },
        headers: headersOf(req),
        query: queryOf(url, at),
        rawBody,
        receivedAt: new Date(),
      };
      if (params.webhook !== undefined) request.webhook = params.webhook;
      ingress.handle(request).then(
        (answer) => send(res, answer),
        (err: unknown) => fail(res, err),
      );
    });
  };
}
