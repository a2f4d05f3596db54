import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The sandbox's HTTP layer: one node:http server on 127.0.0.1 that answers `/<lang>/api/<method>` the way
 * Unisender does (HTTP 200 and a JSON body for success and failure alike). Self-contained on purpose: a plugin
 * depends on `connector-hub/sdk` only, and the sandbox is runtime code (the demo uses it), not a test helper.
 */

/** Form arguments after PHP-style bracket parsing: `a=1`, `a[]=1`, `a[0]=1`, `a[0][1]=x`. */
export type Arg = string | Arg[];
export type Args = Record<string, Arg>;

/** Parses a query string or form body, turning `name[i]` / `name[i][j]` / `name[]` into arrays. */
export function parseArgs(text: string, into: Args = {}): Args {
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    if (match === null) continue;
    const name = match[1]!;
    const indices = [...match[2]!.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]!);
    if (indices.length === 0) {
      into[name] = value;
      continue;
    }
    let container = into[name];
    if (!Array.isArray(container)) into[name] = container = [];
    for (let d = 0; d < indices.length; d++) {
      const raw = indices[d]!;
      const at = raw === '' ? container.length : Number(raw);
      if (!Number.isInteger(at) || at < 0 || at > 100_000) break;
      if (d === indices.length - 1) container[at] = value;
      else {
        if (!Array.isArray(container[at])) container[at] = [];
        container = container[at] as Arg[];
      }
    }
  }
  return into;
}

export interface SandboxLogEntry {
  method: string;
  path: string;
  /** The Unisender API method called, e.g. importContacts. */
  apiMethod: string;
  /** `code` of an `{ error, code }` answer, undefined on success. */
  errorCode?: string;
}

export interface HttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type ApiHandler = (apiMethod: string, args: Args) => HttpReply;

export interface SandboxHttpServer {
  url: string;
  port: number;
  log: SandboxLogEntry[];
  /** Calls answered, optionally only those of one API method / error code. */
  count(filter?: { apiMethod?: string; errorCode?: string }): number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHttp(port: number, handle: ApiHandler): Promise<SandboxHttpServer> {
  const log: SandboxLogEntry[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = (req.method ?? 'GET').toUpperCase();
      const body = await readBody(req);
      const match = /^\/([a-z]{2})\/api\/([A-Za-z/]+)$/.exec(url.pathname);
      let reply: HttpReply;
      let apiMethod = '';
      if (match === null || (method !== 'POST' && method !== 'GET')) {
        reply = { status: 404, body: { error: `No such URL: ${url.pathname}`, code: 'unknown_method' } };
      } else {
        apiMethod = match[2]!;
        const args = parseArgs(url.search.slice(1));
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type === 'application/x-www-form-urlencoded' || (type === '' && body !== '')) parseArgs(body, args);
        try {
          reply = handle(apiMethod, args);
        } catch (error) {
          reply = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
        }
      }
      const errorCode =
        typeof reply.body === 'object' && reply.body !== null ? (reply.body as { code?: string }).code : undefined;
      log.push({ method, path: url.pathname, apiMethod, ...(errorCode === undefined ? {} : { errorCode }) });
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    log,
    count: (filter = {}) =>
      log.filter(
        (e) =>
          (filter.apiMethod === undefined || e.apiMethod === filter.apiMethod) &&
          (filter.errorCode === undefined || e.errorCode === filter.errorCode),
      ).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
