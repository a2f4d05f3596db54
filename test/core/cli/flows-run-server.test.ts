import request from 'supertest';
import { loadConfig } from '../../../core/config';
import { createLogger } from '../../../core/logging/logger';
import { openEngine, type Engine } from '../../../core/runtime/engine';
import { buildHttpApp } from '../../../core/runtime/http-app';
import { openHub, type Hub } from '../../../core/runtime/hub';
import {
  PRESENCE_PREFIX,
  STALE_MS,
  announceQueueWorker,
  liveQueueWorkers,
  queueIdentity,
  type PresenceHandle,
} from '../../../core/runtime/presence';
import { createTestRedis, redisUrl, type TestRedis } from '../../helpers/redis';
import { CliBed } from './helpers';

const CSV = ['Email,Full name', 'ann@example.com,Ann Lee', 'bob@example.com,Bob Stone', ''].join('\n');

/**
 * `hub flows run` with a hub server on the same store: the server here is what `hub serve` opens (a hub, an engine
 * with its worker, its heartbeat, its HTTP app), in this process; the CLI is called as users call it.
 */
describe('hub flows run through the server', () => {
  let bed: CliBed;
  let server: { hub: Hub; engine: Engine; presence: PresenceHandle } | undefined;

  beforeEach(async () => {
    bed = new CliBed();
    bed.setEnv({ HUB_FILES_ROOT: bed.dir });
    await bed.fileConnection('contacts', { path: 'contacts.csv' });
    await bed.fileConnection('cleaned', { output: 'clean.ndjson' });
    bed.write('files/contacts.csv', CSV);
    await bed.enableCleanContactList();
  });
  afterEach(async () => {
    if (server !== undefined) {
      await server.presence.stop();
      await server.engine.close();
      await server.hub.close();
      server = undefined;
    }
    bed.cleanup();
  });

  async function startServer(): Promise<NonNullable<typeof server>> {
    const hub = await openHub(loadConfig(), { logger: createLogger({ level: 'silent' }) });
    const engine = await openEngine(hub, { scheduler: false });
    await engine.runner.startWorker();
    const presence = await announceQueueWorker(hub, 'serve');
    server = { hub, engine, presence };
    return server;
  }

  it("queues the run for the server's worker and follows it; the server's /metrics count it", async () => {
    const { hub, engine } = await startServer();
    const result = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/queued run run_\S+ for the hub server \(pid \d+ on .+\); following it/);
    expect(result.stdout).toMatch(/run run_\S+ succeeded in [\d.]+s: read 2, unchanged 0, created 2/);
    const metrics = await request(buildHttpApp(hub, engine)).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/hub_records_read_total\{[^}]*flow="clean-contact-list"[^}]*\} 2/);
  });

  it('--local runs in this process although a server is up', async () => {
    // a server that never takes a job: only an in-process run can finish
    const hub = await openHub(loadConfig(), { logger: createLogger({ level: 'silent' }) });
    const presence = await announceQueueWorker(hub, 'serve');
    try {
      const result = await bed.hub('flows', 'run', 'clean-contact-list', '--local', '--json');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ status: 'succeeded', counts: { read: 2, created: 2 } });
      const plain = await bed.hub('flows', 'run', 'clean-contact-list', '--local');
      expect(plain.stdout).not.toContain('queued run');
    } finally {
      await presence.stop();
      await hub.close();
    }
  });

  it('takes the run over when the server stops before working it', async () => {
    // a server that is up when the run is queued, but stops without taking it
    const hub = await openHub(loadConfig(), { logger: createLogger({ level: 'silent' }) });
    const presence = await announceQueueWorker(hub, 'serve');
    try {
      const running = bed.hub('flows', 'run', 'clean-contact-list');
      const flow = await hub.repos.flows.require('clean-contact-list');
      while ((await hub.repos.runs.active(flow.id)).length === 0) await new Promise((r) => setTimeout(r, 50));
      await presence.stop();
      const result = await running;
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/queued run run_\S+ for the hub server/);
      expect(result.stdout).toContain('the hub server stopped (run queued): this process takes the run over');
      expect(result.stdout).toMatch(/succeeded in [\d.]+s: read 2, unchanged 0, created 2/);
    } finally {
      await presence.stop();
      await hub.close();
    }
  });

  it('runs in-process when the only heartbeat is stale (a killed server), and tidies long-dead rows', async () => {
    await bed.withHub(async (hub) => {
      const stale = Date.now() - 2 * STALE_MS;
      const old = Date.now() - 200 * STALE_MS;
      const row = (beatAt: number) =>
        JSON.stringify({
          id: 'x',
          role: 'serve',
          pid: 1,
          host: 'h',
          queue: queueIdentity(hub.config),
          startedAt: 0,
          beatAt,
        });
      await hub.repos.meta.set(`${PRESENCE_PREFIX}stale`, row(stale));
      await hub.repos.meta.set(`${PRESENCE_PREFIX}dead`, row(old));
      expect(await liveQueueWorkers(hub)).toEqual([]);
      expect((await hub.repos.meta.list(PRESENCE_PREFIX)).map((r) => r.key)).toEqual([`${PRESENCE_PREFIX}stale`]);
    });
    const result = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('queued run');
    expect(result.stdout).toMatch(/succeeded in [\d.]+s: read 2/);
  });

  it('a server on another queue (BullMQ) is not one to queue for', async () => {
    await bed.withHub(async (hub) => {
      await hub.repos.meta.set(
        `${PRESENCE_PREFIX}other`,
        JSON.stringify({
          id: 'o',
          role: 'serve',
          pid: 1,
          host: 'h',
          queue: 'bullmq 127.0.0.1:6379/0 hub',
          startedAt: 0,
          beatAt: Date.now(),
        }),
      );
      expect(await liveQueueWorkers(hub)).toEqual([]);
    });
    const result = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('queued run');
  });

  it('a graceful stop removes the heartbeat at once', async () => {
    await bed.withHub(async (hub) => {
      const presence = await announceQueueWorker(hub, 'worker');
      expect((await liveQueueWorkers(hub)).map((p) => p.role)).toEqual(['worker']);
      await presence.stop();
      expect(await liveQueueWorkers(hub)).toEqual([]);
    });
  });
});

/** The same with BullMQ: the run goes to Redis, the server's worker takes it, the CLI follows it in the store. */
if (redisUrl)
  describe('hub flows run through the server (BullMQ)', () => {
    let bed: CliBed;
    let redis: TestRedis;
    beforeEach(async () => {
      redis = await createTestRedis();
      bed = new CliBed({ HUB_REDIS_URL: redis.url, HUB_QUEUE_PREFIX: redis.prefix });
      bed.setEnv({ HUB_FILES_ROOT: bed.dir });
      await bed.fileConnection('contacts', { path: 'contacts.csv' });
      await bed.fileConnection('cleaned', { output: 'clean.ndjson' });
      bed.write('files/contacts.csv', CSV);
      await bed.enableCleanContactList();
    });
    afterEach(async () => {
      bed.cleanup();
      await redis.cleanup();
    });

    it("queues to Redis for the server's worker, which runs it", async () => {
      const hub = await openHub(loadConfig(), { logger: createLogger({ level: 'silent' }) });
      const engine = await openEngine(hub, { scheduler: false });
      try {
        expect(engine.queue.driver).toBe('bullmq');
        await engine.runner.startWorker();
        const presence = await announceQueueWorker(hub, 'serve');
        try {
          const result = await bed.hub('flows', 'run', 'clean-contact-list');
          expect(result.code).toBe(0);
          expect(result.stdout).toMatch(/queued run run_\S+ for the hub server/);
          expect(result.stdout).toMatch(/succeeded in [\d.]+s: read 2, unchanged 0, created 2/);
          const metrics = await engine.metrics.render();
          expect(metrics.body).toMatch(/hub_records_read_total\{[^}]*flow="clean-contact-list"[^}]*\} 2/);
        } finally {
          await presence.stop();
        }
      } finally {
        await engine.close();
        await hub.close();
      }
    });
  });
