import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { startSandbox, SANDBOX_VERIFY_TOKEN, type MetaSandbox } from '../../../connectors/meta/sandbox';
import { leads } from '../../../connectors/meta/streams/leads';
import { parseLeadgen } from '../../../connectors/meta/webhooks';
import { createApp } from '../../../core/api/app';
import { createWebhooksRouter } from '../../../core/api/webhooks-router';
import { createLogger } from '../../../core/logging/logger';
import { signMeta, type WebhookRequest } from '../../../core/sdk';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo, WebhookEventsRepo, openStore, type Store } from '../../../core/store';
import { connection, readAll } from './helpers';

const webhook = connector.webhooks![0]!;
const APP_SECRET = 'app-secret-for-webhooks';

// A Lead Ads delivery as Meta documents it (object page, field leadgen).
const delivery = (leadgenId: string) =>
  `{"object":"page","entry":[{"id":"1010","time":1764921600,"changes":[{"field":"leadgen","value":{"ad_id":"600","form_id":"4400000000","leadgen_id":"${leadgenId}","created_time":1764921599,"page_id":"1010","adgroup_id":"600"}}]}]}`;

const requestOf = (
  body: string,
  headers: Record<string, string>,
  query: Record<string, string> = {},
): WebhookRequest => ({
  method: 'POST',
  url: '/webhooks/conn-meta',
  headers,
  query,
  rawBody: Buffer.from(body),
  receivedAt: new Date(),
});

describe('leadgen webhook: signature, handshake, parse', () => {
  const conn = connection({
    accessToken: 't',
    pixelId: '1',
    adAccountId: '2',
    appSecret: APP_SECRET,
    verifyToken: 'verify-me-please',
  });

  it('accepts X-Hub-Signature-256 over the raw bytes; refuses an altered body, another secret or no signature', async () => {
    const body = delivery('L1');
    const signed = { 'x-hub-signature-256': signMeta(APP_SECRET, body) };
    expect(await webhook.verify(requestOf(body, signed), conn)).toBe(true);
    expect(await webhook.verify(requestOf(body.replace('L1', 'L2'), signed), conn)).toBe(false);
    expect(await webhook.verify(requestOf(body, { 'x-hub-signature-256': signMeta('other', body) }), conn)).toBe(false);
    expect(await webhook.verify(requestOf(body, {}), conn)).toBe(false);
    const noSecret = connection({ accessToken: 't', pixelId: '1', adAccountId: '2' });
    expect(await webhook.verify(requestOf(body, signed), noSecret)).toBe(false);
  });

  it('answers the GET handshake with hub.challenge when hub.verify_token is the connection verifyToken', () => {
    const ask = (token: string) =>
      webhook.handshake!(
        {
          ...requestOf('', {}),
          method: 'GET',
          query: { 'hub.mode': 'subscribe', 'hub.verify_token': token, 'hub.challenge': '1158201444' },
        },
        conn,
      );
    expect(ask('verify-me-please')).toEqual({
      status: 200,
      body: '1158201444',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(ask('wrong')).toEqual({ status: 403 });
  });

  it('each leadgen change is one event whose id and record id are the lead id', () => {
    expect(parseLeadgen(Buffer.from(delivery('L7')))).toEqual([
      {
        id: 'L7',
        type: 'leadgen',
        stream: 'leads',
        occurredAt: new Date(1764921599 * 1000).toISOString(),
        record: {
          id: 'L7',
          form_id: '4400000000',
          page_id: '1010',
          ad_id: '600',
          created_time: new Date(1764921599 * 1000).toISOString(),
        },
      },
    ]);
    expect(parseLeadgen(Buffer.from('{"object":"user","entry":[]}'))).toEqual([]);
    expect(parseLeadgen(Buffer.from('not json'))).toEqual([]);
  });
});

describe('leadgen webhook through the hub ingress, against the sandbox', () => {
  let dir: string;
  let store: Store;
  let connections: ConnectionsRepo;
  let events: WebhookEventsRepo;
  let sandbox: MetaSandbox;
  let connectionId: string;
  let app: Express;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-meta-webhooks-'));
    store = await openStore({ dataDir: dir });
    connections = new ConnectionsRepo(store.db, new Vault([generateVaultKey()]));
    events = new WebhookEventsRepo(store.db);
    sandbox = await startSandbox({ leadsPerForm: 3 });
    const created = await connections.create({
      name: 'meta',
      connectorId: 'meta',
      settings: sandbox.settings,
      settingsSchema: connector.settingsSchema,
    });
    connectionId = created.id;
    const logger = createLogger({ level: 'silent' });
    const registry = { has: (id: string) => id === 'meta', get: () => connector };
    app = createApp({
      logger,
      version: 'test',
      readiness: [],
      rawBodyRoutes: [
        {
          path: '/webhooks',
          router: createWebhooksRouter({ connections, registry, events, onAccepted: async () => {}, logger }),
        },
      ],
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    clearMetaBackoff();
  });

  it('subscribing: the GET challenge is answered', async () => {
    const res = await request(app)
      .get(`/webhooks/${connectionId}`)
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': SANDBOX_VERIFY_TOKEN, 'hub.challenge': '8812' })
      .expect(200);
    expect(res.text).toBe('8812');
  });

  it('a lead delivered twice is recorded once, and the reconciliation read yields it under the same record id', async () => {
    const lead = sandbox.newLead({ email: 'new.lead@example.com', full_name: 'New Lead' });
    const { rawBody, headers } = sandbox.leadWebhook(lead);
    const post = () => request(app).post(`/webhooks/${connectionId}`).set(headers).send(rawBody.toString('utf8'));
    await post().expect(200, { accepted: 1, duplicates: 0 });
    await post().expect(200, { accepted: 0, duplicates: 1 });
    const pending = await events.pending(connectionId, 100);
    expect(pending.map((e) => e.eventId)).toEqual([lead.id]);
    const viaWebhook = pending[0]!.event.record as { id: string };

    const { records } = await readAll(leads, connection(sandbox.settings));
    const viaRead = records.filter((r) => r.id === lead.id);
    expect(viaRead).toHaveLength(1);
    expect(viaRead[0]!.id).toBe(viaWebhook.id);
    expect(viaRead[0]!.email).toBe('new.lead@example.com');
  });

  it('a delivery signed with another secret is refused and records nothing', async () => {
    const lead = sandbox.newLead({ email: 'forged@example.com' });
    const { rawBody } = sandbox.leadWebhook(lead);
    await request(app)
      .post(`/webhooks/${connectionId}`)
      .set({ 'content-type': 'application/json', 'x-hub-signature-256': signMeta('forged', rawBody) })
      .send(rawBody.toString('utf8'))
      .expect(401);
    expect((await events.pending(connectionId, 100)).map((e) => e.eventId)).not.toContain(lead.id);
  });
});
