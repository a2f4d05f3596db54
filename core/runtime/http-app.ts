import type { Express, NextFunction, Request, Response } from 'express';
import { API_BASE, apiDepsFor, createApi } from '../api';
import { createApp } from '../api/app';
import { webConsole } from '../api/console';
import { createWebhooksRouter, WEBHOOK_ROUTES } from '../api/webhooks-router';
import { createWebhookTrigger } from '../flows';
import { HUB_VERSION } from '../version';
import { RecordBatcher, webhookEventRecorder } from '../webhooks';
import type { Engine } from './engine';
import type { Hub } from './hub';

/**
 * `GET /`: where to go from here: a small page (or JSON, when asked for) pointing to the API reference. A web console
 * may replace it later; it is this one handler.
 */
export function homeHandler(version: string) {
  const links = {
    reference: `${API_BASE}/reference`,
    openapi: `${API_BASE}/openapi.json`,
    health: '/healthz',
    readiness: '/readyz',
    metrics: '/metrics',
  };
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path !== '/') return next();
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ name: 'Connector Hub', version, api: API_BASE, links });
      return;
    }
    const items = Object.entries(links)
      .map(([name, href]) => `<li><a href="${href}">${href}</a> — ${name}</li>`)
      .join('');
    res
      .type('html')
      .send(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Connector Hub</title></head><body><h1>Connector Hub ${version}</h1><p>The HTTP API is under <code>${API_BASE}</code>; read the <a href="${links.reference}">API reference</a>. Send an API token as <code>Authorization: Bearer &lt;token&gt;</code>.</p><ul>${items}</ul></body></html>`,
      );
  };
}

/**
 * The whole HTTP surface of `hub serve` on an opened hub and engine: health, metrics, the REST API under
 * /api/v1, and webhook ingress under /webhooks (raw bodies, mounted first, before helmet and the JSON parser; accepted events
 * queue the connection's webhook-triggered flows).
 */
export function buildHttpApp(hub: Hub, engine: Engine): Express {
  const api = createApi(apiDepsFor(hub, engine, HUB_VERSION));
  const events = hub.repos.webhookEvents;
  // on a SQLite file: the writer thread records the events and marks them processed (no commit on this thread)
  const recorder = webhookEventRecorder(hub.store, events);
  const trigger = createWebhookTrigger({
    flows: hub.repos.flows,
    events: {
      pendingIds: (id, limit) => events.pendingIds(id, limit),
      markProcessed: (ids) => recorder.markProcessed(ids),
    },
    runner: engine.runner,
    logger: hub.logger,
  });
  const webhooks = createWebhooksRouter({
    connections: hub.repos.connections,
    registry: hub.registry,
    events: new RecordBatcher(recorder),
    rejections: hub.repos.webhookEvents,
    onAccepted: (connectionId, eventIds) => trigger.onAccepted(connectionId, eventIds),
    logger: hub.logger,
    publicBaseUrl: hub.config.publicUrl,
  });
  return createApp({
    logger: hub.logger,
    version: HUB_VERSION,
    metrics: engine.metrics,
    corsOrigins: hub.config.corsOrigins,
    readiness: [
      { name: 'store', check: () => hub.store.ping() },
      { name: 'queue', check: () => engine.queue.ping() },
    ],
    ingressRoutes: [{ path: '/webhooks', router: webhooks, routes: WEBHOOK_ROUTES }],
    routes: [
      { path: API_BASE, router: api.router },
      { path: '/', router: webConsole(homeHandler(HUB_VERSION)) },
    ],
  });
}
