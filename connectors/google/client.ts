import {
  AuthError,
  ConfigError,
  RetryableError,
  SsrfError,
  httpOf,
  isHubError,
  type ConnectionBudgetHook,
  type ConnectionContext,
  type OutboundHttp,
} from '../../core/sdk';
import { classify, retryDelayMs, statusOf } from './errors';
import { GOOGLE_POLICY, INGESTION_LANE } from './policy';
import { DEFAULT_ADS_API_URL, DEFAULT_DATA_MANAGER_URL, type GoogleSettings } from './schemas/settings';
import { ADS_API_VERSION, DATA_MANAGER_VERSION } from './version';

/**
 * One client for the two Google APIs this connector speaks, both over the hub's outbound door with the access token
 * the hub keeps fresh (the connector declares `oauth2`; core/sdk/oauth.ts refreshes, stores and fences the token):
 * - Data Manager API v1 (REST): `events:ingest`, `audienceMembers:ingest|remove`, `requestStatus:retrieve`;
 * - Google Ads API (REST, reads only): `customers/{id}/googleAds:searchStream` with `developer-token` and
 *   `login-customer-id`.
 * Written as a thin typed client rather than with `googleapis` (`google.datamanager('v1')`): the hub already owns
 * the OAuth refresh (google-auth-library would keep a second token in one process's memory and refresh on its own,
 * spending Google's rotating refresh tokens behind the vault's back), gaxios retries on its own under the runner's
 * retries, and the generated client adds ~240 MB (googleapis 188, measured) to every install for four POST bodies that are plain JSON. gaxios
 * could be routed through the door (`fetchImplementation`), so this is a choice of weight, not of reach; request
 * bodies are checked against the discovery document's shapes in the tests (schemas/datamanager-discovery.ts).
 */

export type ProductAccount = { accountType: 'GOOGLE_ADS'; accountId: string };
export interface Destination {
  operatingAccount: ProductAccount;
  loginAccount?: ProductAccount;
  productDestinationId: string;
}

export interface RawResponse {
  status: number;
  ok: boolean;
  body: unknown;
  retryAfterMs?: number;
}

export class GoogleClient {
  private readonly http: OutboundHttp;
  private readonly timeoutMs = GOOGLE_POLICY.timeoutMs ?? 60_000;
  readonly dataManagerBase: string;
  readonly adsBase: string;

  constructor(
    readonly settings: GoogleSettings,
    private readonly signal?: AbortSignal,
    http?: OutboundHttp,
    private readonly budget?: ConnectionBudgetHook,
  ) {
    this.http = http ?? httpOf({}, 'google', this.timeoutMs);
    this.dataManagerBase = (settings.dataManagerUrl ?? DEFAULT_DATA_MANAGER_URL).replace(/\/+$/, '');
    this.adsBase = (settings.adsApiUrl ?? DEFAULT_ADS_API_URL).replace(/\/+$/, '');
  }

  /** Removes every secret of the settings from a text that may echo request data. */
  redact(text: string): string {
    const { accessToken, refreshToken, clientSecret, developerToken } = this.settings;
    let out = text;
    for (const secret of [accessToken, refreshToken, clientSecret, developerToken])
      if (typeof secret === 'string' && secret.length >= 4) out = out.split(secret).join('[redacted]');
    return out;
  }

  private bearer(): string {
    const token = this.settings.accessToken;
    if (typeof token !== 'string' || token === '')
      throw new AuthError(
        'The Google connection has no access token: reconnect it (the hub refreshes the token from refreshToken)',
        { field: 'refreshToken' },
      );
    return `Bearer ${token}`;
  }

  /** The Data Manager destination for a conversion action or a user list. */
  destination(productDestinationId: string): Destination {
    const { operatingAccountId, loginAccountId } = this.settings;
    return {
      operatingAccount: { accountType: 'GOOGLE_ADS', accountId: operatingAccountId },
      ...(loginAccountId === undefined
        ? {}
        : { loginAccount: { accountType: 'GOOGLE_ADS', accountId: loginAccountId } }),
      productDestinationId,
    };
  }

  /** One request through the door; the answer whatever its status (network failures are RetryableError). */
  async send(
    method: 'GET' | 'POST',
    url: string,
    body: unknown,
    headers: Record<string, string>,
    where: string,
    field: string,
  ): Promise<RawResponse> {
    let response: Response;
    let text: string;
    try {
      response = await this.http.fetch(url, {
        method,
        headers: { accept: 'application/json', authorization: this.bearer(), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        timeoutMs: this.timeoutMs,
        field,
      });
      text = await response.text();
    } catch (error) {
      if (this.signal?.aborted) throw this.signal.reason;
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      const failure = isHubError(error) && error.cause instanceof Error ? error.cause : error;
      const cause = failure instanceof Error ? `: ${failure.message}` : '';
      throw new RetryableError(this.redact(`Google ${where} could not be reached${cause}`));
    }
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      if (response.ok)
        throw new RetryableError(`Google ${where} answered ${response.status} with a body that is not JSON`, {
          status: response.status,
        });
      parsed = undefined;
    }
    const header = response.headers.get('retry-after');
    const retryAfterMs =
      retryDelayMs(statusOf(parsed)) ??
      (header !== null && /^\d{1,6}$/.test(header.trim()) ? Number(header.trim()) * 1000 : undefined);
    return {
      status: response.status,
      ok: response.ok,
      body: parsed,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }

  /** Throws the typed error of a failed response. */
  fail(where: string, raw: RawResponse): never {
    throw classify(where, raw.status, raw.body, (s) => this.redact(s), raw.retryAfterMs);
  }

  /**
   * Like `fail`, but a 429 that states no wait (no RetryInfo, no Retry-After) waits until the shared ingestion lane's
   * window has room again (`budget.windowRemainder`) rather than a fixed 30 s, when the runner drives the call.
   */
  async failWithWindow(where: string, raw: RawResponse): Promise<never> {
    if (raw.status === 429 && raw.retryAfterMs === undefined && this.budget !== undefined) {
      const wait = await this.budget.windowRemainder(INGESTION_LANE);
      this.fail(where, { ...raw, retryAfterMs: Math.max(1_000, wait) });
    }
    this.fail(where, raw);
  }

  /** A Data Manager request, holding a slot of the shared ingestion lane when the runner drives the call. */
  private async inLane<T>(call: () => Promise<T>): Promise<T> {
    const release = await this.budget?.acquire(INGESTION_LANE, this.signal);
    try {
      return await call();
    } finally {
      await release?.();
    }
  }

  /** `POST https://datamanager.googleapis.com/v1/<method>` (e.g. `events:ingest`), the raw answer. */
  dataManagerPost(method: string, body: unknown): Promise<RawResponse> {
    return this.inLane(() =>
      this.send(
        'POST',
        `${this.dataManagerBase}/${DATA_MANAGER_VERSION}/${method}`,
        body,
        { 'content-type': 'application/json' },
        method,
        'dataManagerUrl',
      ),
    );
  }

  /** `GET /v1/requestStatus:retrieve?requestId=…`: Google's diagnostics of one ingestion request. */
  async requestStatus(requestId: string): Promise<RetrieveRequestStatusResponse> {
    const raw = await this.inLane(() =>
      this.send(
        'GET',
        `${this.dataManagerBase}/${DATA_MANAGER_VERSION}/requestStatus:retrieve?requestId=${encodeURIComponent(requestId)}`,
        undefined,
        {},
        'requestStatus:retrieve',
        'dataManagerUrl',
      ),
    );
    if (!raw.ok) this.fail('requestStatus:retrieve', raw);
    return (raw.body ?? {}) as RetrieveRequestStatusResponse;
  }

  /**
   * GAQL through `customers/{operatingAccountId}/googleAds:searchStream`: the whole result in one answer, a JSON
   * array of `{ results[], fieldMask, requestId }` batches of up to 10,000 rows each.
   */
  async searchStream<Row>(query: string): Promise<Row[]> {
    const { developerToken, loginAccountId, operatingAccountId } = this.settings;
    if (developerToken === undefined || developerToken === '')
      throw new ConfigError(
        'Reading from the Google Ads API needs a developer token: set developerToken (Google Ads → Tools → API Center)',
        { field: 'developerToken' },
      );
    const where = 'googleAds:searchStream';
    const raw = await this.send(
      'POST',
      `${this.adsBase}/${ADS_API_VERSION}/customers/${operatingAccountId}/googleAds:searchStream`,
      { query },
      {
        'content-type': 'application/json',
        'developer-token': developerToken,
        ...(loginAccountId === undefined ? {} : { 'login-customer-id': loginAccountId }),
      },
      where,
      'adsApiUrl',
    );
    if (!raw.ok) this.fail(where, raw);
    const batches = Array.isArray(raw.body) ? (raw.body as { results?: Row[] }[]) : [raw.body as { results?: Row[] }];
    return batches.flatMap((b) => b?.results ?? []);
  }
}

/** Data Manager `RetrieveRequestStatusResponse` (the parts this connector reads). */
export interface RetrieveRequestStatusResponse {
  requestStatusPerDestination?: {
    requestStatus?: 'REQUEST_STATUS_UNKNOWN' | 'SUCCESS' | 'PROCESSING' | 'FAILED' | 'PARTIAL_SUCCESS';
    errorInfo?: { errorCounts?: { reason?: string; recordCount?: string }[] };
    warningInfo?: { warningCounts?: { reason?: string; recordCount?: string }[] };
  }[];
}

export function clientFor(connection: ConnectionContext<GoogleSettings>): GoogleClient {
  return new GoogleClient(
    connection.settings,
    connection.signal,
    httpOf(connection, 'google', GOOGLE_POLICY.timeoutMs),
    connection.budget,
  );
}
