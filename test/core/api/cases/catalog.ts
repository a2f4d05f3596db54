import path from 'node:path';
import { CANARY, problem, type RouteCase } from '../scenario';
import { findBuiltinModules } from '../../../../core/registry/discover';

/** Happy paths (and their named errors) of the meta, connector and connection routes. */
export const catalogCases: Record<string, RouteCase> = {
  async getOpenApi(bed) {
    const res = await bed.as('none').get('/openapi.json').expect(200);
    expect(res.body).toMatchObject({ openapi: '3.1.0', info: { title: 'Connector Hub API' } });
  },

  async getReference(bed) {
    const res = await bed.as('none').get('/reference').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('<h1>Connector Hub API');
  },

  async getSession(bed) {
    const res = await bed.as('marketer').get('/me').expect(200);
    expect(res.body).toMatchObject({ name: 'marketer-token', role: 'marketer' });
    expect(res.body.permissions).toEqual(expect.arrayContaining(['flows:operate', 'deadLetters:replay']));
    expect(res.body.permissions).not.toContain('flows:write');
    expect(JSON.stringify(res.body)).not.toContain(bed.tokens.marketer);
  },

  async listConnectors(bed) {
    const first = await bed.as('viewer').get('/connectors?limit=1').expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.items[0]).toMatchObject({ id: 'file', source: 'builtin', streams: ['records'] });
    // page through the rest one at a time: every connector once, then no cursor
    const ids: string[] = [first.body.items[0].id];
    let cursor: string | undefined = first.body.nextCursor;
    while (cursor !== undefined) {
      const page = await bed.as('viewer').get(`/connectors?limit=1&cursor=${cursor}`).expect(200);
      ids.push(...page.body.items.map((c: { id: string }) => c.id));
      cursor = page.body.nextCursor;
    }
    expect([...ids].sort()).toEqual([...findBuiltinModules().map((m) => m.folder), 'leaky'].sort());
    const crm = await bed.as('viewer').get('/connectors?category=crm').expect(200);
    expect(crm.body.items.map((c: { id: string }) => c.id).sort()).toEqual(['hubspot', 'leaky']);
  },

  async getConnector(bed) {
    const file = await bed.as('viewer').get('/connectors/file').expect(200);
    expect(file.body.settingsSchema.properties.directory).toMatchObject({ type: 'string' });
    const leaky = await bed.as('viewer').get('/connectors/leaky').expect(200);
    expect(leaky.body.settingsSchema.properties.apiToken['x-secret']).toBe(true);
    problem(await bed.as('viewer').get('/connectors/nope'), 404);
  },

  async listConnections(bed) {
    await bed.fileConnection('list-a');
    await bed.fileConnection('list-b');
    const page = await bed.as('viewer').get('/connections?connectorId=file&limit=1').expect(200);
    expect(page.body.items).toHaveLength(1);
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await bed
        .as('viewer')
        .get(`/connections?connectorId=file&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      names.push(...res.body.items.map((c: { name: string }) => c.name));
      cursor = res.body.nextCursor;
    } while (cursor !== undefined);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    const untested = await bed.as('viewer').get('/connections?status=untested').expect(200);
    expect(untested.body.items.every((c: { status: string }) => c.status === 'untested')).toBe(true);
  },

  async createConnection(bed) {
    const res = await bed
      .as('engineer')
      .post('/connections', { name: 'crm', connectorId: 'leaky', settings: { apiToken: CANARY, account: 'acme' } })
      .expect(201);
    expect(res.body).toMatchObject({ name: 'crm', connectorId: 'leaky', status: 'untested' });
    expect(res.body.id).toMatch(/^con_/);
    expect(res.body.settings).toEqual({ apiToken: '[secret]', account: 'acme' });

    const duplicate = problem(
      await bed
        .as('engineer')
        .post('/connections', { name: 'crm', connectorId: 'file', settings: { directory: bed.dir } }),
      409,
    );
    expect(duplicate.errors?.[0].field).toBe('/body/name');
    const settings = problem(
      await bed.as('engineer').post('/connections', { name: 'no-dir', connectorId: 'file', settings: {} }),
      422,
    );
    expect(settings.errors?.[0].field).toBe('/body/settings/directory');
    const connector = problem(
      await bed.as('engineer').post('/connections', { name: 'x', connectorId: 'nope', settings: {} }),
      422,
    );
    expect(connector.errors?.[0].field).toBe('/body/connectorId');
    expect(connector.detail).toContain('unknown connector nope; installed: file');
  },

  async getConnection(bed) {
    const created = await bed.fileConnection('shown', { path: 'x.csv' });
    const byId = await bed.as('viewer').get(`/connections/${created.id}`).expect(200);
    expect(byId.body).toMatchObject({ id: created.id, name: 'shown', settings: { path: 'x.csv' } });
    const byName = await bed.as('viewer').get('/connections/shown').expect(200);
    expect(byName.body.id).toBe(created.id);
    expect(byName.body.secrets).toEqual({});
    // secret fields: said to be set or unset, never shown
    await bed
      .as('engineer')
      .post('/connections', {
        name: 'shown-secret',
        connectorId: 'leaky',
        settings: { apiToken: CANARY, account: 'a' },
      })
      .expect(201);
    const secret = await bed.as('viewer').get('/connections/shown-secret').expect(200);
    expect(secret.body.secrets).toEqual({ apiToken: 'set' });
    expect(JSON.stringify(secret.body)).not.toContain(CANARY);
    problem(await bed.as('viewer').get('/connections/missing'), 404);
  },

  async updateConnection(bed) {
    const created = await bed
      .as('engineer')
      .post('/connections', { name: 'crm-edit', connectorId: 'leaky', settings: { apiToken: CANARY, account: 'a' } })
      .expect(201);
    // the form sent back as shown: the secret placeholder keeps the stored secret
    const res = await bed
      .as('engineer')
      .patch(`/connections/${created.body.id}`, {
        name: 'crm-edited',
        settings: { ...created.body.settings, account: 'b' },
      })
      .expect(200);
    expect(res.body).toMatchObject({ name: 'crm-edited', settings: { apiToken: '[secret]', account: 'b' } });
    const stored = await bed.hub.repos.connections.require(created.body.id, { decrypt: true });
    expect(stored.settings).toEqual({ apiToken: CANARY, account: 'b' });
    // only what changes: merged over the stored settings, the secret not given is kept
    const merged = await bed
      .as('engineer')
      .patch(`/connections/${created.body.id}`, { settings: { account: 'c' } })
      .expect(200);
    expect(merged.body.settings).toEqual({ apiToken: '[secret]', account: 'c' });
    const kept = await bed.hub.repos.connections.require(created.body.id, { decrypt: true });
    expect(kept.settings).toEqual({ apiToken: CANARY, account: 'c' });

    const invalid = problem(
      await bed
        .as('engineer')
        .patch(`/connections/${created.body.id}`, { settings: { apiToken: 'short', account: 'b' } }),
      422,
    );
    expect(invalid.errors?.[0].field).toBe('/body/settings/apiToken');
    problem(await bed.as('engineer').patch('/connections/missing', { name: 'x' }), 404);
  },

  async deleteConnection(bed, scenario) {
    const created = await bed.fileConnection('doomed');
    await bed.as('engineer').delete(`/connections/${created.id}`).expect(204);
    problem(await bed.as('viewer').get(`/connections/${created.id}`), 404);
    const people = await scenario.people();
    const inUse = problem(await bed.as('engineer').delete(`/connections/${people.sourceId}`), 409);
    expect(inUse.detail).toContain('is used by flow');
  },

  async checkConnection(bed) {
    const ok = await bed.fileConnection('checked', { path: path.join('checked.csv') });
    bed.file('checked.csv', 'id\n1\n');
    const good = await bed.as('engineer').post(`/connections/${ok.id}/check`).expect(200);
    expect(good.body).toMatchObject({ ok: true, connection: { status: 'ok' } });

    const leaky = await bed
      .as('engineer')
      .post('/connections', {
        name: 'crm-check',
        connectorId: 'leaky',
        settings: { apiToken: CANARY, account: 'acme' },
      })
      .expect(201);
    const bad = await bed.as('engineer').post(`/connections/${leaky.body.id}/check`).expect(200);
    expect(bad.body).toMatchObject({ ok: false, connection: { status: 'error' } });
    expect(bad.body.message).toContain('token [secret] was rejected');
    expect(bad.body.connection.lastCheckError).toContain('[secret]');
  },

  async listWebhookRejections(bed) {
    const connection = await bed.fileConnection('rejections');
    const empty = await bed.as('viewer').get(`/connections/${connection.id}/webhook-rejections`).expect(200);
    expect(empty.body).toEqual({ items: [] });
    await bed.hub.repos.webhookEvents.recordRejection({
      connectionId: connection.id,
      webhook: 'events',
      reason: 'the body is sent as application/json but is not valid JSON',
      contentType: 'application/json',
      bodyBytes: 3,
      bodySha256: 'ab'.repeat(32),
      receivedAt: Date.now(),
    });
    const listed = await bed.as('viewer').get(`/connections/rejections/webhook-rejections`).expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ connectionId: connection.id, webhook: 'events', bodyBytes: 3 }),
    ]);
    problem(await bed.as('viewer').get('/connections/missing/webhook-rejections'), 404);
  },
};
