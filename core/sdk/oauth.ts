import { randomUUID } from 'node:crypto';
import { AuthError, ConfigError, RetryableError, isHubError } from './errors';
import type { OutboundHttp } from './http';

/**
 * OAuth2 with refresh, declared by a connector (`oauth2` on its definition). Before a connector gets a connection's
 * settings (a run's context, a connection check), the hub makes sure the access token is fresh: when it is expired
 * or expires within `skewMs`, the hub POSTs `grant_type=refresh_token` to the token URL through the outbound door,
 * and stores the new access token, its expiry and the (possibly rotated) refresh token back into the connection's
 * encrypted settings. Vendors that rotate refresh tokens (Google, HubSpot) answer `invalid_grant` when one is spent
 * twice, so a refresh happens once per connection however many callers need it at the same moment:
 * - in one process, callers share one promise per connection;
 * - across processes, the refresher first claims a lease row in the store (an insert that only one worker wins,
 *   taken over only once expired); the others wait until the stored token is fresh and use it.
 * A refused refresh is an AuthError telling the user to reconnect; the stored settings are left as they were.
 * Written here rather than with google-auth-library: that client keeps tokens in one process's memory, and the
 * hub needs the refresh stored in the vault and fenced across workers.
 */

/** Which settings fields hold the OAuth2 credentials (top-level field names of the settings schema). */
export interface OAuth2Fields {
  clientId: string;
  /** A `Secret()` field. */
  clientSecret: string;
  /** A `Secret()` field; rewritten when the vendor rotates it. */
  refreshToken: string;
  /** A `Secret()` field; rewritten on every refresh. */
  accessToken: string;
  /** When the access token expires: epoch milliseconds (number) or an ISO date (string), as the schema declares. */
  expiresAt: string;
}

export interface OAuth2Declaration<S = Record<string, unknown>> {
  /** The vendor's token endpoint, e.g. `https://oauth2.googleapis.com/token`. */
  tokenUrl: string;
  /** Optional: the token URL from the settings (a sandbox, a regional host); wins over `tokenUrl`. */
  tokenUrlOf?(settings: S): string | undefined;
  fields: OAuth2Fields;
  /** Refresh this long before the expiry (default 60 s). */
  skewMs?: number;
}

/** What the refresher needs from the store; the hub's connections repository provides it. */
export interface OAuthTokenStore {
  get(id: string, options: { decrypt: true }): Promise<{ settings: Record<string, unknown> } | undefined>;
  /** Claims the refresh lease of a connection until `untilMs`; false while another holder's lease is live. */
  claimRefresh(id: string, holder: string, untilMs: number, now: number): Promise<boolean>;
  releaseRefresh(id: string, holder: string): Promise<void>;
  /** Replaces the settings (secrets encrypted by the schema), leaving the connection's status alone. */
  saveRefreshedSettings(
    id: string,
    settings: Record<string, unknown>,
    settingsSchema: unknown,
    now: number,
  ): Promise<void>;
  recordCheck(id: string, outcome: { ok: boolean; error?: string }, now: number): Promise<void>;
}

export interface FreshTokenRequest {
  store: OAuthTokenStore;
  connector: { id: string; settingsSchema: unknown; oauth2?: OAuth2Declaration };
  connection: { id: string; name: string; settings: Record<string, unknown> };
  /** The outbound door the token request goes through. */
  http: OutboundHttp;
  signal?: AbortSignal;
  /**
   * An access token the vendor just refused (401) although its expiry had not come: refresh unless the stored token
   * is already another one (a worker refreshed it meanwhile), whatever the stored expiry says.
   */
  rejectedToken?: string;
}

export interface TokenRefresherOptions {
  now?: () => number;
  /** How long a refresh lease lasts before another worker may take it over (default 30 s). */
  leaseMs?: number;
  /** How often a worker waiting for another's refresh looks again (default 50 ms). */
  pollMs?: number;
}

const DEFAULT_SKEW_MS = 60_000;

/** The stored expiry in epoch ms, or undefined when none is stored (or it cannot be read). */
export function expiryOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Whether the access token in `settings` is missing, expired or expires within the skew. */
export function needsRefresh(declaration: OAuth2Declaration, settings: Record<string, unknown>, now: number): boolean {
  const token = settings[declaration.fields.accessToken];
  if (typeof token !== 'string' || token === '') return true;
  const expiry = expiryOf(settings[declaration.fields.expiresAt]);
  if (expiry === undefined) return false; // no expiry known: use the token until the vendor refuses it
  return expiry - (declaration.skewMs ?? DEFAULT_SKEW_MS) <= now;
}

function reconnect(name: string, reason: string, status?: number): AuthError {
  return new AuthError(
    `connection ${name}: the OAuth token refresh was refused (${reason}); reconnect the connection (sign in to the vendor again) to get new credentials`,
    status === undefined ? {} : { status },
  );
}

/** The vendor's error code (e.g. `invalid_grant`), only when it looks like one: a body is never quoted. */
function errorCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as Record<string, unknown>).error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Refreshes access tokens once per connection at a time; one per process is shared (see `ensureFreshToken`). */
export class TokenRefresher {
  private readonly inFlight = new Map<string, Promise<Record<string, unknown>>>();
  private readonly now: () => number;
  private readonly leaseMs: number;
  private readonly pollMs: number;

  constructor(options: TokenRefresherOptions = {}) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 50;
  }

  /** The connection's settings with a fresh access token (refreshed and stored when needed). */
  async fresh(request: FreshTokenRequest): Promise<Record<string, unknown>> {
    const declaration = request.connector.oauth2;
    if (declaration === undefined) return request.connection.settings;
    if (!this.stale(request, declaration, request.connection.settings)) return request.connection.settings;
    const key = request.connection.id;
    let flight = this.inFlight.get(key);
    if (flight === undefined) {
      flight = this.refreshOnce(request, declaration).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, flight);
    }
    return flight;
  }

  /** Expired, about to expire, or the token the vendor refused. */
  private stale(
    request: FreshTokenRequest,
    declaration: OAuth2Declaration,
    settings: Record<string, unknown>,
  ): boolean {
    if (needsRefresh(declaration, settings, this.now())) return true;
    const { rejectedToken } = request;
    return rejectedToken !== undefined && settings[declaration.fields.accessToken] === rejectedToken;
  }

  private async stored(request: FreshTokenRequest): Promise<Record<string, unknown>> {
    const row = await request.store.get(request.connection.id, { decrypt: true });
    if (row === undefined) throw new ConfigError(`connection ${request.connection.name} no longer exists`);
    return row.settings;
  }

  private async refreshOnce(request: FreshTokenRequest, declaration: OAuth2Declaration) {
    const { store, connection } = request;
    const holder = randomUUID();
    const deadline = this.now() + this.leaseMs * 2;
    for (;;) {
      const current = await this.stored(request);
      if (!this.stale(request, declaration, current)) return current;
      if (await store.claimRefresh(connection.id, holder, this.now() + this.leaseMs, this.now())) {
        try {
          // another worker may have refreshed between our read and our claim
          const latest = await this.stored(request);
          if (!this.stale(request, declaration, latest)) return latest;
          return await this.refresh(request, declaration, latest);
        } finally {
          await store.releaseRefresh(connection.id, holder);
        }
      }
      if (this.now() > deadline || request.signal?.aborted) {
        throw new RetryableError(`connection ${connection.name}: another worker is refreshing its OAuth token`, {
          retryAfterMs: this.pollMs * 10,
        });
      }
      await sleep(this.pollMs, request.signal);
    }
  }

  private async refresh(
    request: FreshTokenRequest,
    declaration: OAuth2Declaration,
    settings: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { fields } = declaration;
    const { connection } = request;
    const refreshToken = settings[fields.refreshToken];
    if (typeof refreshToken !== 'string' || refreshToken === '') {
      throw reconnect(connection.name, `no ${fields.refreshToken} is stored`);
    }
    const url = declaration.tokenUrlOf?.(settings) ?? declaration.tokenUrl;
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const clientId = settings[fields.clientId];
    const clientSecret = settings[fields.clientSecret];
    if (typeof clientId === 'string') form.set('client_id', clientId);
    if (typeof clientSecret === 'string') form.set('client_secret', clientSecret);
    let response: Response;
    try {
      response = await request.http.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        field: 'oauth2.tokenUrl',
        ...(request.signal === undefined ? {} : { signal: request.signal }),
      });
    } catch (error) {
      if (isHubError(error)) throw error;
      throw new RetryableError(`connection ${connection.name}: the OAuth token endpoint did not answer`);
    }
    const body: unknown = await response.json().catch(() => undefined);
    const now = this.now();
    if (!response.ok) {
      if (response.status >= 500 || response.status === 429) {
        throw new RetryableError(
          `connection ${connection.name}: the OAuth token endpoint failed (${response.status})`,
          {
            status: response.status,
          },
        );
      }
      const error = reconnect(connection.name, errorCode(body) ?? `HTTP ${response.status}`, response.status);
      // non-destructive: the stored credentials stay as they are; the user sees why on the connection
      await request.store.recordCheck(connection.id, { ok: false, error: error.message }, now);
      throw error;
    }
    const token = body as Record<string, unknown> | undefined;
    const accessToken = token?.access_token;
    if (typeof accessToken !== 'string' || accessToken === '') {
      throw new RetryableError(
        `connection ${connection.name}: the OAuth token endpoint answered without an access_token`,
      );
    }
    const next = { ...settings, [fields.accessToken]: accessToken };
    const rotated = token?.refresh_token;
    if (typeof rotated === 'string' && rotated !== '') next[fields.refreshToken] = rotated;
    const expiresIn = Number(token?.expires_in);
    if (Number.isFinite(expiresIn) && expiresIn > 0) {
      const expiry = now + expiresIn * 1000;
      next[fields.expiresAt] = typeof settings[fields.expiresAt] === 'string' ? new Date(expiry).toISOString() : expiry;
    } else {
      delete next[fields.expiresAt];
    }
    await request.store.saveRefreshedSettings(connection.id, next, request.connector.settingsSchema, now);
    return next;
  }
}

const shared = new TokenRefresher();

/**
 * The connection's settings with a fresh OAuth2 access token, refreshed (once) and stored when it is expired or
 * about to expire; the settings unchanged for a connector without `oauth2`.
 */
export function ensureFreshToken(request: FreshTokenRequest): Promise<Record<string, unknown>> {
  return shared.fresh(request);
}
