import type { Agent } from 'node:http';
import { countOutboundRequest } from '../observability/outbound';
import { safeFetch } from '../security/http-client';
import { guardedAgent, vetTarget } from '../security/outbound-guard';
import { SsrfError } from '../security/ssrf';
import type { ApiPolicy, RetryAfterRule } from './contracts';
import { AuthError, PermanentError, RateLimitedError, RetryableError, isHubError, type HubError } from './errors';
import { networkFailureError, rememberAnswered } from './network-failure';

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value[0] : value;
}

function parseWait(value: string, rule: RetryAfterRule, now: number): number | undefined {
  const trimmed = value.trim();
  switch (rule.unit) {
    case 'seconds': {
      const n = Number(trimmed);
      if (Number.isFinite(n) && n >= 0) return Math.round(n * 1000);
      // Retry-After may also be an HTTP date (RFC 9110 §10.2.3)
      const date = Date.parse(trimmed);
      return Number.isNaN(date) ? undefined : Math.max(0, date - now);
    }
    case 'milliseconds': {
      const n = Number(trimmed);
      return Number.isFinite(n) && n >= 0 ? Math.round(n) : undefined;
    }
    case 'http-date': {
      const date = Date.parse(trimmed);
      return Number.isNaN(date) ? undefined : Math.max(0, date - now);
    }
    case 'epoch-seconds': {
      const n = Number(trimmed);
      return Number.isFinite(n) ? Math.max(0, n * 1000 - now) : undefined;
    }
  }
}

/** Reads how long the vendor asked us to wait, by the connector's policy; undefined when it did not say. */
export function readRetryAfter(
  policy: Pick<ApiPolicy, 'retryAfter'>,
  headers: HeaderBag,
  now = Date.now(),
): number | undefined {
  for (const rule of policy.retryAfter) {
    const value = header(headers, rule.header);
    if (value === undefined || value === '') continue;
    const wait = parseWait(value, rule, now);
    if (wait !== undefined) return wait;
  }
  return undefined;
}

/**
 * Turns a failed vendor response into the typed error the runner acts on:
 * 429 → RateLimitedError (wait from the policy's headers, else `defaultWaitMs`),
 * 401/403 → AuthError, a status the policy retries → RetryableError, anything else 4xx → PermanentError.
 */
export function classifyHttpFailure(
  policy: Pick<ApiPolicy, 'retryAfter' | 'retryStatuses'>,
  response: { status: number; headers: HeaderBag },
  message: string,
  defaultWaitMs = 10_000,
): HubError {
  const { status } = response;
  const wait = readRetryAfter(policy, response.headers);
  if (status === 429) return new RateLimitedError(message, wait ?? defaultWaitMs, { status });
  if (status === 401 || status === 403) return new AuthError(message, { status });
  if (policy.retryStatuses.includes(status) || status >= 500) {
    return new RetryableError(message, wait === undefined ? { status } : { status, retryAfterMs: wait });
  }
  return new PermanentError(message, { status });
}

/** One request through the outbound door (a subset of fetch's RequestInit). */
export interface OutboundRequest {
  method?: string;
  headers?: Record<string, string> | [string, string][] | Headers;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Overrides the connection policy's timeout for this request (e.g. a long download). */
  timeoutMs?: number;
  /** Redirects followed at most (default 5; 0 hands back the redirect itself). */
  maxRedirects?: number;
  /** The setting the URL came from, named when the URL is refused (e.g. `baseUrl`). */
  field?: string;
}

/**
 * The hub's one outbound door, handed to every connector in its context (`connection.http`) and exported here so
 * plugins use the same one. Every hop is checked: https only (http only for hosts in HUB_ALLOW_PRIVATE_HOSTS and
 * the local sandboxes the hub started), no loopback, private, link-local, multicast, unspecified or metadata address
 * in any spelling, the socket connects to the address that was checked, credentials never follow a redirect to
 * another origin, the connection policy's timeout applies, and requests are counted in /metrics.
 */
export interface OutboundHttp {
  /** The connector the requests are counted for. */
  readonly connector: string;
  /**
   * Like fetch; throws SsrfError (a ConfigError) for a refused target; ConfigError for a certificate the hub cannot
   * trust, a server that does not speak TLS, or a host name that never resolved; RetryableError for anything else
   * that left no answer (a timeout, a refused or reset connection, a temporary DNS failure).
   */
  fetch(url: string | URL, init?: OutboundRequest): Promise<Response>;
  /**
   * A node:http(s) agent whose every connection is checked the same way, for clients that take an agent. It does
   * not follow redirects itself: a client that does must not forward credentials across origins.
   */
  agent(protocol: 'http:' | 'https:'): Agent;
  /** Checks a URL without sending anything (protocol, literal addresses, names like localhost); returns it parsed. */
  check(url: string | URL, field?: string): URL;
}

export interface OutboundOptions {
  /** Connector id (the /metrics label). */
  connector: string;
  /** The connection policy's timeout for one request; default 30 s. */
  timeoutMs?: number;
}

/** The outbound door for one connector. */
export function outboundHttp(options: OutboundOptions): OutboundHttp {
  const { connector } = options;
  return {
    connector,
    async fetch(url, init = {}) {
      const timeoutMs = init.timeoutMs ?? options.timeoutMs ?? 30_000;
      let response: Response;
      try {
        response = await safeFetch(
          url,
          {
            ...(init.method === undefined ? {} : { method: init.method }),
            ...(init.headers === undefined ? {} : { headers: init.headers }),
            ...(init.body === undefined ? {} : { body: init.body }),
            ...(init.signal === undefined ? {} : { signal: init.signal }),
          },
          {
            timeoutMs,
            ...(init.maxRedirects === undefined ? {} : { maxRedirects: init.maxRedirects }),
            ...(init.field === undefined ? {} : { field: init.field }),
          },
        );
      } catch (error) {
        if (error instanceof SsrfError) {
          countOutboundRequest(connector, 'refused');
          throw error;
        }
        if (init.signal?.aborted) {
          countOutboundRequest(connector, 'error');
          throw init.signal.reason;
        }
        if (isHubError(error)) {
          countOutboundRequest(connector, 'error');
          throw error;
        }
        const timedOut =
          typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
        countOutboundRequest(connector, timedOut ? 'timeout' : 'error');
        const target = new URL(url);
        if (timedOut)
          throw new RetryableError(`${connector}: no answer within ${timeoutMs} ms to ${target.host}`, {
            cause: error,
          });
        // a certificate refused, a host that does not exist: a ConfigError naming the fix (see network-failure.ts)
        throw await networkFailureError(error, {
          connector,
          url: target,
          timeoutMs,
          ...(init.field === undefined ? {} : { field: init.field }),
        });
      }
      rememberAnswered(new URL(url).hostname);
      if (response.url !== '') rememberAnswered(new URL(response.url).hostname);
      countOutboundRequest(connector, String(response.status));
      return response;
    },
    agent(protocol) {
      return guardedAgent(protocol);
    },
    check(url, field) {
      return vetTarget(url, field);
    },
  };
}

/** The door the hub handed this connection, or (a context built without one, e.g. in a unit test) an equal one. */
export function httpOf(connection: { http?: OutboundHttp }, connector: string, timeoutMs?: number): OutboundHttp {
  return connection.http ?? outboundHttp({ connector, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}
