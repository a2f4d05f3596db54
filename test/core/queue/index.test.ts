import { createQueue } from '../../../core/queue';
import { openTestStore } from '../../helpers/postgres';
import { redisUrl } from '../../helpers/redis';

describe('createQueue', () => {
  it('picks the embedded driver without a Redis URL and BullMQ with one', async () => {
    const t = await openTestStore('sqlite');
    try {
      const embedded = createQueue({}, { store: t.store });
      expect(embedded.driver).toBe('embedded');
      await embedded.ping();
      await embedded.close();
      if (redisUrl) {
        const bullmq = createQueue({ redisUrl }, { store: t.store, bullmq: { prefix: 'hubtest-factory' } });
        expect(bullmq.driver).toBe('bullmq');
        await bullmq.ping();
        await bullmq.close();
      }
    } finally {
      await t.cleanup();
    }
  });
});
