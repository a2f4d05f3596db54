import { ConnectionService } from '../../../core/connections/service';
import { loadFlowContext } from '../../../core/runner/context';
import { resolveDeps } from '../../../core/runner/core';
import { configureOutbound } from '../../../core/security';
import type { ConnectorDefinition } from '../../../core/sdk';
import { engines } from '../../helpers/postgres';
import {
  expiredSettings,
  oauthConnector,
  oauthSettingsSchema,
  startTokenEndpoint,
  type TokenEndpoint,
} from '../sdk/oauth-fixture';
import { CONTACT_MAPPING, createHarness, seed, silentLogger, type Harness } from './harness';

/** Fault-matrix row 22 through the paths users take: flow runs and the connection check. */
describe.each(engines)('OAuth2 refresh through the runner and the connection check (%s)', (engine) => {
  let h: Harness;
  let endpoint: TokenEndpoint;
  let connector: ConnectorDefinition;
  let target: ConnectorDefinition;

  beforeAll(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
  beforeEach(async () => {
    h = await createHarness({ engine });
    endpoint = await startTokenEndpoint();
    connector = oauthConnector(endpoint);
    await h.register('crm', connector, expiredSettings(endpoint));
    target = (await h.connector('b')).definition;
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'crm-to-b', source: { connection: 'crm', stream: 'contacts' } });
  });
  afterEach(async () => {
    await h.close();
    await endpoint.close();
  });

  const service = () =>
    new ConnectionService({
      repos: h.repos,
      registry: { get: () => connector, has: () => true },
      logger: silentLogger,
    });

  it('a flow run at expiry refreshes once, reads with the new token and stores the rotated refresh token', async () => {
    const run = await h.run('crm-to-b');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 1, created: 1 });
    expect(endpoint.requests).toBe(1);
    const stored = await h.repos.connections.require('crm', { decrypt: true });
    expect(stored.settings).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect((await h.run('crm-to-b')).status).toBe('succeeded');
    expect(endpoint.requests).toBe(1);
  });

  it('50 runs loading their context at expiry at once: exactly one refresh, no invalid_grant, all get the new token', async () => {
    const core = resolveDeps({
      store: h.store,
      repos: h.repos,
      connectors: { get: (id) => (id === connector.id ? connector : target) },
      queue: h.queue,
      budget: h.budget,
      logger: silentLogger,
    });
    const flow = await h.repos.flows.require('crm-to-b');
    const contexts = await Promise.all(Array.from({ length: 50 }, () => loadFlowContext(core, flow)));
    expect(endpoint.requests).toBe(1);
    expect(endpoint.invalidGrants).toBe(0);
    expect(new Set(contexts.map((c) => c.source.context.settings.accessToken))).toEqual(new Set(['at-1']));
  });

  it('a refresh the vendor refuses fails the run and the check with a reconnect AuthError; settings are kept', async () => {
    endpoint.refused = true;
    const before = await h.repos.connections.require('crm', { decrypt: true });
    const run = await h.run('crm-to-b');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(run.error?.message).toMatch(/reconnect the connection/);
    const check = await service().check('crm');
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/reconnect the connection/);
    for (const secret of ['rt-0', 'client-secret-1', 'at-stale']) {
      expect(run.error?.message).not.toContain(secret);
      expect(check.message).not.toContain(secret);
    }
    expect((await h.repos.connections.require('crm', { decrypt: true })).settings).toEqual(before.settings);
  });

  it('the connection check refreshes an expired token once and checks with the new one', async () => {
    const check = await service().check('crm');
    expect(check).toMatchObject({ ok: true, message: 'token accepted' });
    expect(check.connection.status).toBe('ok');
    expect(endpoint.requests).toBe(1);
    expect((await h.repos.connections.require('crm', { decrypt: true })).settings.refreshToken).toBe('rt-1');
  });
});

/** Mid-run: a token that expires or is revoked while a run is under way (fault-matrix row 22, second half). */
describe.each(engines)('OAuth2 tokens during a run (%s)', (engine) => {
  let h: Harness;
  let endpoint: TokenEndpoint;

  beforeAll(() => configureOutbound({ allowPrivateHosts: ['127.0.0.1'] }));
  beforeEach(async () => {
    h = await createHarness({ engine });
    endpoint = await startTokenEndpoint();
    await h.register('crm', oauthConnector(endpoint), expiredSettings(endpoint));
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
  });
  afterEach(async () => {
    await h.close();
    await endpoint.close();
  });

  it('a token the vendor revokes between two pages: one refresh, the read resumes at the refused page, nothing lost', async () => {
    await h.flow({ name: 'pages', source: { connection: 'crm', stream: 'pages' } });
    endpoint.beforePage = (n) => {
      // the vendor revokes the token in use before page 2 is served (once); the next refresh issues a new one
      if (n === 2 && endpoint.refusals === 0) endpoint.accessToken = 'at-revoked';
    };
    const run = await h.run('pages');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 6, created: 6 });
    expect(endpoint.refusals).toBe(1);
    expect(endpoint.requests).toBe(2); // the refresh at the start, and one after the 401
    expect((await h.repos.connections.require('crm', { decrypt: true })).settings).toMatchObject({
      accessToken: 'at-2',
      refreshToken: 'rt-2',
    });
  });

  it('a token refused again right after its refresh stops the run with an AuthError, without a refresh loop', async () => {
    await h.flow({ name: 'pages', source: { connection: 'crm', stream: 'pages' } });
    endpoint.beforePage = (n) => {
      if (n === 2) endpoint.accessToken = `at-never-${endpoint.refusals}`; // every token is refused from page 2 on
    };
    const run = await h.run('pages');
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ kind: 'auth' });
    expect(endpoint.refusals).toBe(2);
    expect(endpoint.requests).toBe(2);
    expect(run.counts).toMatchObject({ read: 2, created: 2 }); // page 1 was written before the refusal
  });

  it('a token that comes due during a run is refreshed before the next request, not after a 401', async () => {
    await h.flow({ name: 'warm-up', source: { connection: 'crm', stream: 'contacts' } });
    await h.run('warm-up'); // the start-up refresh (at-1)
    expect(endpoint.requests).toBe(1);
    // the stored expiry moved to "one minute and 150 ms from now": inside the refresh skew only after page 1
    const stored = await h.repos.connections.require('crm', { decrypt: true });
    const settings = { ...stored.settings, expiresAt: Date.now() + 60_150 };
    await h.repos.connections.update(stored.id, { settings, settingsSchema: oauthSettingsSchema });
    endpoint.beforePage = async (n) => {
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 400));
    };
    await h.flow({ name: 'pages', source: { connection: 'crm', stream: 'pages' } });
    const run = await h.run('pages');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 6, created: 6 });
    expect(endpoint.requests).toBe(2);
    expect(endpoint.refusals).toBe(0);
  });

  it('a write refused with a 401 is sent again once with a refreshed token: each record written once', async () => {
    await h.register('ads', oauthConnector(endpoint, 'oauth-target'), expiredSettings(endpoint));
    const source = await h.connector('a');
    seed(source, 5);
    await h.flow({ name: 'push', target: { connection: 'ads', action: 'push' } });
    endpoint.beforeWrite = (n) => {
      if (n === 2) endpoint.accessToken = 'at-revoked'; // revoked before the second batch
    };
    const run = await h.run('push');
    expect(run.error).toBeUndefined();
    expect(run.status).toBe('succeeded');
    expect(endpoint.refusals).toBe(1);
    expect([...endpoint.pushed].sort()).toEqual([1, 2, 3, 4, 5].map((i) => `person${i}@example.com`));
  });
});
