import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { API_BASE, apiDepsFor, createApi, type ApiDeps } from '../../../core/api';
import { createLogger } from '../../../core/logging/logger';
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
