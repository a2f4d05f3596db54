import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../core/api/app';
import { webConsole } from '../../core/api/console';
import { createLogger } from '../../core/logging/logger';

/** How the hub serves the web console at `/`: the built app when there is one, the pointer page otherwise. */
describe('webConsole', () => {
  let dir: string;
  const pointer = webConsole(
    (req, res, next) => {
      if (req.path !== '/') return next();
      res.type('html').send('<a href="/api/v1/reference">API reference</a>');
    },
    path.join(os.tmpdir(), 'no-such-console-build'),
  );

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-console-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><div id="app"></div>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const appWith = (handler: ReturnType<typeof webConsole>) =>
    createApp({
      logger: createLogger({ level: 'silent' }),
      version: 'test',
      readiness: [],
      routes: [
        {
          path: '/',
          router: webConsole((req, res, next) => {
            if (req.path !== '/') return next();
            if (req.accepts(['html', 'json']) === 'json') return void res.json({ name: 'Connector Hub' });
            res.type('html').send('pointer page');
          }, dir),
        },
        { path: '/pointer', router: handler },
      ],
    });

  it('serves the built console at / and at every page a browser navigates to', async () => {
    const app = appWith(pointer);
    const home = await request(app).get('/').set('accept', 'text/html').expect(200);
    expect(home.text).toContain('<div id="app">');
    expect(home.headers['cache-control']).toBe('no-cache');
    const page = await request(app).get('/flows/people').set('accept', 'text/html,application/xhtml+xml').expect(200);
    expect(page.text).toContain('<div id="app">');
    const asset = await request(app).get('/assets/index-abc.js').expect(200);
    expect(asset.headers['cache-control']).toContain('immutable');
  });

  it('leaves programs, missing files and the hub paths to the 404 problem', async () => {
    const app = appWith(pointer);
    const json = await request(app).get('/').set('accept', 'application/json').expect(200);
    expect(json.body).toEqual({ name: 'Connector Hub' });
    for (const url of ['/flows/people', '/assets/missing.js', '/favicon.ico']) {
      const res = await request(app).get(url).set('accept', '*/*').expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    // a browser asking for an unknown API path or webhook gets the problem, never the console
    for (const url of ['/api/v1/nothing', '/webhooks/x', '/metrics']) {
      const res = await request(app).get(url).set('accept', 'text/html').expect(404);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await request(app).post('/').set('accept', 'text/html').expect(404);
  });

  it('keeps the pointer page when the console is not built', async () => {
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      version: 'test',
      readiness: [],
      routes: [{ path: '/', router: pointer }],
    });
    const home = await request(app).get('/').set('accept', 'text/html').expect(200);
    expect(home.text).toContain('API reference');
    await request(app).get('/flows').set('accept', 'text/html').expect(404);
  });
});
