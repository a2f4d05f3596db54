import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A reverse proxy on 127.0.0.1 in front of a vendor sandbox, for the crash tests: it forwards every request and
 * counts them by `METHOD /path`. Armed with a predicate, it forwards the n-th matching request, lets the sandbox
 * apply it and answer, and then keeps the answer: the worker that sent it waits for a reply that never comes, so the
 * test can SIGKILL it at the exact moment "the vendor applied the write, the hub has not recorded it". The hub
 * itself needs no fault hook for this.
 */

export interface ProxiedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  body: string;
}

export type RequestMatch = (request: ProxiedRequest) => boolean;

/**
 * What to do with a request instead of forwarding it as usual: `lose` forwards it (the sandbox applies it) and then
 * drops the connection without an answer, as a network that loses a reply; `status` answers it without forwarding.
 */
export type Interception = { lose: true } | { status: number };

export interface HoldProxy {
  url: string;
  /** Every request forwarded so far, in order (held ones included). */
  readonly requests: ProxiedRequest[];
  count(match: RequestMatch): number;
  /**
   * Holds the answer to the `nth` request (1-based, counted from now) that matches: the returned promise resolves
   * once the sandbox has answered it (so the write is applied) and the answer is held back. Only one hold at a time.
   */
  holdAnswer(match: RequestMatch, nth?: number): Promise<ProxiedRequest>;
  /** Decides, for each request from now on, whether to intercept it (undefined: forward as usual). */
  intercept(rule: ((request: ProxiedRequest) => Interception | undefined) | undefined): void;
  close(): Promise<void>;
}

interface Hold {
  match: RequestMatch;
  left: number;
  resolve: (request: ProxiedRequest) => void;
}

export async function startHoldProxy(target: string): Promise<HoldProxy> {
  const upstream = new URL(target);
  const requests: ProxiedRequest[] = [];
  const sockets = new Set<Socket>();
  let hold: Hold | undefined;
  let rule: ((request: ProxiedRequest) => Interception | undefined) | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ProxiedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const intercepted = rule?.(request);
      if (intercepted !== undefined && 'status' in intercepted) {
        res.writeHead(intercepted.status, { 'content-type': 'text/plain' });
        res.end(`proxy: answered ${intercepted.status} without forwarding`);
        return;
      }
      let held: Hold | undefined;
      if (hold !== undefined && hold.match(request) && --hold.left === 0) {
        held = hold;
        hold = undefined;
      }
      const headers = { ...req.headers, host: upstream.host };
      const forward = http.request(
        { host: upstream.hostname, port: upstream.port, method: request.method, path: request.path, headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            if (held !== undefined) {
              // applied by the sandbox; the answer never reaches the worker (its socket stays open until it dies)
              held.resolve(request);
              return;
            }
            if (intercepted !== undefined) {
              req.socket.destroy();
              return;
            }
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(body));
          });
        },
      );
      forward.on('error', (error) => {
        if (res.headersSent) return;
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${error.message}`);
      });
      forward.end(Buffer.concat(chunks));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (match) => requests.filter(match).length,
    holdAnswer(match, nth = 1) {
      if (hold !== undefined) throw new Error('the proxy already holds an answer');
      return new Promise<ProxiedRequest>((resolve) => {
        hold = { match, left: nth, resolve };
      });
    },
    intercept(next) {
      rule = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
