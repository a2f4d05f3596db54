import { ensureFreshToken, type OAuthTokenStore } from '../sdk/oauth';
import type { ConnectorDefinition } from '../sdk/define';
import type { OutboundHttp } from '../sdk/http';

/**
 * Keeps an OAuth2 connection's access token fresh for the whole of a run, not only at its start: before each page
 * read and each batch written (`beforeRequest`: in memory unless the expiry is near), and once more when the vendor
 * refuses the token with a 401 although it had not expired (`renewAfterRefusal`: revoked, rotated elsewhere, clock
 * skew). Both go through the shared refresher, so many workers still refresh once (fault-matrix row 22). The new
 * token is written into the connection context's settings object in place: connectors read it per request.
 */
export interface TokenKeeper {
  beforeRequest(): Promise<void>;
  /** True when a different token is now in the settings (the refused request is worth one more try). */
  renewAfterRefusal(): Promise<boolean>;
}

export function tokenKeeper(options: {
  store: OAuthTokenStore;
  connector: ConnectorDefinition;
  connection: { id: string; name: string };
  /** The context's own settings object, updated in place. */
  settings: Record<string, unknown>;
  http: OutboundHttp;
  signal?: AbortSignal;
}): TokenKeeper | undefined {
  const declaration = options.connector.oauth2;
  if (declaration === undefined) return undefined;
  const field = declaration.fields.accessToken;
  const { settings } = options;
  const fresh = async (rejectedToken?: string) => {
    const next = await ensureFreshToken({
      store: options.store,
      connector: options.connector,
      connection: { ...options.connection, settings },
      http: options.http,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(rejectedToken === undefined ? {} : { rejectedToken }),
    });
    if (next !== settings) Object.assign(settings, next);
  };
  return {
    beforeRequest: () => fresh(),
    async renewAfterRefusal() {
      const refused = settings[field];
      if (typeof refused !== 'string' || refused === '') return false;
      await fresh(refused);
      return settings[field] !== refused;
    },
  };
}
