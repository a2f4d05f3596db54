import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSandboxOrigin } from '../security/outbound-policy';

/**
 * A small HTTP server for vendor sandboxes: a route table with `:param` segments, JSON and form bodies,
 * a request log with counters, and a `before` hook for auth and rate limits. Written here rather than
 * with express so a sandbox is one dependency-free file a partner can copy, and so the raw body is kept
 * byte-exact for signature checks.
 */

export interface SandboxRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** Parsed JSON, or form fields for application/x-www-form-urlencoded, else undefined. */
  body: unknown;
}

export interface SandboxReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Closes the connection without answering, as a server (or proxy) that dropped it mid-call: the client sees the
   * socket close before any response. `status` is then only what the request log records.
   */
  drop?: boolean;
}

export type SandboxHandler = (request: SandboxRequest) => SandboxReply | Promise<SandboxReply>;

export interface SandboxRoute {
  method: string;
  /** e.g. `/crm/v3/objects/:object/batch/upsert` */
  path: string;
  handler: SandboxHandler;
}

export interface SandboxLogEntry {
  method: string;
  path: string;
  route: string;
  status: number;
}

export interface SandboxServerOptions {
  port?: number;
  routes: SandboxRoute[];
  /** Runs before the route: answer to short-circuit (401, 429…), undefined to go on. */
  before?: (
    request: SandboxRequest,
    route: SandboxRoute,
  ) => SandboxReply | undefined | Promise<SandboxReply | undefined>;
  /** Runs after the reply was sent (e.g. to release a concurrency slot). */
  after?: (request: SandboxRequest, route: SandboxRoute | undefined, reply: SandboxReply) => void;
}

export interface SandboxServer {
  url: string;
  port: number;
  /** Every request answered, in order. */
  log: SandboxLogEntry[];
  /** Requests answered, optionally only those of one route (`METHOD /path/:param`) or status. */
  count(filter?: { route?: string; status?: number }): number;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: SandboxRoute;
  key: string;
  segments: string[];
}

function compile(route: SandboxRoute): CompiledRoute {
  return { route, key: `${route.method.toUpperCase()} ${route.path}`, segments: route.path.split('/').filter(Boolean) };
}

function match(compiled: CompiledRoute, method: string, parts: string[]): Record<string, string> | undefined {
  if (compiled.route.method.toUpperCase() !== method || compiled.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = compiled.segments[i]!;
    const part = parts[i]!;
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(part);
    else if (segment !== part) return undefined;
  }
  return params;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, reply: SandboxReply): void {
  const headers: Record<string, string> = { ...reply.headers };
  let payload: string | Buffer | undefined;
  if (Buffer.isBuffer(reply.body)) payload = reply.body;
  else if (typeof reply.body === 'string') payload = reply.body;
  else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/** Starts a sandbox server on 127.0.0.1 (never on other interfaces). */
export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const routes = options.routes.map(compile);
  const log: SandboxLogEntry[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const parts = url.pathname.split('/').filter(Boolean);
      const rawBody = await readRaw(req);
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const request: SandboxRequest = {
        method,
        path: url.pathname,
        params: {},
        query: Object.fromEntries(url.searchParams),
        headers,
        rawBody,
        body: parseBody(rawBody, headers['content-type']),
      };
      let found: CompiledRoute | undefined;
      for (const candidate of routes) {
        const params = match(candidate, method, parts);
        if (params) {
          found = candidate;
          request.params = params;
          break;
        }
      }
      let reply: SandboxReply;
      try {
        if (!found) reply = { status: 404, body: { message: `No sandbox route for ${method} ${url.pathname}` } };
        else reply = (await options.before?.(request, found.route)) ?? (await found.route.handler(request));
      } catch (error) {
        reply = { status: 500, body: { message: error instanceof Error ? error.message : String(error) } };
      }
      log.push({ method, path: url.pathname, route: found?.key ?? `${method} ${url.pathname}`, status: reply.status });
      if (reply.drop === true) req.socket.destroy();
      else send(res, reply);
      options.after?.(request, found?.route, reply);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  // the outbound door lets connectors reach this origin (and only while it listens): the hub started it
  const withdraw = registerSandboxOrigin(`http://127.0.0.1:${port}`);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    log,
    count(filter = {}) {
      return log.filter(
        (e) =>
          (filter.route === undefined || e.route === filter.route) &&
          (filter.status === undefined || e.status === filter.status),
      ).length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        withdraw();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
