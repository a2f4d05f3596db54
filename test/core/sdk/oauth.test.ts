import { configureOutbound } from '../../../core/security';
import { AuthError, TokenRefresher, needsRefresh, outboundHttp, type OAuth2Declaration } from '../../../core/sdk';
import { createRepos, type Repos } from '../../../core/store/repos';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { engines, openTestStore, type TestStore } from '../../helpers/postgres';
import { expiredSettings, oauthConnector, startTokenEndpoint, type TokenEndpoint } from './oauth-fixture';

const declaration: OAuth2Declaration = {
  tokenUrl: 'https://oauth.invalid/token',
  fields: {
    clientId: 'clientId',
    clientSecret: 'clientSecret',
    refreshToken: 'refreshToken',
    accessToken: 'accessToken',
    expiresAt: 'expiresAt',
  },
};

describe('OAuth2 expiry', () => {
  const now = 1_800_000_000_000;
  it('refreshes a token that expired, is missing, or expires within the skew (default 60 s)', () => {
    expect(needsRefresh(declaration, { accessToken: 'a', expiresAt: now - 1 }, now)).toBe(true);
    expect(needsRefresh(declaration, { accessToken: 'a', expiresAt: now + 30_000 }, now)).toBe(true);
    expect(needsRefresh(declaration, { expiresAt: now + 3_600_000 }, now)).toBe(true);
    expect(needsRefresh(declaration, { accessToken: 'a', expiresAt: now + 120_000 }, now)).toBe(false);
    expect(needsRefresh(declaration, { accessToken: 'a', expiresAt: new Date(now + 120_000).toISOString() }, now)).toBe(
      false,
    );
    expect(needsRefresh({ ...declaration, skewMs: 180_000 }, { accessToken: 'a', expiresAt: now + 120_000 }, now)).toBe(
      true,
    );
  });
});

describe.each(engines)('OAuth2 refresh against the store (%s)', (engine) => {
  let db: TestStore;
  let repos: Repos;
  let endpoint: TokenEndpoint;
  let connectionId: string;
  const connector = () => oauthConnector(endpoint);

  beforeAll(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
  beforeEach(async () => {
    db = await openTestStore(engine);
    repos = createRepos(db.store.db, new Vault([generateVaultKey()]));
    endpoint = await startTokenEndpoint();
    const created = await repos.connections.create({
      name: 'crm',
      connectorId: 'oauth-test',
      settings: expiredSettings(endpoint),
      settingsSchema: connector().settingsSchema,
    });
    connectionId = created.id;
  });
  afterEach(async () => {
    await endpoint.close();
    await db.cleanup();
  });

  async function request() {
    const connection = await repos.connections.require(connectionId, { decrypt: true });
    return {
      store: repos.connections,
      connector: connector(),
      connection,
      http: outboundHttp({ connector: 'oauth-test' }),
    };
  }

  it('stores the new access token, its expiry and the rotated refresh token, encrypted', async () => {
    const before = Date.now();
    const settings = await new TokenRefresher().fresh(await request());
    expect(endpoint.requests).toBe(1);
    expect(settings).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const stored = await repos.connections.require(connectionId, { decrypt: true });
    expect(stored.settings).toMatchObject({
      accessToken: 'at-1',
      refreshToken: 'rt-1',
      clientSecret: 'client-secret-1',
    });
    expect(stored.settings.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    const raw = await db.store.db.selectFrom('connections').select('settings_json').executeTakeFirstOrThrow();
    expect(raw.settings_json).not.toContain('at-1');
    expect(raw.settings_json).not.toContain('rt-1');
    // fresh now: a second call sends nothing
    await new TokenRefresher().fresh({ ...(await request()) });
    expect(endpoint.requests).toBe(1);
  });

  it('50 concurrent calls at expiry on two workers: exactly one refresh, no invalid_grant, all get the new token', async () => {
    const workers = [new TokenRefresher({ pollMs: 10 }), new TokenRefresher({ pollMs: 10 })];
    const requests = await Promise.all(Array.from({ length: 50 }, () => request()));
    const results = await Promise.all(requests.map((r, i) => workers[i % 2]!.fresh(r)));
    expect(endpoint.requests).toBe(1);
    expect(endpoint.invalidGrants).toBe(0);
    expect(new Set(results.map((s) => s.accessToken))).toEqual(new Set(['at-1']));
    const stored = await repos.connections.require(connectionId, { decrypt: true });
    expect(stored.settings.refreshToken).toBe('rt-1');
  });

  it('a refused refresh is an AuthError that says reconnect, quotes no secret, and keeps the stored settings', async () => {
    endpoint.refused = true;
    const before = await repos.connections.require(connectionId, { decrypt: true });
    const error = await new TokenRefresher().fresh(await request()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    const message = (error as AuthError).message;
    expect(message).toMatch(/invalid_grant/);
    expect(message).toMatch(/reconnect the connection/);
    for (const secret of ['rt-0', 'client-secret-1', 'at-stale']) expect(message).not.toContain(secret);
    const after = await repos.connections.require(connectionId, { decrypt: true });
    expect(after.settings).toEqual(before.settings);
    expect(after.status).toBe('error');
    expect(after.lastCheckError).toMatch(/reconnect the connection/);
  });
});
