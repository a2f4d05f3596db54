import { ConnectionService } from '../../../core/connections/service';
import { loadFlowContext } from '../../../core/runner/context';
import { resolveDeps } from '../../../core/runner/core';
import { configureOutbound } from '../../../core/security';
import type { ConnectorDefinition } from '../../../core/sdk';
import { engines } from '../../helpers/postgres';
import { expiredSettings, oauthConnector, startTokenEndpoint, type TokenEndpoint } from '../sdk/oauth-fixture';
import { CONTACT_MAPPING, createHarness, silentLogger, type Harness } from './harness';

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
