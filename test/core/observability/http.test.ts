import { Writable } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { createLogger } from '../../../core/logging/logger';
import { createHubMetrics, METRIC_NAMES, routePattern, UNMATCHED_ROUTE } from '../../../core/observability';
import { labelSets, sampleValue } from './prom';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const entries = () =>
    lines
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, entries, logger: createLogger({ level: 'debug', destination }) };
}

function hub() {
  const log = capture();
  const metrics = createHubMetrics({ defaultMetrics: false });
  const api = express.Router();
  api.get('/flows/:flowId', (req, res) => {
    res.json({ id: req.params.flowId });
  });
  api.post('/flows/:flowId/runs', (_req, res) => {
    res.status(202).json({ queued: true });
  });
  api.get('/boom/:id', () => {
    throw new Error('kaboom');
  });
  const hooks = express.Router();
  hooks.post(['/:connectionId', '/:connectionId/:webhook'], (_req, res) => {
    res.status(204).end();
  });
  const app = createApp({
    logger: log.logger,
    version: 'test',
    readiness: [],
    metrics,
    rawBodyRoutes: [
      { path: '/webhooks', router: hooks },
      { path: '/api/v1', router: api },
    ],
  });
  return { app, metrics, log };
}

describe('HTTP request metrics and access log', () => {
  it('labels durations by method, route pattern and status, never by URL', async () => {
    const { app, metrics } = hub();
    await request(app).get('/api/v1/flows/flw_123?token=abc').expect(200);
    await request(app).get('/api/v1/flows/flw_456').expect(200);
    await request(app).post('/api/v1/flows/flw_123/runs').send({}).expect(202);
    await request(app).get('/api/v1/boom/x1').expect(500);
    await request(app).post('/webhooks/con_9/hook_secret_path').send('x').expect(204);
    await request(app).get('/wp-admin/flw_999').expect(404);
    await request(app).get('/healthz').expect(200);

    const text = (await metrics.render()).body;
    const count = (method: string, route: string, status: string) =>
      sampleValue(text, `${METRIC_NAMES.httpDuration}_count`, { method, route, status });
    expect(count('GET', '/api/v1/flows/:flowId', '200')).toBe(2);
    expect(count('POST', '/api/v1/flows/:flowId/runs', '202')).toBe(1);
    expect(count('GET', '/api/v1/boom/:id', '500')).toBe(1);
    expect(count('POST', '/webhooks/:connectionId|/webhooks/:connectionId/:webhook', '204')).toBe(1);
    expect(count('GET', UNMATCHED_ROUTE, '404')).toBe(1);
    expect(count('GET', '/healthz', '200')).toBe(1);
    const series = labelSets(text, `${METRIC_NAMES.httpDuration}_count`).join('\n');
    for (const raw of ['flw_', 'con_9', 'hook_secret_path', 'token', 'x1', 'wp-admin'])
      expect(series).not.toContain(raw);
  });

  it('writes one access-log line per request: method, route pattern, status, duration; no URL, query or body', async () => {
    const { app, log } = hub();
    await request(app)
      .post('/api/v1/flows/flw_123/runs?api_key=qs-secret')
      .send({ email: 'body@example.com' })
      .expect(202);
    await request(app).get('/readyz').expect(200);

    const access = log.entries().filter((e) => e.module === 'http');
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({
      level: 30,
      msg: 'request',
      method: 'POST',
      route: '/api/v1/flows/:flowId/runs',
      status: 202,
    });
    expect(typeof access[0].durationMs).toBe('number');
    // probes are logged at debug
    expect(access[1]).toMatchObject({ level: 20, route: '/readyz', status: 200 });
    const out = log.lines.join('');
    for (const raw of ['flw_123', 'qs-secret', 'api_key', 'body@example.com']) expect(out).not.toContain(raw);
  });

  it('serves no /metrics without metrics', async () => {
    const log = capture();
    const app = createApp({ logger: log.logger, version: 'test', readiness: [] });
    await request(app).get('/metrics').expect(404);
  });

  it('names routes with several paths and trailing slashes consistently', () => {
    expect(routePattern('/api/v1', '/flows/')).toBe('/api/v1/flows');
    expect(routePattern('', '/')).toBe('/');
    expect(routePattern('/w', ['/:a', '/:a/:b'])).toBe('/w/:a|/w/:a/:b');
    expect(routePattern('/x', /^\/re/)).toBe('/x/(pattern)');
  });
});
