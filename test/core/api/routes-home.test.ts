import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging/logger';
import { openEngine, type Engine } from '../../../core/runtime/engine';
import { buildHttpApp } from '../../../core/runtime/http-app';
import { openHub, type Hub } from '../../../core/runtime/hub';

/** `GET /` of `hub serve`: a pointer to the API reference instead of a bare 404. */
describe('GET /', () => {
  let dir: string;
  let hub: Hub;
  let engine: Engine;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-home-'));
    hub = await openHub(loadConfig({ HUB_DATA_DIR: dir, HUB_LOG_LEVEL: 'silent' }), {
      logger: createLogger({ level: 'silent' }),
    });
    engine = await openEngine(hub, { scheduler: false });
  });
  afterAll(async () => {
    await engine.close();
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a browser with a page linking the API reference', async () => {
    const res = await request(buildHttpApp(hub, engine)).get('/').set('accept', 'text/html').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.text).toContain('<a href="/api/v1/reference">API reference</a>');
    expect(res.text).toContain('/api/v1/openapi.json');
    // the page it points to is there
    await request(buildHttpApp(hub, engine)).get('/api/v1/reference').expect(200);
  });

  it('answers a program with JSON links', async () => {
    const res = await request(buildHttpApp(hub, engine)).get('/').set('accept', 'application/json').expect(200);
    expect(res.body).toMatchObject({
      name: 'Connector Hub',
      api: '/api/v1',
      links: { reference: '/api/v1/reference', openapi: '/api/v1/openapi.json' },
    });
  });

  it('leaves other paths and methods to the 404 problem', async () => {
    const app = buildHttpApp(hub, engine);
    const missing = await request(app).get('/nothing-here').expect(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
    await request(app).post('/').send({}).expect(404);
  });
});
