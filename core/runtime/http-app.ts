import type { Express } from 'express';
import { API_BASE, apiDepsFor, createApi } from '../api';
import { createApp } from '../api/app';
import { createWebhooksRouter } from '../api/webhooks-router';
import { createWebhookTrigger } from '../flows';
import { HUB_VERSION } from '../version';
import { RecordBatcher } from '../webhooks';
import type { Engine } from './engine';
import type { Hub } from './hub';

/**
 * The whole HTTP surface of `hub serve` on an opened hub and engine: health, metrics, the REST API under
 * /api/v1, and webhook ingress under /webhooks (raw bodies, mounted before the JSON parser; accepted events
 * queue the connection's webhook-triggered flows).
 */
export function buildHttpApp(hub: Hub, engine: Engine): Express {
  const api = createApi(apiDepsFor(hub, engine, HUB_VERSION));
  const trigger = createWebhookTrigger({
    flows: hub.repos.flows,
    events: hub.repos.webhookEvents,
    runner: engine.runner,
    logger: hub.logger,
  });
  const webhooks = createWebhooksRouter({
    connections: hub.repos.connections,
    registry: hub.registry,
    events: new RecordBatcher(hub.repos.webhookEvents),
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
    rawBodyRoutes: [{ path: '/webhooks', router: webhooks }],
    routes: [{ path: API_BASE, router: api.router }],
  });
}
