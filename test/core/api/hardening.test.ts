import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { API_BASE, apiDepsFor, createApi, type ApiDeps } from '../../../core/api';
import { createLogger } from '../../../core/logging/logger';
import { createTestDatabase, engines, type TestDatabase } from '../../helpers/postgres';
import { openApiBed, type ApiBed } from './helpers';
import { problem } from './scenario';

describe('hardening', () => {
  let bed: ApiBed;
  beforeAll(async () => {
    bed = await openApiBed();
  });
  afterAll(() => bed.close());

  it('sends security headers, no CORS headers and no caching', async () => {
    const res = await bed.as('viewer').get('/connectors').set('origin', 'https://evil.example').expect(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const preflight = await request(bed.app).options(`${API_BASE}/connectors`).set('origin', 'https://evil.example');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers CORS for configured origins only', async () => {
    const cors = await openApiBed({ corsOrigins: ['https://ui.example'] });
    try {
      const preflight = await request(cors.app)
        .options(`${API_BASE}/connectors`)
        .set('origin', 'https://ui.example')
        .set('access-control-request-method', 'GET')
        .expect(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://ui.example');
      expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
      const other = await cors.as('viewer').get('/connectors').set('origin', 'https://evil.example').expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await cors.close();
    }
  });

  it('refuses a body over 1 MB with a 413 problem and invalid JSON with a 400 problem', async () => {
    const big = { name: 'big', connectorId: 'file', settings: { directory: 'x'.repeat(1_100_000) } };
    const tooLarge = problem(await bed.as('engineer').post('/connections', big), 413);
    expect(tooLarge.detail).toContain('larger than the hub accepts');
    const res = await request(bed.app)
      .post(`${API_BASE}/connections`)
      .set('authorization', `Bearer ${bed.tokens.engineer}`)
      .set('content-type', 'application/json')
      .send('{"name": "x", ');
    expect(problem(res, 400).errors).toEqual([{ field: '/body', message: 'is not valid JSON' }]);
    expect(res.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('never answers with a stack trace or the message of an unexpected error', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'error', destination: { write: (line: string) => lines.push(line) } });
    const deps: ApiDeps = {
      ...apiDepsFor(bed.hub, bed.engine, 'x'),
      logger,
      registry: {
        ...bed.hub.registry,
        list: () => {
          throw new Error('boom: /srv/hub/secret-path exploded');
        },
      },
    };
    const broken = createApi(deps);
    const app = createApp({
      logger,
      version: 'x',
      readiness: [],
      routes: [{ path: API_BASE, router: broken.router }],
    });
    const res = await request(app).get(`${API_BASE}/connectors`).set('authorization', `Bearer ${bed.tokens.viewer}`);
    const body = problem(res, 500);
    expect(body).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
    expect(res.text).not.toContain('boom');
    expect(res.text).not.toContain('secret-path');
    expect(lines.join('')).toContain('boom'); // the operator sees it in the log
  });
});

/**
 * Issue 13, item 7: names refuse NUL, other control characters, bidi overrides and lone surrogates with a 400 that
 * names the field — on both stores (a NUL in a name was a 500 on PostgreSQL) — and settings strings have a size
 * limit, stated in the error.
 */
describe.each(engines)('inputs (%s)', (engine) => {
  let database: TestDatabase;
  let bed: ApiBed;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    bed = await openApiBed(
      database.databaseUrl === undefined ? {} : { env: { HUB_DATABASE_URL: database.databaseUrl } },
    );
  });
  afterAll(async () => {
    await bed.close();
    await database.drop();
  });

  const BAD_NAMES: Record<string, string> = {
    nul: 'crm\u0000prod',
    bell: 'crm\u0007',
    newline: 'crm\nprod',
    tab: 'crm\tprod',
    c1: 'crm\u0085',
    rlo: 'invoice\u202Egpj.exe',
    lre: '\u202Acrm',
    isolate: 'crm\u2066x\u2069',
    loneHigh: 'crm\uD800',
    loneLow: '\uDC00crm',
    padded: ' crm ',
  };

  it.each(Object.entries(BAD_NAMES))(
    'refuses a connection name with %s: 400 naming /body/name',
    async (_kind, name) => {
      const res = await bed
        .as('engineer')
        .post('/connections', { name, connectorId: 'file', settings: { directory: bed.dir } });
      const body = problem(res, 400);
      expect(body.errors?.[0]?.field).toBe('/body/name');
      expect(body.detail).toMatch(/\/body\/name: must not start or end with a space, nor contain control characters/);
    },
  );

  it('refuses the same on rename, on token names and in path references; accepts any other Unicode', async () => {
    const ok = await bed
      .as('engineer')
      .post('/connections', { name: 'Клиенты 🚀 — CRM', connectorId: 'file', settings: { directory: bed.dir } })
      .expect(201);
    const rename = problem(
      await bed.as('engineer').patch(`/connections/${ok.body.id as string}`, { name: 'a\u0000b' }),
      400,
    );
    expect(rename.errors?.[0]?.field).toBe('/body/name');
    const token = problem(await bed.as('admin').post('/tokens', { name: 'ops\u202E', role: 'viewer' }), 400);
    expect(token.errors?.[0]?.field).toBe('/body/name');
    const ref = problem(await bed.as('viewer').get('/connections/a%00b'), 400);
    expect(ref.errors?.[0]).toEqual({
      field: '/params/connectionId',
      message: expect.stringContaining('must not contain control characters') as string,
    });
    // nothing was stored under a bad name
    const names = (await bed.hub.repos.connections.list()).map((c) => c.name);
    expect(names).toEqual(['Клиенты 🚀 — CRM']);
  });

  it('refuses a connection name with a NUL from the CLI path too (the service), on this store', async () => {
    const deps = apiDepsFor(bed.hub, bed.engine, 'test');
    await expect(
      deps.connections.create({ name: 'cli\u0000name', connectorId: 'file', settings: { directory: bed.dir } }),
    ).rejects.toMatchObject({ kind: 'config', field: 'name' });
  });

  it('answers a NUL anywhere in a request (a flow reference, a query filter) with a 400 naming it, never a 500', async () => {
    const flow = problem(
      await bed.as('engineer').post('/flows', {
        name: 'nul-flow',
        source: { connection: 'a\u0000b', stream: 'records' },
        mapping: { id: 'passthrough' },
        target: { connection: 'x', action: 'writeRecords' },
        trigger: { type: 'manual' },
        mode: 'upsert',
      }),
      400,
    );
    expect(flow.errors).toEqual([
      { field: '/body/source/connection', message: 'must not contain the NUL character (U+0000)' },
    ]);
    const filter = problem(await bed.as('viewer').get('/runs?flowId=a%00b'), 400);
    expect(filter.errors?.[0]?.field).toBe('/query/flowId');
    problem(await bed.as('viewer').get('/connections?connectorId=a%00b'), 400);
  });

  it('limits each settings string to 64 KiB, saying so and naming the field', async () => {
    const long = 'x'.repeat(64 * 1024 + 1);
    const res = await bed
      .as('engineer')
      .post('/connections', { name: 'long', connectorId: 'file', settings: { directory: bed.dir, path: long } });
    const body = problem(res, 422);
    expect(body.detail).toContain('settings.path: is longer than 65536 bytes (64 KiB)');
    expect(body.errors?.[0]?.field).toBe('/body/settings/path');
    // multi-byte characters count as the bytes they take
    const cyrillic = 'ж'.repeat(40_000);
    problem(
      await bed
        .as('engineer')
        .post('/connections', { name: 'long2', connectorId: 'file', settings: { directory: bed.dir, path: cyrillic } }),
      422,
    );
    await bed
      .as('engineer')
      .post('/connections', {
        name: 'fits',
        connectorId: 'file',
        settings: { directory: bed.dir, path: 'x'.repeat(60_000) },
      })
      .expect(201);
  });
});
