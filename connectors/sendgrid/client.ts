import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Client } from '@sendgrid/client';
import {
  AuthError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  SsrfError,
  axiosAdapter,
  classifyHttpFailure,
  httpOf,
  isHubError,
  readRetryAfter,
  type ConnectionContext,
  type HubError,
  type OutboundHttp,
} from '../../core/sdk';
import { sendgridPolicy } from './policy';
import type { SendGridSettings } from './schemas/settings';

/**
 * The SendGrid API as the connector uses it. API calls go through the official `@sendgrid/client` (one instance per
 * client, so connections never share a key, region or base URL); it is a thin axios wrapper with no typed contact
 * methods, so the shapes live in this folder. Export and error files are plain pre-signed URLs outside the API
 * (no auth header must be sent to them), so they are downloaded with fetch and streamed, gunzipping when the bytes
 * start with the gzip magic number.
 *
 * Every failure becomes a typed hub error here, and no message ever contains the API key: axios errors are never
 * attached as `cause` because their config carries the Authorization header.
 */

export const SENDGRID_URLS = { global: 'https://api.sendgrid.com', eu: 'https://api.eu.sendgrid.com' } as const;

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  body?: unknown;
  qs?: Record<string, string | number | undefined>;
}

export interface ApiResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** The `{errors:[{message, field}]}` body SendGrid answers failures with. */
export interface SendGridErrorItem {
  message?: string;
  field?: string | null;
}

/** The vendor's messages from an error body, joined; never the request. */
export function vendorMessages(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const parts = errors
        .map((e: SendGridErrorItem) => [e?.field ? `${e.field}: ` : '', e?.message ?? ''].join(''))
        .filter((m) => m !== '');
      if (parts.length > 0) return parts.join('; ');
    }
    const message = (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return typeof body === 'string' && body.length > 0 ? body.slice(0, 300) : 'no details';
}

/** The typed error for a failed SendGrid response. */
export function classifySendGridFailure(
  method: string,
  path: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): HubError {
  const what = `SendGrid ${method} ${path} answered ${status}: ${vendorMessages(body)}`;
  if (status === 401 || status === 403) {
    return new AuthError(
      `${what}. SendGrid refused the API key: check that the connection's key is valid and has Marketing ` +
        '(and Suppressions) access, then reconnect',
      { status },
    );
  }
  if (status === 429) {
    const wait = readRetryAfter(sendgridPolicy, headers) ?? 10_000;
    return new RateLimitedError(`${what} (rate limit; waiting until X-RateLimit-Reset)`, wait, { status });
  }
  // X-RateLimit-Reset is on every response; it is a wait only for 429, not a minimum delay for a 5xx retry
  return classifyHttpFailure({ ...sendgridPolicy, retryAfter: [] }, { status, headers }, what);
}

function networkError(method: string, path: string, error: unknown): HubError {
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? code : error instanceof Error ? error.message : 'network error';
  return new RetryableError(`SendGrid ${method} ${path} failed before an answer: ${reason}`);
}

/** axios hands back an AxiosHeaders instance; the SDK's header helpers want a plain bag. */
function plainHeaders(headers: unknown): Record<string, string | string[] | undefined> {
  if (typeof headers !== 'object' || headers === null) return {};
  const json = (headers as { toJSON?: () => unknown }).toJSON;
  const bag = typeof json === 'function' ? json.call(headers) : headers;
  return { ...(bag as Record<string, string | string[] | undefined>) };
}

export function baseUrlOf(settings: SendGridSettings): string {
  return (settings.baseUrl ?? SENDGRID_URLS[settings.region ?? 'global']).replace(/\/+$/, '');
}

export class SendGridClient {
  private readonly sdk: Client;
  readonly baseUrl: string;
  private readonly http: OutboundHttp;

  constructor(
    readonly settings: SendGridSettings,
    readonly signal?: AbortSignal,
    http?: OutboundHttp,
  ) {
    this.http = http ?? httpOf({}, 'sendgrid', sendgridPolicy.timeoutMs);
    this.sdk = new Client();
    this.sdk.setApiKey(settings.apiKey);
    if (settings.region === 'eu') this.sdk.setDataResidency('eu');
    this.baseUrl = baseUrlOf(settings);
    this.sdk.setDefaultRequest('baseUrl', `${this.baseUrl}/`);
    // axios options the SDK passes through from its default request but does not type. `adapter` is axios's
    // extension point: every request goes through the hub's outbound door instead of axios's own http code
    const extra = {
      timeout: sendgridPolicy.timeoutMs,
      signal,
      adapter: axiosAdapter(this.http),
    } as unknown as Parameters<Client['setDefaultRequest']>[0];
    this.sdk.setDefaultRequest(extra);
  }

  get pollMs(): number {
    return this.settings.importPollMs ?? 2000;
  }

  /** One API call; resolves with the parsed body, or throws the typed error. */
  async call<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const qs = options.qs
      ? Object.fromEntries(Object.entries(options.qs).filter(([, v]) => v !== undefined))
      : undefined;
    try {
      const [response, body] = await this.sdk.request({ method, url: path, body: options.body, qs });
      return { status: response.statusCode, headers: plainHeaders(response.headers), body: body as T };
    } catch (error) {
      const failure = error as { code?: unknown; response?: { headers?: unknown; body?: unknown } };
      if (typeof failure.code === 'number' && failure.response !== undefined) {
        const headers = plainHeaders(failure.response.headers);
        throw classifySendGridFailure(method, path, failure.code, headers, failure.response.body);
      }
      this.signal?.throwIfAborted();
      // a target the door refused is a settings problem (it names the field), not a network failure
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      throw networkError(method, path, isHubError(error) && error.cause !== undefined ? error.cause : error);
    }
  }

  async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.call<T>(method, path, options)).body;
  }

  /** Streams a file SendGrid points to (export, import errors), decompressed when gzipped. */
  async download(url: string, what: string): Promise<Readable> {
    let response: Response;
    try {
      // through the door too (no credentials are sent: the link is pre-signed)
      response = await this.http.fetch(url, {
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        field: `${what} file URL`,
      });
    } catch (error) {
      this.signal?.throwIfAborted();
      // refused by the door, or a failure the door says a retry cannot heal (a certificate, an unknown host)
      if (error instanceof SsrfError || (isHubError(error) && error.kind === 'config')) throw error;
      throw new RetryableError(`downloading the ${what} file failed: ${(error as Error).message}`);
    }
    if (!response.ok || response.body === null) {
      const message = `downloading the ${what} file answered ${response.status}`;
      // pre-signed links expire: a 403/404 there is not the API key's fault, a new job gives a new link
      if (response.status >= 500 || response.status === 429 || response.status === 403 || response.status === 404)
        throw new RetryableError(message, { status: response.status });
      throw new PermanentError(message, { status: response.status });
    }
    return gunzipIfNeeded(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>));
  }
}

/** Passes the bytes through, or gunzips them when they start with 1f 8b. */
export async function gunzipIfNeeded(source: Readable): Promise<Readable> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first = await iterator.next();
  while (!first.done && first.value.length < 2) {
    const next = await iterator.next();
    if (next.done) break;
    first = { done: false, value: Buffer.concat([first.value, next.value]) };
  }
  if (first.done) return Readable.from([]);
  const head = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value;
  }
  const stream = Readable.from(rest());
  if (head[0] !== 0x1f || head[1] !== 0x8b) return stream;
  const gunzip = createGunzip();
  stream.on('error', (error) => gunzip.destroy(error));
  return stream.pipe(gunzip);
}

export function clientFor(connection: ConnectionContext<SendGridSettings>): SendGridClient {
  return new SendGridClient(connection.settings, connection.signal, httpOf(connection, 'sendgrid'));
}

/** Waits `ms`, or rejects when the run is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
