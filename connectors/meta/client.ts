import { createHmac } from 'node:crypto';
import {
  RateLimitedError,
  RetryableError,
  SsrfError,
  httpOf,
  isHubError,
  type ConnectionContext,
  type OutboundHttp,
  type ConnectionBudgetHook,
} from '../../core/sdk';
import { classify, graphErrorOf } from './errors';
import { META_POLICY, USAGE_CEILING_PERCENT } from './policy';
import type { MetaSettings } from './schemas/settings';
import { BUC_HEADER, parseBusinessUseCaseUsage, peakUsagePercent, regainWaitMs, type UseCaseUsage } from './usage';
import { GRAPH_BASE_URL, GRAPH_VERSION } from './version';

/**
 * A typed Graph API client over the hub's outbound door. Meta's Node SDK (facebook-nodejs-business-sdk) is not
 * used for HTTP: its requests go through the module-global `axios(options)` (src/http.js) with no per-request
 * adapter, so routing them through the door would mean rewiring axios for the whole process (see README.md).
 *
 * - The token travels in `Authorization: Bearer` (never in a URL that could be logged); with an app secret every
 *   call carries `appsecret_proof` = hex HMAC-SHA256(token, key = app secret) ([sdk] event-request.js ~399–411).
 * - Every answer's X-Business-Use-Case-Usage is read: a use case at its quota with a regain time makes the next
 *   calls of this token fail fast with a RateLimitedError carrying Meta's wait, without spending a request.
 */

type Query = Record<string, string | number | undefined>;

interface Block {
  until: number;
  usage: UseCaseUsage[];
}

/** Per token (by fingerprint, never the token itself): when Meta said the token may call again. */
const blocks = new Map<string, Block>();

/** Forgets every back-off (tests; a new process starts clean too). */
export function clearMetaBackoff(): void {
  blocks.clear();
}

export class MetaClient {
  readonly base: string;
  private readonly http: OutboundHttp;
  private readonly timeoutMs = META_POLICY.timeoutMs ?? 60_000;
  /** The usage Meta reported on the last answer (tests, check). */
  lastUsage: UseCaseUsage[] = [];

  constructor(
    readonly settings: MetaSettings,
    private readonly signal?: AbortSignal,
    http?: OutboundHttp,
    /** The shared budget of the connection (in runs): Meta's usage pauses it on every worker, not only here. */
    private readonly budget?: ConnectionBudgetHook,
  ) {
    const root = (settings.baseUrl ?? GRAPH_BASE_URL).replace(/\/+$/, '');
    this.base = `${root}/${settings.graphVersion ?? GRAPH_VERSION}`;
    this.http = http ?? httpOf({}, 'meta', this.timeoutMs);
  }

  private get fingerprint(): string {
    const t = this.settings.accessToken;
    return `${this.base}\u0000${t.length}:${t.slice(-6)}`;
  }

  /** Removes the token, the app secret and the proof from a text that may echo request data. */
  redact(text: string): string {
    let out = text;
    for (const secret of [this.settings.accessToken, this.settings.appSecret, this.proof()])
      if (secret !== undefined && secret.length >= 4) out = out.split(secret).join('[redacted]');
    return out;
  }

  private proof(): string | undefined {
    const { appSecret, accessToken } = this.settings;
    return appSecret === undefined ? undefined : createHmac('sha256', appSecret).update(accessToken).digest('hex');
  }

  private url(path: string, query: Query): URL {
    const url = new URL(`${this.base}/${path.replace(/^\/+/, '')}`);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const proof = this.proof();
    if (proof !== undefined) url.searchParams.set('appsecret_proof', proof);
    return url;
  }

  /** One Graph call; the parsed JSON answer, or the typed error. `where` names the call in messages. */
  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown; where?: string } = {}) {
    const where = options.where ?? `${method} /${path.split('?')[0]}`;
    const blocked = blocks.get(this.fingerprint);
    if (blocked !== undefined && blocked.until > Date.now())
      throw new RateLimitedError(
        `Meta ${where} not sent: X-Business-Use-Case-Usage reported the quota used up (${peakUsagePercent(blocked.usage)}%); waiting the time Meta stated`,
        blocked.until - Date.now(),
      );
    let response: Response;
    let text: string;
    try {
      response = await this.http.fetch(this.url(path, options.query ?? {}), {
        method,
        headers: {
          authorization: `Bearer ${this.settings.accessToken}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        timeoutMs: this.timeoutMs,
        field: 'baseUrl',
      });
      text = await response.text();
    } catch (error) {
      if (this.signal?.aborted) throw this.signal.reason;
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      const cause = error instanceof Error ? `: ${error.message}` : '';
      throw new RetryableError(this.redact(`Meta ${where} could not be reached${cause}`));
    }
    const usage = parseBusinessUseCaseUsage(response.headers.get(BUC_HEADER));
    this.lastUsage = usage;
    const wait = regainWaitMs(usage);
    if (wait !== undefined && peakUsagePercent(usage) >= USAGE_CEILING_PERCENT)
      blocks.set(this.fingerprint, { until: Date.now() + wait, usage });
    if (usage.length > 0 && this.budget !== undefined)
      await this.budget.reportUsage({
        usedPercent: peakUsagePercent(usage),
        ...(wait === undefined ? {} : { regainAccessMs: wait }),
        highWaterPercent: USAGE_CEILING_PERCENT,
        reason: `Meta ${BUC_HEADER}`,
      });
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = undefined;
    }
    if (!response.ok || graphErrorOf(parsed) !== undefined) {
      const retryAfter = response.headers.get('retry-after');
      const headerWait = retryAfter !== null && /^\d{1,6}$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
      throw classify(where, response.status, graphErrorOf(parsed), (s) => this.redact(s), wait ?? headerWait);
    }
    if (parsed === undefined)
      throw new RetryableError(`Meta ${where} answered ${response.status} with a body that is not JSON`, {
        status: response.status,
      });
    return parsed as T;
  }

  /**
   * Every row of a paged Graph edge (`{ data, paging: { cursors: { after }, next } }`), page by page, from an
   * optional cursor; each page says the cursor to continue after it (undefined on the last page).
   */
  async *pages<T>(
    path: string,
    query: Query,
    where: string,
    from?: string,
  ): AsyncIterable<{ rows: T[]; after?: string }> {
    let after = from;
    for (;;) {
      const page = await this.request<{ data?: T[]; paging?: { cursors?: { after?: string }; next?: string } }>(
        'GET',
        path,
        { query: { ...query, ...(after === undefined ? {} : { after }) }, where },
      );
      const next = page.paging?.cursors?.after;
      const more = page.paging?.next !== undefined && next !== undefined && next !== after;
      yield { rows: page.data ?? [], ...(more ? { after: next } : {}) };
      if (!more) return;
      after = next;
    }
  }
}

export function clientFor(connection: ConnectionContext<MetaSettings>): MetaClient {
  return new MetaClient(
    connection.settings,
    connection.signal,
    httpOf(connection, 'meta', META_POLICY.timeoutMs),
    connection.budget,
  );
}
