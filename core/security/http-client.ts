import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { PermanentError } from '../sdk/errors';
import { guardedAgent, vetTarget } from './outbound-guard';

/**
 * `safeFetch`: the transport of the hub's outbound door, for URLs users configure; it cannot be steered to
 * internal systems.
 * - every hop (the first request and each redirect) is checked by `vetTarget` (https only, unless allow-listed or
 *   a local sandbox the hub started; literal addresses in every spelling) before it is sent;
 * - sockets are opened by the guarded agents, whose `lookup` resolves the name, refuses it when any answer is not
 *   public, and hands the checked address to the socket: no second lookup, so no DNS-rebinding window. TLS still
 *   verifies the certificate against the host name (SNI and the Host header keep the name);
 * - redirects are followed by hand (at most `maxRedirects`); credentials (Authorization, Cookie, API-key and
 *   token headers) are dropped when a hop leaves the origin (scheme, host and port);
 * - the whole exchange (every hop, and reading the body) is bounded by `timeoutMs` (AbortSignal.timeout);
 * - no proxy from the environment is used, since a proxy would resolve the name itself.
 * node:http underneath (not undici), so nock intercepts it in tests like any other client.
 */

export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string> | [string, string][] | Headers;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface SafeFetchOptions {
  /** Deadline for the whole exchange, body included; default 30 s. */
  timeoutMs?: number;
  /** Redirects followed at most; default 5. 0 returns the redirect response itself. */
  maxRedirects?: number;
  /** Field named in the error when the first URL is refused (e.g. `baseUrl`). */
  field?: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Headers that carry credentials by name; any header whose name says key, token, secret, auth… is one too. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const CREDENTIAL_WORDS = /(key|token|secret|auth|session|signature|password|credential)/i;

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase()) || CREDENTIAL_WORDS.test(name);
}

interface Hop {
  method: string;
  headers: Headers;
  body?: string | Uint8Array;
}

function send(url: URL, hop: Hop, signal: AbortSignal): Promise<IncomingMessage> {
  const headers: Record<string, string> = {};
  hop.headers.forEach((value, name) => {
    if (name !== 'host') headers[name] = value;
  });
  if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));
  const secure = url.protocol === 'https:';
  const options: http.RequestOptions = {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: hop.method,
    headers,
    agent: guardedAgent(secure ? 'https:' : 'http:'),
    signal,
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (secure ? https : http).request(options, resolve);
    request.on('error', (error) => reject(signal.aborted ? signal.reason : error));
    request.end(hop.body);
  });
}

function toResponse(message: IncomingMessage, method: string, url: URL): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const status = message.statusCode ?? 500;
  const hasBody = !NULL_BODY.has(status) && method !== 'HEAD';
  if (!hasBody) message.resume();
  const body = hasBody ? (Readable.toWeb(message) as unknown as ReadableStream<Uint8Array>) : null;
  const response = new Response(body as ConstructorParameters<typeof Response>[0], {
    status,
    statusText: message.statusMessage ?? '',
    headers,
  });
  Object.defineProperty(response, 'url', { value: url.toString() });
  return response;
}

/** Like fetch (redirect: 'manual' underneath), refusing any hop to a non-public address. See the file comment. */
export async function safeFetch(
  input: string | URL,
  init: SafeFetchInit = {},
  options: SafeFetchOptions = {},
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
  const signal = init.signal ? AbortSignal.any([timeout, init.signal]) : timeout;
  const maxRedirects = options.maxRedirects ?? 5;
  const hop: Hop = {
    method: (init.method ?? 'GET').toUpperCase(),
    headers: new Headers(init.headers),
    body: init.body,
  };
  let url: string | URL = input;
  for (let redirects = 0; ; redirects++) {
    signal.throwIfAborted();
    const target = vetTarget(url, redirects === 0 ? (options.field ?? 'url') : 'redirect location');
    const message = await send(target, hop, signal);
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || location === undefined || maxRedirects === 0)
      return toResponse(message, hop.method, target);
    message.resume();
    if (redirects >= maxRedirects) throw new PermanentError(`too many redirects (more than ${maxRedirects})`);
    let next: URL;
    try {
      next = new URL(location, target);
    } catch {
      throw new PermanentError(`the answer redirected to an invalid location`);
    }
    const status = message.statusCode ?? 0;
    const keepsBody = hop.body !== undefined && (status === 307 || status === 308);
    // a body may carry credentials too (form-encoded API keys): it never goes on to another origin
    if (keepsBody && next.origin !== target.origin)
      throw new PermanentError(
        `${target.host} answered ${status}, a redirect to another origin (${next.host}) for a request with a body; not followed`,
        { status },
      );
    if (status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST') {
      hop.method = 'GET';
      hop.body = undefined;
      for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language'])
        hop.headers.delete(name);
    }
    if (next.origin !== target.origin) {
      const names: string[] = [];
      hop.headers.forEach((_value, name) => names.push(name));
      for (const name of names) if (isCredentialHeader(name)) hop.headers.delete(name);
    }
    url = next;
  }
}
