import {
  AuthError,
  ConfigError,
  RetryableError,
  SsrfError,
  httpOf,
  isHubError,
  type ConnectionContext,
  type OutboundHttp,
} from '../../core/sdk';
import { KEY_FIX, NotAppliedError, classify, faultFrom, neverSent, retryAfterOf } from './errors';
import { ODOO_POLICY } from './policy';
import type { OdooSettings } from './schemas/settings';

/**
 * One Odoo client, two transports, chosen from the server's version (`/web/version`):
 * - Odoo 19+: the JSON-2 API, `POST /json/2/<model>/<method>`, `Authorization: bearer <key>`, named arguments, one
 *   transaction per call.
 * - Older servers: JSON-RPC `POST /jsonrpc`, `object.execute_kw(db, uid, key, model, method, args, kwargs)` after
 *   `common.authenticate`. The same named arguments travel as kwargs, `ids` as the first positional argument.
 * Odoo publishes no Node SDK ([doc] vendor-apis.md §6): this is a typed client over the hub's outbound door.
 */

export type Transport = 'json2' | 'jsonrpc';

/** One model-method call: named arguments, optional record ids and context (both transports). */
export interface OdooCall {
  ids?: number[];
  args?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** The start of a page, for a message: its title when it has one. */
function pageOf(text: string): string {
  const title = /<title[^>]*>([^<]{1,80})/i.exec(text)?.[1]?.trim();
  return title ? `title "${title}"` : JSON.stringify(text.trim().slice(0, 60));
}

/** `server_version_info[0]` at which JSON-2 exists. */
export const JSON2_SINCE = 19;

interface Session {
  transport: Transport;
  version: string;
  uid?: number;
}

const sessions = new Map<string, Promise<Session>>();

/** Forgets detected versions and uids (tests; a server upgraded in place is re-detected on the next process). */
export function clearOdooSessions(): void {
  sessions.clear();
}

/**
 * The major version of a `/web/version` (or `common.version`) answer. `server_version_info[0]` is a number on
 * on-premise releases (`[19, 0, 0, 'final', 0, 'e']`) but a text on Odoo Online's SaaS releases (`['saas~18', 3, …]`,
 * `server_version` "saas~18.3+e"), so the first number of either is taken; none: undefined (JSON-RPC, which every
 * version up to 21 speaks).
 */
export function majorVersion(
  info: { server_version?: unknown; server_version_info?: unknown } | undefined,
): number | undefined {
  const first = Array.isArray(info?.server_version_info) ? (info.server_version_info as unknown[])[0] : undefined;
  if (typeof first === 'number' && Number.isFinite(first)) return first;
  for (const text of [first, info?.server_version]) {
    const match = typeof text === 'string' ? /^\s*(?:saas[~-])?(\d+)(?:[.~+\-\s]|$)/i.exec(text) : null;
    if (match !== null) return Number(match[1]);
  }
  return undefined;
}

export class OdooClient {
  readonly base: string;
  private readonly http: OutboundHttp;
  private readonly timeoutMs = ODOO_POLICY.timeoutMs ?? 60_000;
  private rpcId = 0;
  /** The server's clock at its last answer (the HTTP Date header, to the second), when it sent one. */
  serverTime: number | undefined;

  constructor(
    readonly settings: OdooSettings,
    readonly signal?: AbortSignal,
    http?: OutboundHttp,
  ) {
    this.base = settings.url.replace(/\/+$/, '');
    this.http = http ?? httpOf({}, 'odoo', this.timeoutMs);
  }

  /** Removes the key from a text that may echo request data. */
  redact(text: string): string {
    const key = this.settings.apiKey;
    return key.length >= 4 ? text.split(key).join('[redacted]') : text;
  }

  private async post(path: string, body: unknown, headers: Record<string, string>, where: string) {
    let response: Response;
    let text: string;
    try {
      // the hub's outbound door (the connection's `http`): checked target, pinned address, timeout, metrics
      response = await this.http.fetch(this.base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        timeoutMs: this.timeoutMs,
        field: 'url',
      });
      text = await response.text();
      const date = Date.parse(response.headers.get('date') ?? '');
      if (!Number.isNaN(date)) this.serverTime = date;
    } catch (error) {
      if (this.signal?.aborted) throw this.signal.reason;
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      const failure = isHubError(error) && error.cause instanceof Error ? error.cause : error;
      const cause = failure instanceof Error ? `: ${failure.message}` : '';
      // the door's RetryableError carries the socket error as its cause: refused, unresolved or a failed TLS
      // handshake sent nothing; a timeout or a reset may come after Odoo received the call (see NotAppliedError)
      if (isHubError(error) && neverSent(error.cause))
        throw new NotAppliedError(this.redact(`Odoo ${where} could not be reached${cause} (nothing was sent)`), {
          cause: failure,
        });
      throw new RetryableError(this.redact(`Odoo ${where} could not be reached${cause}`), { cause: failure });
    }
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      parsed = undefined;
      // Odoo answers its API in JSON, errors included: a page instead is something else at that address (a
      // website, a login or SSO page of a proxy in front of Odoo, a redirect the door followed)
      if (response.ok)
        throw new ConfigError(
          this.redact(
            `Odoo ${where} answered ${response.status} with a page that is not JSON (${pageOf(text)}): ${this.base} does not look like the Odoo server's API. Check the url setting (the address you open Odoo at, without a path such as /web or /odoo), and that no login page or proxy stands in front of it`,
          ),
          { field: 'url', status: response.status },
        );
    }
    return { response, parsed };
  }

  /** The server's version: `GET /web/version` (16+), else JSON-RPC `common.version` (all versions up to 19). */
  async detect(): Promise<Session> {
    const forced = this.settings.transport;
    if (forced === 'json2') return { transport: 'json2', version: '19+ (JSON-2 set in the settings)' };
    let info: { server_version?: string; server_version_info?: unknown[] } | undefined;
    try {
      const response = await this.http.fetch(`${this.base}/web/version`, {
        method: 'GET',
        headers: { accept: 'application/json' },
        ...(this.signal === undefined ? {} : { signal: this.signal }),
        timeoutMs: this.timeoutMs,
        field: 'url',
      });
      if (response.ok) info = (await response.json()) as typeof info;
    } catch (error) {
      if (error instanceof SsrfError || (isHubError(error) && error.kind !== 'retryable')) throw error;
      info = undefined;
    }
    if (info?.server_version_info === undefined && info?.server_version === undefined) {
      // a refusal or failure here (429/503, 5xx, no connection) is thrown, not read as "an old server": the
      // transport is kept for the process, and a 19+ server taken for an old one would be asked for JSON-RPC and a
      // login until a restart
      info = (await this.rpc('common', 'version', [], 'common.version')) as typeof info;
    }
    const major = majorVersion(info);
    const version = info?.server_version ?? String(info?.server_version_info?.[0] ?? 'unknown');
    const transport: Transport =
      forced === 'jsonrpc' || major === undefined || major < JSON2_SINCE ? 'jsonrpc' : 'json2';
    return { transport, version };
  }

  private sessionKey(): string {
    // no secret as a map key: the key's length and last 4 characters tell rotations apart well enough for a cache
    const k = this.settings.apiKey;
    return `${this.base}\u0000${this.settings.database}\u0000${this.settings.login ?? ''}\u0000${k.length}:${k.slice(-4)}`;
  }

  /** The transport (and, on JSON-RPC, the uid), detected once per server and key. */
  async session(): Promise<Session> {
    const key = this.sessionKey();
    let found = sessions.get(key);
    if (found === undefined) {
      found = this.detect().then(async (s) =>
        s.transport === 'jsonrpc' ? { ...s, uid: await this.authenticate() } : s,
      );
      sessions.set(key, found);
      found.catch(() => sessions.delete(key));
    }
    return found;
  }

  private async authenticate(): Promise<number> {
    const { login, database, apiKey } = this.settings;
    if (login === undefined)
      throw new AuthError(
        'This Odoo server is older than 19 and speaks JSON-RPC, which logs in by user: set login (the user the API key belongs to)',
        { field: 'login' },
      );
    const uid = await this.rpc('common', 'authenticate', [database, login, apiKey, {}], 'common.authenticate');
    if (typeof uid !== 'number' || uid <= 0)
      throw new AuthError(
        `Odoo common.authenticate failed for ${login}. The key must belong to that user: check the login setting. ${KEY_FIX}`,
        { field: 'apiKey' },
      );
    return uid;
  }

  private async rpc(service: string, method: string, args: unknown[], where: string): Promise<unknown> {
    const body = { jsonrpc: '2.0', method: 'call', id: ++this.rpcId, params: { service, method, args } };
    const { response, parsed } = await this.post('/jsonrpc', body, {}, where);
    const envelope = parsed as { result?: unknown; error?: { message?: string; data?: unknown } } | undefined;
    if (!response.ok || envelope === undefined)
      throw classify(
        where,
        response.status,
        faultFrom(envelope),
        (s) => this.redact(s),
        retryAfterOf(response.headers.get('retry-after')),
      );
    if (envelope.error !== undefined)
      throw classify(where, 0, faultFrom(envelope.error.data) ?? { message: envelope.error.message ?? 'error' }, (s) =>
        this.redact(s),
      );
    return envelope.result;
  }

  /** Calls `<model>.<method>` with named arguments on whichever transport the server speaks. */
  async call<T>(model: string, method: string, call: OdooCall = {}): Promise<T> {
    const session = await this.session();
    const where = `${model}.${method}`;
    const context = call.context;
    if (session.transport === 'json2') {
      const body = {
        ...(call.args ?? {}),
        ...(call.ids === undefined ? {} : { ids: call.ids }),
        ...(context === undefined ? {} : { context }),
      };
      const headers = { authorization: `bearer ${this.settings.apiKey}`, 'x-odoo-database': this.settings.database };
      const { response, parsed } = await this.post(
        `/json/2/${encodeURIComponent(model)}/${encodeURIComponent(method)}`,
        body,
        headers,
        where,
      );
      if (!response.ok)
        throw classify(
          where,
          response.status,
          faultFrom(parsed),
          (s) => this.redact(s),
          retryAfterOf(response.headers.get('retry-after')),
        );
      return parsed as T;
    }
    const kwargs = { ...(call.args ?? {}), ...(context === undefined ? {} : { context }) };
    const args = call.ids === undefined ? [] : [call.ids];
    const { database, apiKey } = this.settings;
    return (await this.rpc(
      'object',
      'execute_kw',
      [database, session.uid, apiKey, model, method, args, kwargs],
      where,
    )) as T;
  }
}

export function clientFor(connection: ConnectionContext<OdooSettings>): OdooClient {
  return new OdooClient(connection.settings, connection.signal, httpOf(connection, 'odoo', ODOO_POLICY.timeoutMs));
}

/** Odoo's naive UTC datetime (`YYYY-MM-DD HH:MM:SS`) as ISO 8601; Date.parse reads the former as local time. */
export function isoOf(odoo: unknown): string | null {
  return typeof odoo === 'string' && odoo !== '' ? `${odoo.replace(' ', 'T')}Z` : null;
}

/** ISO 8601 as Odoo's naive UTC datetime. */
export function odooTime(iso: string | number): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/** A many2one value `[id, display_name]` (or false) as `{ id, name }` / null. */
export function many2one(value: unknown): { id: number; name: string } | null {
  return Array.isArray(value) && typeof value[0] === 'number' ? { id: value[0], name: String(value[1] ?? '') } : null;
}
