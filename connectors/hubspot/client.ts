import { Request } from '@hubspot/api-client/lib/src/services/http/Request';
import { RetryableError, SsrfError, httpOf, isHubError, type OutboundHttp } from '../../core/sdk';
import { hubspotError } from './errors';
import { hubspotPolicy } from './policy';
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

export class HubSpotClient {
  readonly baseUrl: string;
  private readonly throttles: AccountThrottles;
  private readonly limitBurst: boolean;

  private readonly http: OutboundHttp;

  constructor(
    private readonly settings: HubSpotSettings,
    private readonly signal?: AbortSignal,
    http?: OutboundHttp,
  ) {
    // the connection's door when the caller hands it over, else the process's equal one for this connector
    this.http = http ?? httpOf({}, 'hubspot', hubspotPolicy.timeoutMs);
    this.baseUrl = (settings.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const burst = burstLimit(settings);
    this.throttles = throttlesFor(this.baseUrl, settings.accessToken, burst, settings.searchRateLimit ?? 5);
    // the runner already holds every connection to the policy's budget; only a smaller one needs holding here
    this.limitBurst = burst < hubspotPolicy.rateBudget.requests;
  }

  async request<T>(method: 'GET' | 'POST', path: string, options: RequestOptions): Promise<HubSpotResponse<T>> {
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
    if (response.status < 200 || response.status > 299) {
      throw hubspotError(response.status, headers, body, options.what, [
        this.settings.accessToken,
        this.settings.clientSecret,
      ]);
    }
    return { status: response.status, body: body as T };
  }
}
