import { Client } from '@hubspot/api-client';
import { RetryableError, isHubError } from '../../core/sdk';
import { hubspotError } from './errors';
import { hubspotPolicy } from './policy';
import { burstLimit, type HubSpotSettings } from './schemas/settings';
import { throttlesFor, type AccountThrottles } from './throttle';

/**
 * The HubSpot API as the connector uses it, through the official SDK (@hubspot/api-client): the SDK builds every
 * request (base path, Bearer auth, user agent), with its own retries and Bottleneck limiter off
 * (`numberOfApiCallRetries: 0`, no `limiterOptions`) so that the hub's runner owns retries and budgets.
 *
 * Calls go through the SDK's generic `apiRequest` rather than its typed object APIs, because the typed APIs
 * deserialize error bodies into their `Error` model, which drops `policyName` and `errorType`: the only way to tell
 * HubSpot's ten-secondly, secondly (search) and daily limits apart. They also turn timestamps into Date objects and
 * drop fields they do not model, while our records keep HubSpot's own values.
 *
 * The SDK keeps its decorators (retry, limiter) in a process-wide singleton that every `new Client()` resets, so a
 * client is built right before each request: the request then carries exactly this configuration.
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

  constructor(
    private readonly settings: HubSpotSettings,
    private readonly signal?: AbortSignal,
  ) {
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
    const sdk = new Client({
      accessToken: this.settings.accessToken,
      basePath: this.baseUrl,
      numberOfApiCallRetries: 0,
    });
    const timeoutMs = hubspotPolicy.timeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RetryableError(`HubSpot did not answer ${options.what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      onAbort = () => reject(new RetryableError(`HubSpot request cancelled: ${options.what}`));
      if (this.signal?.aborted) onAbort();
      else this.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.exchange<T>(sdk, method, path, options), stop]);
    } finally {
      clearTimeout(timer);
      if (onAbort) this.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async exchange<T>(sdk: Client, method: string, path: string, options: RequestOptions) {
    let response: Awaited<ReturnType<Client['apiRequest']>>;
    try {
      response = await sdk.apiRequest({
        method,
        path,
        ...(options.body === undefined ? {} : { body: options.body }),
        ...(options.query === undefined ? {} : { qs: options.query }),
      });
    } catch (error) {
      if (isHubError(error)) throw error;
      const code = (error as { code?: unknown }).code;
      throw new RetryableError(
        `HubSpot could not be reached for ${options.what}${typeof code === 'string' ? ` (${code})` : ''}`,
        { cause: error },
      );
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const text = await response.text();
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
