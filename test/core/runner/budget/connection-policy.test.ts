import { createEmbeddedQueue } from '../../../../core/queue';
import type { JobQueue } from '../../../../core/queue/port';
import { createFlowRunner, createMappingResolver, defaultSleep } from '../../../../core/runner';
import { createMemoryBudget, createRedisBudget } from '../../../../core/runner/budget';
import type { ConnectionBudget } from '../../../../core/runner/budget-port';
import type { FlowRunner } from '../../../../core/runner/runner-port';
import type { ConnectorDefinition, Page } from '../../../../core/sdk';
import { createTestRedis, redisUrl } from '../../../helpers/redis';
import { CONTACT_MAPPING, createHarness, maxInWindow, silentLogger, type Harness } from '../harness';

/**
 * A connection's budget comes from its settings (`policyFor`), and it is one budget for every runner that works
 * on the connection: two runners on one store, each with its own budget client (memory: the embedded mode's one
 * budget; Redis: two clients on one prefix), read the same source connection at once and together never exceed
 * what its settings allow, which is far below the connector's static policy.
 */

const WINDOW_MS = 400;
const PAGES = 8;

interface Read {
  runner: 'one' | 'two';
  at: number;
}

/** A source whose budget is set per connection (`perWindow`), logging which runner read each page and when. */
function policySource(runner: Read['runner'], reads: Read[], policyFor?: ConnectorDefinition['policyFor']) {
  const definition: ConnectorDefinition = {
    id: 'per-account',
    displayName: 'Per-account limits',
    version: '1.0.0',
    category: 'crm',
    settingsSchema: {
      type: 'object',
      properties: { token: { type: 'string', 'x-secret': true }, perWindow: { type: 'integer', minimum: 1 } },
    },
    // the static policy would let everything through at once
    policy: {
      rateBudget: { requests: 1000, intervalMs: 1000 },
      concurrency: 10,
      maxBatchSize: {},
      retryStatuses: [],
      retryAfter: [],
    },
    policyFor:
      policyFor ??
      ((settings) => ({ rateBudget: { requests: Number(settings.perWindow), intervalMs: WINDOW_MS }, concurrency: 1 })),
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [
      {
        name: 'contacts',
        recordSchema: { type: 'object' },
        identity: ['id'],
        modifiedField: 'updatedAt',
        async *read() {
          for (let page = 1; page <= PAGES; page += 1) {
            reads.push({ runner, at: Date.now() });
            const id = `p${page}`;
            yield {
              records: [{ id, email: `${id}@example.com`, name: id, updatedAt: page }],
              checkpoint: { page },
            } satisfies Page;
          }
        },
      },
    ],
    actions: [],
  };
  return definition;
}

interface Target {
  name: string;
  budgets(): Promise<{ one: ConnectionBudget; two: ConnectionBudget; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'memory',
    async budgets() {
      const budget = createMemoryBudget();
      return { one: budget, two: budget, cleanup: () => budget.close() };
    },
  },
];
if (redisUrl) {
  targets.push({
    name: 'redis',
    async budgets() {
      const r = await createTestRedis();
      const one = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, slotPollMs: 10 });
      const two = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, slotPollMs: 10 });
      return {
        one,
        two,
        cleanup: async () => {
          await Promise.all([one.close(), two.close()]);
          await r.cleanup();
        },
      };
    },
  });
}

describe.each(targets)('a connection budget from its settings ($name)', (target) => {
  let h: Harness;
  let second: { runner: FlowRunner; queue: JobQueue } | undefined;
  let cleanup: () => Promise<void>;

  afterEach(async () => {
    if (second) {
      await second.runner.close();
      await second.queue.close({ timeoutMs: 5000 });
      second = undefined;
    }
    await h.close();
    await cleanup();
  });

  /** A second runner (another worker) on the harness's store, with its own budget client and definitions. */
  async function secondRunner(budget: ConnectionBudget, definitions: ConnectorDefinition[]) {
    const queue = createEmbeddedQueue({ store: h.store, pollMs: 20 });
    const runner = createFlowRunner({
      store: h.store,
      repos: h.repos,
      connectors: {
        get: (id) => {
          const found = definitions.find((d) => d.id === id);
          if (!found) throw new Error(`unknown connector ${id}`);
          return found;
        },
      },
      mappings: createMappingResolver({ repo: h.repos.mappings }),
      queue,
      budget,
      logger: silentLogger,
      sleep: (ms, signal) => defaultSleep(ms / 50, signal),
    });
    await runner.startWorker({ concurrency: 1 });
    second = { runner, queue };
  }

  it('is what policyFor computes from the settings, shared by two runners reading one connection', async () => {
    const budgets = await target.budgets();
    cleanup = budgets.cleanup;
    h = await createHarness({ workerConcurrency: 1, deps: { budget: budgets.one } });
    const reads: Read[] = [];
    await h.register('src', policySource('one', reads), { token: 't', perWindow: 3 });
    const sink = await h.connector('b');
    await secondRunner(budgets.two, [policySource('two', reads), sink.definition]);
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'first', source: { connection: 'src', stream: 'contacts' } });
    await h.flow({ name: 'second', source: { connection: 'src', stream: 'contacts' } });

    // both runs at once: each runner's single worker takes one of them
    const [a, b] = await Promise.all([h.runner.startRun('first', 'manual'), h.runner.startRun('second', 'manual')]);
    const runs = await Promise.all([h.waitForRun(a.runId), h.waitForRun(b.runId)]);

    expect(runs.map((run) => run.status)).toEqual(['succeeded', 'succeeded']);
    expect(new Set(reads.map((read) => read.runner))).toEqual(new Set(['one', 'two']));
    // every page read holds a slot of the connection's budget: 3 per 400 ms from its settings, across both runners
    // (the static policy's 1000 per second would have let all of them through in one window)
    expect(reads.length).toBeGreaterThanOrEqual(2 * PAGES);
    expect(
      maxInWindow(
        reads.map((read) => read.at),
        WINDOW_MS,
      ),
    ).toBeLessThanOrEqual(3);
  });

  it('stops the run, naming policyFor, when it returns a policy the schema refuses', async () => {
    const budgets = await target.budgets();
    cleanup = budgets.cleanup;
    h = await createHarness({ deps: { budget: budgets.one } });
    const reads: Read[] = [];
    const broken = policySource('one', reads, () => ({ rateBudget: { requests: 0, intervalMs: 1000 } }));
    await h.register('src', broken, { token: 't', perWindow: 3 });
    await h.connector('b');
    await h.mapping('contact', CONTACT_MAPPING);
    await h.flow({ name: 'broken', source: { connection: 'src', stream: 'contacts' } });

    const run = await h.run('broken');
    expect(run.status).toBe('failed');
    expect(JSON.stringify(run)).toMatch(/policyFor returned an invalid policy.*rateBudget\/requests/);
    expect(reads).toEqual([]);
  });
});
