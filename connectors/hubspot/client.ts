import { Request } from '@hubspot/api-client/lib/src/services/http/Request';
import {
  RetryableError,
  SsrfError,
  httpOf,
  isHubError,
  type ConnectionBudgetHook,
  type ConnectionContext,
  type OutboundHttp,
} from '../../core/sdk';
import { asErrorBody, hubspotError, rateLimitWait, rateLimited } from './errors';
import { SEARCH_LANE, SEARCH_PER_SECOND, hubspotPolicy } from './policy';
import { burstLimit, type HubSpotSettings } from './schemas/settings';
import { throttlesFor, type AccountThrottles } from './throttle';

/**
 * The HubSpot API as the connector uses it, through the official SDK (@hubspot/api-client): the SDK's request
 * builder (`Request`, what `Client.apiRequest` uses) makes every request (base path, Bearer auth, user agent,
 * query, JSON body), and the hub's outbound door (`connection.http`) sends it. The SDK offers no transport hook for
 * `apiRequest` (it calls node-fetch with no agent; `httpAgent` reaches only the typed APIs), so the request is
 * built by the SDK and sent by the door: checked target, pinned address, no Bearer on a redirect to another
 * origin, the policy's timeout, and /metrics. The SDK's retries and Bottleneck limiter are not used either, so the
 * hub's runner owns retries and budgets.
 *
 * Not the SDK's typed object APIs, because they deserialize error bodies into their `Error` model, which drops
 * `policyName` and `errorType`: the only way to tell HubSpot's ten-secondly, secondly (search) and daily limits
 * apart. They also turn timestamps into Date objects and drop fields they do not model, while our records keep
 * HubSpot's own values.
 */

export const DEFAULT_BASE_URL = 'https://api.hubapi.com';

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string>;
  /** CRM search has its own limit (5/s) on top of the burst budget. */
  search?: boolean;
  /** What the call does, for error messages ("search contacts"). */
  what: string;
}

export interface HubSpotResponse<T> {
  status: number;
  body: T;
}

/** A page of the list or search endpoints, and the objects in them. */
export interface HubSpotObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived?: boolean;
}

export interface HubSpotPage {
  results: HubSpotObject[];
  total?: number;
  paging?: { next?: { after: string } };
}

/** The client of a connection as the runner hands it over: its settings, signal and shared budget. */
export function clientFor(connection: Pick<ConnectionContext<HubSpotSettings>, 'settings' | 'signal' | 'budget'>) {
  return new HubSpotClient(connection.settings, connection.signal, undefined, connection.budget);
}

export class HubSpotClient {
  readonly baseUrl: string;
  private readonly throttles: AccountThrottles | undefined;
  private readonly limitBurst: boolean;

  private readonly http: OutboundHttp;

  /**
   * With the connection's shared budget (`budget`, from the runner), the runner holds the connection's tier burst
   * around each call and this client takes a slot of the search lane around each search, on every worker alike.
   * Without it (a connection check, a direct use), the in-process throttles of throttle.ts stand in.
   */
  constructor(
    private readonly settings: HubSpotSettings,
    private readonly signal?: AbortSignal,
    http?: OutboundHttp,
    private readonly budget?: ConnectionBudgetHook,
  ) {
    // the connection's door when the caller hands it over, else the process's equal one for this connector
    this.http = http ?? httpOf({}, 'hubspot', hubspotPolicy.timeoutMs);
    this.baseUrl = (settings.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const burst = burstLimit(settings);
    this.throttles =
      budget === undefined
        ? throttlesFor(this.baseUrl, settings.accessToken, burst, settings.searchRateLimit ?? SEARCH_PER_SECOND)
        : undefined;
    // without the runner's budget only a burst below the default tier's needs holding here (as it always did)
    this.limitBurst = burst < hubspotPolicy.rateBudget.requests;
  }

  async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<HubSpotResponse<T>> {
    if (this.throttles === undefined) {
      const releaseLane = options.search ? await this.budget?.acquire(SEARCH_LANE, this.signal) : undefined;
      try {
        return await this.send<T>(method, path, options);
      } finally {
        await releaseLane?.();
      }
    }
    const releaseSearch = options.search ? await this.throttles.search.acquire(this.signal) : undefined;
    let releaseBurst: (() => void) | undefined;
    try {
      if (this.limitBurst) releaseBurst = await this.throttles.burst.acquire(this.signal);
      return await this.send<T>(method, path, options);
    } finally {
      releaseBurst?.();
      releaseSearch?.();
    }
  }

  get<T>(path: string, what: string, query?: Record<string, string>): Promise<HubSpotResponse<T>> {
    return this.request<T>('GET', path, query === undefined ? { what } : { what, query });
  }

  post<T>(path: string, what: string, body: unknown, search = false): Promise<HubSpotResponse<T>> {
    return this.request<T>('POST', path, { what, body, search });
  }

  private async send<T>(method: string, path: string, options: RequestOptions): Promise<HubSpotResponse<T>> {
    // the SDK's own request builder: base path, Bearer auth, User-Agent, query and JSON body exactly as apiRequest
    // would send them; the hub's outbound door sends it (apiRequest calls node-fetch with no agent or fetch hook,
    // and node-fetch keeps Authorization on a redirect to the same host on another port)
    const request = new Request(
      { accessToken: this.settings.accessToken, basePath: this.baseUrl, numberOfApiCallRetries: 0 },
      {
        method,
        path,
        ...(options.body === undefined ? {} : { body: options.body as object }),
        ...(options.query === undefined ? {} : { qs: options.query }),
      },
    );
    const data = request.getSendData() as { method: string; headers: Record<string, string>; body?: string };
    const timeoutMs = hubspotPolicy.timeoutMs ?? 30_000;
    let response: Response;
    try {
      response = await this.http.fetch(request.getUrl(), {
        method: data.method,
        headers: data.headers,
        ...(data.body === undefined ? {} : { body: data.body }),
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        timeoutMs,
        field: 'baseUrl',
      });
    } catch (error) {
      if (this.signal?.aborted) throw new RetryableError(`HubSpot request cancelled: ${options.what}`);
      // a target the door refused is a settings problem; it names the field
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      const cause = isHubError(error) && error.cause !== undefined ? error.cause : error;
      if ((cause as { name?: unknown } | undefined)?.name === 'TimeoutError')
        throw new RetryableError(`HubSpot did not answer ${options.what} within ${timeoutMs} ms`);
      const code = (cause as { code?: unknown }).code;
      throw new RetryableError(
        `HubSpot could not be reached for ${options.what}${typeof code === 'string' ? ` (${code})` : ''}`,
        { cause },
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw new RetryableError(`HubSpot's answer to ${options.what} was cut off`, { status: response.status });
    }
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = text;
      }
    }
    if (response.status === 429 && this.budget !== undefined) throw await this.rateLimit(headers, body, options);
    if (response.status < 200 || response.status > 299) {
      throw hubspotError(response.status, headers, body, options.what, [
        this.settings.accessToken,
        this.settings.clientSecret,
      ]);
    }
    return { status: response.status, body: body as T };
  }

  /**
   * A 429 with the shared budget at hand: a stated wait (Retry-After) is kept; otherwise the wait is the real
   * remainder of the limited window (when its oldest request we count leaves it, HubSpot's arrival-counted window
   * has room again), never more than a whole window. The daily limit keeps its hourly retry.
   */
  private async rateLimit(headers: Record<string, string>, body: unknown, options: RequestOptions) {
    const { policy, waitMs, stated } = rateLimitWait(headers, asErrorBody(body));
    if (stated || policy === 'DAILY' || this.budget === undefined) return rateLimited(policy, options.what, waitMs);
    const remainder = await this.budget.windowRemainder(policy === 'SECONDLY' ? SEARCH_LANE : undefined);
    return rateLimited(policy, options.what, Math.max(1, Math.min(waitMs, remainder)));
  }
}
