import { HubSpotClient } from '../../../../connectors/hubspot/client';
import { startSandbox, type HubSpotSandbox } from '../../../../connectors/hubspot/sandbox';
import { createMemoryBudget, createRedisBudget } from '../../../../core/runner/budget';
import { connectionBudgetHook, resolveConnectionPolicy } from '../../../../core/runner/budget/connection';
import type { ConnectionBudget } from '../../../../core/runner/budget-port';
import type { ApiPolicy } from '../../../../core/sdk';
import { createTestRedis, redisUrl } from '../../../helpers/redis';

/**
 * Window edges against a vendor that counts arrivals: the HubSpot sandbox counts its burst window when a request
 * arrives, after a random delay on the way in, and answers after a random latency. Six requests at a time, as the
 * runner makes them (a slot of the connection's shared budget held around each), exactly at the vendor's limit:
 * because the budget counts each request from its response, no window of the vendor ever sees one too many, so
 * the sandbox answers no 429 at all. (Counting from the send instead lets a late arrival from the previous window
 * meet an early one from the next: the 429s of bench/sync before this budget.)
 */

const LIMIT = 10;
const INTERVAL_MS = 500;
const REQUESTS = 6 * LIMIT;

const policy: ApiPolicy = {
  rateBudget: { requests: LIMIT, intervalMs: INTERVAL_MS },
  concurrency: 6,
  maxBatchSize: {},
  retryStatuses: [],
  retryAfter: [],
};

interface Target {
  name: string;
  open(): Promise<{ budget: ConnectionBudget; cleanup(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'memory',
    async open() {
      const budget = createMemoryBudget();
      return { budget, cleanup: () => budget.close() };
    },
  },
];
if (redisUrl) {
  targets.push({
    name: 'redis',
    async open() {
      const r = await createTestRedis();
      const budget = createRedisBudget({ redisUrl: r.url, prefix: r.prefix, slotPollMs: 5 });
      return {
        budget,
        cleanup: async () => {
          await budget.close();
          await r.cleanup();
        },
      };
    },
  });
}

describe.each(targets)(
  'budget margin at window edges, against the arrival-counting HubSpot sandbox ($name)',
  (target) => {
    let sandbox: HubSpotSandbox;
    let budget: ConnectionBudget;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      sandbox = await startSandbox({
        burstLimit: LIMIT,
        burstIntervalMs: INTERVAL_MS,
        arrivalDelay: { baseMs: 0, jitterMs: 40 },
        latency: { baseMs: 5, jitterMs: 20 },
      });
      ({ budget, cleanup } = await target.open());
    });
    afterAll(async () => {
      await cleanup();
      await sandbox.close();
    });

    it('answers 0 × 429 to requests at the full limit, six at a time', async () => {
      const resolved = resolveConnectionPolicy({ id: 'hubspot', policy }, {});
      const hook = connectionBudgetHook(budget, 'conn-edge', resolved);
      const client = new HubSpotClient(sandbox.settings, undefined, undefined, hook);
      let next = 0;
      const worker = async () => {
        while (next < REQUESTS) {
          next += 1;
          // what the runner does around every call: a slot of the connection's main budget
          const lease = await budget.acquire('conn-edge', resolved.main);
          try {
            await client.get('/crm/v3/objects/contacts', 'list contacts', { limit: '1' });
          } finally {
            await lease.release();
          }
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));

      expect(sandbox.server.log).toHaveLength(REQUESTS);
      expect(sandbox.server.count({ status: 429 })).toBe(0);
      expect(sandbox.server.count({ status: 200 })).toBe(REQUESTS);
    });
  },
);
