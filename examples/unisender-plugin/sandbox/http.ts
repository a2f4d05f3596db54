import { startSandboxServer, type SandboxReply, type SandboxRequest } from 'connector-hub/sdk';

/**
 * The sandbox's HTTP layer: `/<lang>/api/<method>` answered the way Unisender does (HTTP 200 and a JSON body for
 * success and failure alike), on the SDK's sandbox kit (`startSandboxServer` from `connector-hub/sdk/testing`:
 * 127.0.0.1 only, raw body kept, registered with the hub's outbound door). What stays here is Unisender's own:
 * PHP-style bracket arguments and the per-method log.
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

export async function startHttp(port: number, handle: ApiHandler): Promise<SandboxHttpServer> {
  const log: SandboxLogEntry[] = [];
  const answer = (req: SandboxRequest): SandboxReply => {
    const lang = req.params.lang ?? '';
    const apiMethod = req.params.method ?? '';
    let reply: HttpReply;
    if (!/^[a-z]{2}$/.test(lang) || !/^[A-Za-z]+$/.test(apiMethod)) {
      reply = { status: 404, body: { error: `No such URL: ${req.path}`, code: 'unknown_method' } };
    } else {
      const args = parseArgs(new URLSearchParams(req.query).toString());
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const body = req.rawBody.toString('utf8');
      if (type === 'application/x-www-form-urlencoded' || (type === '' && body !== '')) parseArgs(body, args);
      try {
        reply = handle(apiMethod, args);
      } catch (error) {
        reply = { status: 500, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    }
    const errorCode =
      typeof reply.body === 'object' && reply.body !== null ? (reply.body as { code?: string }).code : undefined;
    log.push({ method: req.method, path: req.path, apiMethod, ...(errorCode === undefined ? {} : { errorCode }) });
    return {
      status: reply.status,
      body: reply.body,
      headers: { 'content-type': 'application/json; charset=utf-8', ...reply.headers },
    };
  };
  const server = await startSandboxServer({
    port,
    routes: [
      { method: 'GET', path: '/:lang/api/:method', handler: answer },
      { method: 'POST', path: '/:lang/api/:method', handler: answer },
    ],
  });
  return {
    url: server.url,
    port: server.port,
    log,
    count: (filter = {}) =>
      log.filter(
        (e) =>
          (filter.apiMethod === undefined || e.apiMethod === filter.apiMethod) &&
          (filter.errorCode === undefined || e.errorCode === filter.errorCode),
      ).length,
    close: () => server.close(),
  };
}
