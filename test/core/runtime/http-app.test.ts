import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging/logger';
import type { Registry } from '../../../core/registry';
import { openEngine, type Engine } from '../../../core/runtime/engine';
import { buildHttpApp } from '../../../core/runtime/http-app';
import { openHub, type Hub } from '../../../core/runtime/hub';
import { defineStream, type ConnectorDefinition } from '../../../core/sdk';
import { signTestWebhook, webhookTestConnector } from '../../fixtures/connectors/webhook-test';

const ROOT = path.resolve(__dirname, '../../..');
const CONTACTS = [
  { id: 'c1', email: 'a@example.com' },
  { id: 'c2', email: 'b@example.com' },
];

/** A source that announces changes by signed webhook and serves them from its stream. */
const hookedSource: ConnectorDefinition = {
  ...webhookTestConnector,
  id: 'hooked',
  policy: { ...webhookTestConnector.policy },
  streams: [
    defineStream<Record<string, unknown>, Record<string, unknown>>({
      name: 'contacts',
      recordSchema: { type: 'object' },
      identity: ['id'],
      async *read() {
        yield { records: CONTACTS, checkpoint: null };
      },
    }),
  ],
} as ConnectorDefinition;

function withHooked(real: Registry): Registry {
  return {
    ...real,
    has: (id) => id === 'hooked' || real.has(id),
    get: (id) => (id === 'hooked' ? hookedSource : real.get(id)),
  };
}

describe('hub serve HTTP surface', () => {
  let dir: string;
  let hub: Hub;
  let engine: Engine;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-http-'));
    const config = loadConfig({
      HUB_DATA_DIR: dir,
      HUB_MAPPINGS_DIR: path.join(ROOT, 'test', 'fixtures', 'flows', 'mappings'),
      HUB_LOG_LEVEL: 'silent',
    });
    const opened = await openHub(config, { logger: createLogger({ level: 'silent' }) });
    hub = { ...opened, registry: withHooked(opened.registry) };
    engine = await openEngine(hub, { scheduler: false });
    await engine.runner.startWorker();
  });

  afterEach(async () => {
    await engine.close();
    await hub.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('turns a signed webhook into a run of the webhook-triggered flow; a bad signature starts nothing', async () => {
    const source = await hub.repos.connections.create({
      name: 'crm',
      connectorId: 'hooked',
      settings: { secret: 'shh-webhook-secret', verifyToken: 'v' },
      settingsSchema: hookedSource.settingsSchema,
    });
    await hub.repos.connections.create({
      name: 'out',
      connectorId: 'file',
      settings: { directory: dir, output: 'out.ndjson' },
    });
    const flow = await engine.flows.create({
      name: 'crm-to-file',
      source: { connection: 'crm', stream: 'contacts' },
      mapping: { id: 'passthrough' },
      target: { connection: 'out', action: 'writeRecords' },
      trigger: { type: 'webhook' },
      mode: 'upsert',
    });
    await engine.flows.enable(flow.id);
    const app = buildHttpApp(hub, engine);

    const body = JSON.stringify({ events: [{ id: 'evt-1', type: 'contact.updated' }] });
    const forged = signTestWebhook('wrong-secret', body, Date.now());
    await request(app)
      .post(`/webhooks/${source.id}`)
      .set(forged)
      .set('content-type', 'application/json')
      .send(body)
      .expect(401);
    expect(await hub.repos.runs.list({ flowId: flow.id })).toEqual([]);

    const signed = signTestWebhook('shh-webhook-secret', body, Date.now());
    const accepted = await request(app)
      .post(`/webhooks/${source.id}`)
      .set(signed)
      .set('content-type', 'application/json')
      .send(body);
    expect(accepted.status).toBe(200);

    let runs = await hub.repos.runs.list({ flowId: flow.id });
    for (let i = 0; i < 200 && !(runs[0] && ['succeeded', 'partial', 'failed'].includes(runs[0].status)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      runs = await hub.repos.runs.list({ flowId: flow.id });
    }
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
    const written = fs
      .readFileSync(path.join(dir, 'out.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    expect(written).toEqual(CONTACTS);
  });

  it('serves health, metrics and the API behind tokens', async () => {
    const app = buildHttpApp(hub, engine);
    await request(app).get('/readyz').expect(200);
    const metrics = await request(app).get('/metrics').expect(200);
    expect(metrics.text).toContain('hub_queue_jobs');
    await request(app).get('/api/v1/flows').expect(401);
    expect(await request(app).get('/api/v1/openapi.json').expect(200)).toBeTruthy();
  });
});
