import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { PermanentError } from '../sdk/errors';
import { assertPublicUrl, type ResolvedAddress, type SsrfOptions, type VettedUrl } from './ssrf';

/**
 * `safeFetch`: an outbound HTTP(S) client for user-configured URLs that cannot be steered to internal systems.
 * - every hop (the first request and each redirect) goes through `assertPublicUrl`;
 * - redirects are followed by hand (at most `maxRedirects`); credentials are dropped when one leaves the origin;
 * - the connection is pinned to the addresses that were checked: node:http/https get a `lookup` that answers
 *   with the vetted addresses instead of asking DNS again, so a DNS answer that changes between the check and the
 *   connection (DNS rebinding) cannot reach a private address. TLS still verifies the certificate against the
 *   host name (SNI and the Host header keep the name);
 * - the whole exchange (every hop, and reading the body) is bounded by `timeoutMs` (AbortSignal.timeout);
 * - no proxy from the environment is used (a fresh agent per request), since a proxy would resolve the name itself.
 */

export interface SafeFetchInit {
  method?: string;
  headers?: Record<string, string> | [string, string][] | Headers;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}

export interface SafeFetchOptions extends SsrfOptions {
  /** Deadline for the whole exchange, body included; default 30 s. */
  timeoutMs?: number;
  /** Redirects followed at most; default 5. 0 returns the redirect response itself. */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

interface Hop {
  method: string;
  headers: Headers;
  body?: string | Uint8Array;
}

function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
      return;
    }
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
    const chosen = addresses.find((a) => wanted === undefined || a.family === wanted) ?? addresses[0];
    callback(null, chosen.address, chosen.family);
  };
}

function send(vetted: VettedUrl, hop: Hop, signal: AbortSignal): Promise<IncomingMessage> {
  const { url } = vetted;
  const headers: Record<string, string> = {};
  hop.headers.forEach((value, name) => {
    if (name !== 'host') headers[name] = value;
  });
  if (hop.body !== undefined) headers['content-length'] = String(Buffer.byteLength(hop.body));
  const options: http.RequestOptions = {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    method: hop.method,
    headers,
    lookup: pinnedLookup(vetted.addresses),
    agent: false,
    signal,
  };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(options, resolve);
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
    const vetted = await assertPublicUrl(url, options);
    signal.throwIfAborted();
    const message = await send(vetted, hop, signal);
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || location === undefined || maxRedirects === 0)
      return toResponse(message, hop.method, vetted.url);
    message.resume();
    if (redirects >= maxRedirects) throw new PermanentError(`too many redirects (more than ${maxRedirects})`);
    const next = new URL(location, vetted.url);
    const status = message.statusCode ?? 0;
    if (status === 303 ? hop.method !== 'HEAD' : (status === 301 || status === 302) && hop.method === 'POST') {
      hop.method = 'GET';
      hop.body = undefined;
      for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language'])
        hop.headers.delete(name);
    }
    if (next.origin !== vetted.url.origin) for (const name of CREDENTIAL_HEADERS) hop.headers.delete(name);
    url = next;
  }
}
