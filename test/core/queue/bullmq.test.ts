import { Queue } from 'bullmq';
import { createBullmqQueue, fromBullJobId, toBullJobId } from '../../../core/queue/bullmq';
import { createTestRedis, redisUrl } from '../../helpers/redis';
import { queueContract } from './contract';

describe('BullMQ job ids', () => {
  it('escapes what BullMQ refuses, reversibly', () => {
    for (const id of ['run:flow_1', '42', '-7', '007', 'a%3Ab', '%i42', 'plain', 'a:b:c', '']) {
      const bull = toBullJobId(id);
      expect(bull.includes(':')).toBe(false);
      expect(`${Number.parseInt(bull, 10)}`).not.toBe(bull);
      expect(fromBullJobId(bull)).toBe(id);
    }
  });
});

if (redisUrl) {
  const tuning = { lockMs: 600, stalledIntervalMs: 300, backoffBaseMs: 20 };
  queueContract({
    name: 'bullmq',
    // BullMQ counts a crash as a stall (maxStalledCount), not as an attempt.
    attemptAfterCrash: 1,
    async setup() {
      const r = await createTestRedis();
      const inspectors: Queue[] = [];
      return {
        open: () => createBullmqQueue({ redisUrl: r.url, prefix: r.prefix, ...tuning }),
        fixture: (queue) => ({ driver: 'bullmq', redisUrl: r.url, prefix: r.prefix, queue, lockMs: tuning.lockMs }),
        async lastError(queue, jobId) {
          const inspector = new Queue(queue, { connection: r.client, prefix: r.prefix });
          inspectors.push(inspector);
          return (await inspector.getJob(toBullJobId(jobId)))?.failedReason;
        },
        async cleanup() {
          await Promise.all(inspectors.map((q) => q.close()));
          await r.cleanup();
        },
      };
    },
  });
}
