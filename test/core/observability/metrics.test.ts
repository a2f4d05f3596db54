import request from 'supertest';
import { createApp } from '../../../core/api/app';
import { createLogger } from '../../../core/logging/logger';
import { createHubMetrics, METRIC_NAMES, type HubMetrics } from '../../../core/observability';
import { RUN_QUEUE } from '../../../core/runner';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from '../runner/harness';
import { labelSets, sampleValue } from './prom';

const logger = createLogger({ level: 'silent' });

async function scrape(metrics: HubMetrics): Promise<string> {
  const app = createApp({ logger, version: 'test', readiness: [], metrics });
  const res = await request(app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toContain('text/plain');
  return res.text;
}

describe('runner metrics at /metrics', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('counts records read, written, failed and dead-lettered, requests, 429s, queue depth and job latency', async () => {
    const metrics = createHubMetrics();
    h = await createHarness({ deps: { metrics: metrics.runner } });
    metrics.watchQueue(h.queue);
    const a = await h.connector('a');
    const b = await h.connector('b');
    seed(a, 4);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b' });
    // one permanent failure, and the first write call answers 429
    b.faults.reject = (record) => (record.email === 'person3@example.com' ? { reason: 'blocked' } : undefined);
    b.faults.rateLimitWrites = 1;
    b.faults.rateLimitMs = 20;

    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ read: 4, created: 3, failed: 1, deadLettered: 1 });

    const text = await scrape(metrics);
    for (const name of Object.values(METRIC_NAMES)) expect(text).toContain(`# TYPE ${name} `);
    const flow = { flow: 'a-to-b' };
    expect(sampleValue(text, METRIC_NAMES.recordsRead, flow)).toBe(4);
    expect(sampleValue(text, METRIC_NAMES.recordsWritten, { ...flow, operation: 'created' })).toBe(3);
    expect(sampleValue(text, METRIC_NAMES.recordsWritten, { ...flow, operation: 'updated' })).toBeUndefined();
    expect(sampleValue(text, METRIC_NAMES.recordsFailed, flow)).toBe(1);
    expect(sampleValue(text, METRIC_NAMES.recordsDeadLettered, flow)).toBe(1);

    // every call the vendor saw went through the budget and was counted, the refused one included
    const writes = b.calls.filter((call) => call.kind === 'write');
    expect(writes.map((call) => call.answer)).toContain('RateLimitedError');
    expect(sampleValue(text, METRIC_NAMES.connectorRequests, { connection: 'b', kind: 'write' })).toBe(writes.length);
    expect(sampleValue(text, METRIC_NAMES.connectorRequests, { connection: 'a', kind: 'read' })).toBeGreaterThanOrEqual(
      a.calls.filter((call) => call.kind === 'read').length,
    );
    expect(sampleValue(text, METRIC_NAMES.rateLimited, { connection: 'b' })).toBe(1);
    expect(sampleValue(text, METRIC_NAMES.rateLimited, { connection: 'a' })).toBeUndefined();

    expect(sampleValue(text, `${METRIC_NAMES.jobLatency}_count`, { queue: RUN_QUEUE })).toBe(1);
    expect(labelSets(text, METRIC_NAMES.queueJobs).sort()).toEqual(
      ['active', 'delayed', 'failed', 'waiting'].map((state) => `queue="${RUN_QUEUE}",state="${state}"`),
    );
    expect(sampleValue(text, METRIC_NAMES.queueJobs, { queue: RUN_QUEUE, state: 'waiting' })).toBe(0);
    // prom-client's default process metrics
    expect(text).toContain('process_cpu_user_seconds_total');
    // label values are names, never record contents
    expect(text).not.toContain('@example.com');
  });

  it('counts nothing and still runs without metrics (the runner default)', async () => {
    h = await createHarness();
    const a = await h.connector('a');
    await h.connector('b');
    seed(a, 2);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'a-to-b' });
    const run = await h.run('a-to-b');
    expect(run.counts).toMatchObject({ read: 2, created: 2 });
  });
});

describe('queue depth collector', () => {
  it('reads the depth on every scrape and survives a queue that cannot answer', async () => {
    let depth = { waiting: 2, active: 1, delayed: 0, failed: 3 };
    let fail = false;
    const errors: string[] = [];
    const metrics = createHubMetrics({
      defaultMetrics: false,
      queue: {
        depth: async () => {
          if (fail) throw new Error('redis is down');
          return depth;
        },
      },
      onCollectError: (queue, error) => errors.push(`${queue}: ${(error as Error).message}`),
    });
    let text = await scrape(metrics);
    expect(sampleValue(text, METRIC_NAMES.queueJobs, { queue: RUN_QUEUE, state: 'waiting' })).toBe(2);
    expect(sampleValue(text, METRIC_NAMES.queueJobs, { queue: RUN_QUEUE, state: 'failed' })).toBe(3);
    expect(text).not.toContain('process_cpu_user_seconds_total');

    depth = { waiting: 0, active: 0, delayed: 5, failed: 0 };
    text = await scrape(metrics);
    expect(sampleValue(text, METRIC_NAMES.queueJobs, { queue: RUN_QUEUE, state: 'delayed' })).toBe(5);

    fail = true;
    text = await scrape(metrics);
    expect(labelSets(text, METRIC_NAMES.queueJobs)).toEqual([]);
    expect(errors).toEqual([`${RUN_QUEUE}: redis is down`]);
  });

  it('keeps the metrics of two hubs in one process apart', async () => {
    const one = createHubMetrics({ defaultMetrics: false });
    const two = createHubMetrics({ defaultMetrics: false });
    one.runner.recordsRead('f', 2);
    expect(sampleValue(await scrape(one), METRIC_NAMES.recordsRead, { flow: 'f' })).toBe(2);
    expect(sampleValue(await scrape(two), METRIC_NAMES.recordsRead, { flow: 'f' })).toBeUndefined();
  });
});
