import {
  AuthError,
  classifyHttpFailure,
  PermanentError,
  RateLimitedError,
  readRetryAfter,
  RetryableError,
  SsrfError,
  type ApiPolicy,
  type HubError,
  type OutboundHttp,
} from 'connector-hub/sdk';
import { DEFAULT_BASE_URL, type UnisenderSettings } from './schemas/settings';

/**
 * Unisender's HTTP API wrapped: auth, form encoding and error classification.
 *
 * Plain `fetch` rather than a community client (`unisender`, `unisender-api` on npm): neither is maintained by
 * Unisender, neither has types for the error codes, and both hide the `{ error, code }` answer inside a generic
 * rejection, which is exactly what this connector must classify. The API is small enough that a form POST is all
 * it takes (https://www.unisender.com/en/support/api/ "About API").
 *
 * Facts used (sources in README.md):
 * - every method is `POST https://api.unisender.com/<lang>/api/<method>?format=json`, arguments form-encoded, the
 *   key sent as `api_key` in the body (Unisender recommends POST so the key stays out of proxy logs);
 * - a failure is answered with HTTP 200 and `{ "error": "<message>", "code": "<code>" }`; success with `{ result }`;
 * - codes: invalid_api_key / access_denied (credentials), api_call_limit_exceeded_for_api_key / _for_ip (1200 calls
 *   a minute), retry_later (temporary), everything else (invalid_arg, unknown_method, not_enough_money, unspecified)
 *   is a request that will not succeed as it is.
 */

export const UNISENDER_POLICY: ApiPolicy = {
  // 1200 calls a minute per key/IP; 1000 leaves room for the account's other integrations
  rateBudget: { requests: 1_000, intervalMs: 60_000 },
  // no published concurrency limit; importContacts calls are heavy (30 s server timeout), keep a few in flight
  concurrency: 4,
  retryStatuses: [500, 502, 503, 504],
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  // Unisender: "the timeout for one call is 30 seconds" (importContacts); a little more for the transfer
  timeoutMs: 35_000,
};

/** Wait after an api_call_limit_exceeded answer: the limit is per minute and Unisender says no more. */
export const RATE_LIMIT_WAIT_MS = 60_000;

/** Form arguments: arrays are sent as `name[0]=…&name[1]=…`, nested arrays as `name[i][j]=…`. */
export type FormValue = string | number | boolean | undefined | FormValue[];
export type FormArgs = Record<string, FormValue>;

export function encodeForm(args: FormArgs): URLSearchParams {
  const form = new URLSearchParams();
  const add = (name: string, value: FormValue) => {
    if (value === undefined) return;
    if (Array.isArray(value)) value.forEach((item, i) => add(`${name}[${i}]`, item));
    else if (typeof value === 'boolean') form.append(name, value ? '1' : '0');
    else form.append(name, String(value));
  };
  for (const [name, value] of Object.entries(args)) add(name, value);
  return form;
}

interface ApiAnswer {
  result?: unknown;
  error?: string;
  code?: string;
}

const AUTH_CODES = new Set(['invalid_api_key', 'access_denied']);
const RATE_CODES = new Set(['api_call_limit_exceeded_for_api_key', 'api_call_limit_exceeded_for_ip']);

/** Never lets the key travel in an error message, even if the vendor echoes it. */
function scrub(text: string, apiKey: string): string {
  return apiKey.length > 0 ? text.split(apiKey).join('***') : text;
}

/** Turns an `{ error, code }` answer (HTTP 200) into the typed error the runner acts on. */
export function classifyApiError(
  method: string,
  code: string | undefined,
  message: string,
  headers: Headers | Record<string, string>,
): HubError {
  const text = `Unisender ${method} failed (${code ?? 'no code'}): ${message}`;
  if (code !== undefined && AUTH_CODES.has(code)) {
    return new AuthError(
      `Unisender refused the API key (${code}): check that the API is enabled and the key in the connection is current, then reconnect`,
    );
  }
  if (code !== undefined && RATE_CODES.has(code)) {
    return new RateLimitedError(text, readRetryAfter(UNISENDER_POLICY, headers) ?? RATE_LIMIT_WAIT_MS);
  }
  if (code === 'retry_later') return new RetryableError(text);
  return new PermanentError(text);
}

export interface UnisenderClient {
  call<T>(method: string, args?: FormArgs): Promise<T>;
}

export interface ClientOptions {
  signal?: AbortSignal;
  /** The hub's outbound door (`connection.http`): in the hub every request goes through it. */
  http?: OutboundHttp;
  fetch?: typeof fetch;
}

type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<Response>;

/**
 * The hub's door when the hub gave one (checked target, no private hosts, the policy's timeout, /metrics); plain
 * fetch only for a bare context (this package's unit tests against its own local sandbox).
 */
function transport(options: ClientOptions): Fetch {
  if (options.fetch) return options.fetch;
  const http = options.http;
  if (http === undefined) return fetch;
  return (url, init) => http.fetch(url, { ...init, timeoutMs: UNISENDER_POLICY.timeoutMs, field: 'baseUrl' });
}

export function createClient(settings: UnisenderSettings, options: ClientOptions = {}): UnisenderClient {
  const base = (settings.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const lang = settings.lang ?? 'en';
  const doFetch = transport(options);
  return {
    async call<T>(method: string, args: FormArgs = {}): Promise<T> {
      const url = `${base}/${lang}/api/${encodeURIComponent(method)}?format=json`;
      const body = encodeForm({ ...args, api_key: settings.apiKey }).toString();
      const timeout = AbortSignal.timeout(UNISENDER_POLICY.timeoutMs ?? 35_000);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body,
          signal,
        });
      } catch (error) {
        // a base URL the hub's door refused is a settings problem; its message names the field
        if (error instanceof SsrfError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw new RetryableError(`Unisender ${method}: request failed (${scrub(reason, settings.apiKey)})`);
      }
      const raw = await response.text();
      if (!response.ok) {
        const snippet = scrub(raw.slice(0, 200), settings.apiKey);
        throw classifyHttpFailure(
          UNISENDER_POLICY,
          response,
          `Unisender ${method}: HTTP ${response.status} ${snippet}`,
        );
      }
      let answer: ApiAnswer;
      try {
        answer = JSON.parse(raw) as ApiAnswer;
      } catch {
        // a maintenance page or a cut connection: worth another try
        throw new RetryableError(`Unisender ${method}: the answer is not JSON`);
      }
      if (typeof answer !== 'object' || answer === null) throw new RetryableError(`Unisender ${method}: empty answer`);
      if (answer.error !== undefined) {
        throw classifyApiError(method, answer.code, scrub(String(answer.error), settings.apiKey), response.headers);
      }
      return answer.result as T;
    },
  };
}

/** A contact address as an identity: Unisender compares e-mails case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
