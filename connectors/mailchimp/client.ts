import { createHash } from 'node:crypto';
import {
  AuthError,
  ConfigError,
  RateLimitedError,
  PermanentError,
  RetryableError,
  SsrfError,
  httpOf,
  isHubError,
  type ConnectionContext,
  type HubError,
  type OutboundHttp,
} from '../../core/sdk';
import { CONNECTION_LIMIT_WAIT_MS, MAILCHIMP_POLICY, THROTTLE_WAIT_MS } from './policy';
import type { MailchimpSettings } from './schemas/settings';

/**
 * A small typed Mailchimp Marketing API client over fetch.
 *
 * Why not the official SDK (@mailchimp/mailchimp_marketing 3.0.80): its `index.js` exports `ApiClient.instance`, one
 * module-level object whose `setConfig()` REPLACES the global config (apiKey/accessToken/server), and every API
 * module calls that same instance. Two connections with different keys in one worker would race and could send one
 * customer's request with another customer's key. It also hard-codes `https://server.api.mailchimp.com/3.0` (only the
 * `server` word is swapped), so it cannot be pointed at a sandbox, and it ships no types. The endpoints we use are
 * few and plain JSON, so a typed fetch client is smaller than a wrapper that fights the singleton.
 *
 * What this client adds: auth (Basic with the key as password, or Bearer), the data centre from the key, a per-account
 * cap on simultaneous connections (Mailchimp allows 10 per key), the 120 s timeout, and classification of failures
 * into the SDK's typed errors, with secrets never in any message.
 */

/** subscriber_hash: md5 of the lowercased, trimmed address (Mailchimp's member id). */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Mailchimp's error body (RFC 7807 problem) plus its field errors. */
export interface MailchimpProblem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: { field?: string; message?: string }[];
}

export interface MailchimpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the base URL, e.g. `/lists/abc/members`; segments must already be encoded. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
}

export interface MailchimpResponse<T> {
  status: number;
  /** Parsed JSON body; undefined for 204 and empty bodies. */
  body: T | undefined;
}

/** The base URL the settings point at: `baseUrl`, else `https://<dc>.api.mailchimp.com/3.0`. */
export function resolveBaseUrl(settings: MailchimpSettings): string {
  if (settings.baseUrl !== undefined && settings.baseUrl !== '') return settings.baseUrl.replace(/\/+$/, '');
  let dc = settings.server;
  if (dc === undefined && settings.apiKey !== undefined) {
    const dash = settings.apiKey.lastIndexOf('-');
    dc = dash < 0 ? undefined : settings.apiKey.slice(dash + 1);
  }
  if (dc === undefined || !/^[a-z]+[0-9]+$/.test(dc)) {
    const field = settings.accessToken !== undefined && settings.apiKey === undefined ? 'server' : 'apiKey';
    throw new ConfigError(
      field === 'server'
        ? 'server is required with an access token: set the data centre (e.g. us7) from the OAuth metadata endpoint'
        : 'the API key has no data-centre suffix (e.g. -us7): copy the whole key from Mailchimp, or set server',
      { field },
    );
  }
  return `https://${dc}.api.mailchimp.com/3.0`;
}

function authorization(settings: MailchimpSettings): string {
  if (settings.apiKey !== undefined && settings.apiKey !== '')
    return `Basic ${Buffer.from(`connector-hub:${settings.apiKey}`).toString('base64')}`;
  if (settings.accessToken !== undefined && settings.accessToken !== '') return `Bearer ${settings.accessToken}`;
  throw new ConfigError('set apiKey (or accessToken and server) to connect to Mailchimp', { field: 'apiKey' });
}

/** A counting semaphore: Mailchimp counts simultaneous connections per API key, so one per account. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(public limit: number) {}
  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active = Math.max(0, this.active - 1);
  }
}

const semaphores = new Map<string, Semaphore>();

/** Key of the account a connection talks to; a hash, so no secret is kept as a map key. */
export function accountKey(settings: MailchimpSettings, baseUrl: string): string {
  return createHash('sha256')
    .update(`${baseUrl}\u0000${settings.apiKey ?? ''}\u0000${settings.accessToken ?? ''}`)
    .digest('hex');
}

function semaphoreFor(key: string, limit: number): Semaphore {
  let semaphore = semaphores.get(key);
  if (!semaphore) semaphores.set(key, (semaphore = new Semaphore(limit)));
  semaphore.limit = limit;
  return semaphore;
}

function parseProblem(text: string): MailchimpProblem | undefined {
  if (text.trim() === '') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as MailchimpProblem) : undefined;
  } catch {
    return undefined;
  }
}

export class MailchimpClient {
  readonly baseUrl: string;
  readonly listId: string;
  /** Identifies the account (hash of base URL + credential) for caches and the connection cap. */
  readonly account: string;
  private readonly auth: string;
  private readonly secrets: string[];
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;

  private readonly http: OutboundHttp;

  constructor(
    readonly settings: MailchimpSettings,
    private readonly signal?: AbortSignal,
    http?: OutboundHttp,
  ) {
    this.timeoutMs = MAILCHIMP_POLICY.timeoutMs ?? 120_000;
    this.http = http ?? httpOf({}, 'mailchimp', this.timeoutMs);
    this.baseUrl = resolveBaseUrl(settings);
    this.auth = authorization(settings);
    this.listId = settings.listId;
    this.account = accountKey(settings, this.baseUrl);
    this.secrets = [settings.apiKey, settings.accessToken, settings.webhookToken].filter(
      (s): s is string => typeof s === 'string' && s.length >= 4,
    );
    this.semaphore = semaphoreFor(this.account, settings.maxConnections ?? 8);
  }

  /** `/lists/<listId><rest>`, the list id encoded. */
  listPath(rest = ''): string {
    return `/lists/${encodeURIComponent(this.listId)}${rest}`;
  }

  /** `/lists/<listId>/members/<hash><rest>`. */
  memberPath(email: string, rest = ''): string {
    return this.listPath(`/members/${subscriberHash(email)}${rest}`);
  }

  /** Removes any secret from a text that may echo request data (defence in depth: messages reach logs and runs). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  async request<T>(request: MailchimpRequest): Promise<MailchimpResponse<T>> {
    const url = new URL(this.baseUrl + request.path);
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    const headers: Record<string, string> = { authorization: this.auth, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const where = `${request.method} ${request.path}`;

    await this.semaphore.acquire();
    let response: Response;
    let text: string;
    try {
      try {
        // the hub's outbound door (the connection's `http`): checked target, pinned address, timeout, metrics
        response = await this.http.fetch(url, {
          method: request.method,
          headers,
          ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
          ...(this.signal === undefined ? {} : { signal: this.signal }),
          timeoutMs: this.timeoutMs,
          field: 'baseUrl',
        });
        text = await response.text();
      } catch (error) {
        if (this.signal?.aborted) throw this.signal.reason;
        // a target the door refused: a settings problem, said as the door said it (it names the field)
        if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
        const failure = isHubError(error) && error.cause instanceof Error ? error.cause : error;
        const name = (failure as { name?: unknown } | undefined)?.name;
        const reason = name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : 'could not be reached';
        const cause = failure instanceof Error ? `: ${failure.message}` : '';
        throw new RetryableError(this.redact(`Mailchimp ${where} ${reason}${cause}`));
      }
    } finally {
      this.semaphore.release();
    }
    if (response.ok) {
      if (text.trim() === '') return { status: response.status, body: undefined };
      try {
        return { status: response.status, body: JSON.parse(text) as T };
      } catch {
        // a truncated or proxy-mangled answer: asking again is the only remedy
        throw new RetryableError(`Mailchimp ${where} answered ${response.status} with a body that is not JSON`, {
          status: response.status,
        });
      }
    }
    throw this.failure(response.status, text, where);
  }

  /** Turns a failed response into the typed error the runner acts on. */
  failure(status: number, text: string, where: string): HubError {
    const problem = parseProblem(text);
    const said = problem
      ? [problem.title, problem.detail].filter((s) => typeof s === 'string' && s !== '').join(': ')
      : '';
    const field = problem?.errors?.[0]?.field;
    const fieldNote =
      problem?.errors && problem.errors.length > 0
        ? ` (${problem.errors.map((e) => [e.field, e.message].filter(Boolean).join(': ')).join('; ')})`
        : '';
    const base = this.redact(`Mailchimp ${where} answered ${status}${said === '' ? '' : ` ${said}`}${fieldNote}`);
    if (status === 401)
      return new AuthError(
        `${base}. Check the API key (or reconnect the Mailchimp account) in the connection settings`,
        {
          status,
        },
      );
    if (status === 403) {
      // a 403 without a JSON body is Mailchimp throttling very high volume, not a permission problem
      if (problem === undefined)
        return new RateLimitedError(`${base}: Mailchimp is throttling this account, backing off`, THROTTLE_WAIT_MS, {
          status,
        });
      return new AuthError(
        `${base}. The key has no access to this audience or the account is disabled: check the key and listId, or reconnect`,
        { status },
      );
    }
    if (status === 429)
      return new RateLimitedError(
        `${base}: more than 10 simultaneous connections to this Mailchimp account`,
        CONNECTION_LIMIT_WAIT_MS,
        { status },
      );
    if (status >= 500 || MAILCHIMP_POLICY.retryStatuses.includes(status)) return new RetryableError(base, { status });
    return new PermanentError(base, field === undefined ? { status } : { status, field });
  }
}

/** The client for a connection (cheap: the connection cap and caches live at module level, per account). */
export function clientFor(connection: ConnectionContext<MailchimpSettings>): MailchimpClient {
  return new MailchimpClient(connection.settings, connection.signal, httpOf(connection, 'mailchimp'));
}
