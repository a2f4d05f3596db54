import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { createLogger } from '../../../core/logging/logger';

const logger = createLogger({ level: 'silent' });

describe('health endpoints', () => {
  it('answers /healthz and /readyz when every check passes', async () => {
    const app = createApp({ logger, version: '1.2.3', readiness: [{ name: 'store', check: async () => undefined }] });
    await request(app).get('/healthz').expect(200, { status: 'ok', version: '1.2.3' });
    await request(app)
      .get('/readyz')
      .expect(200, { status: 'ready', checks: { store: 'ok' } });
  });

  it('answers 503 from /readyz when the store is unreachable, without details of the error', async () => {
    const app = createApp({
      logger,
      version: '1',
      readiness: [{ name: 'store', check: async () => Promise.reject(new Error('ECONNREFUSED 10.0.0.1')) }],
    });
    const res = await request(app).get('/readyz').expect(503);
    expect(res.body).toEqual({ status: 'not ready', checks: { store: 'unavailable' } });
  });

  it('answers unknown paths with a problem document', async () => {
    const app = createApp({ logger, version: '1', readiness: [] });
    const res = await request(app).get('/nope').expect(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.title).toBe('Not Found');
  });
});
