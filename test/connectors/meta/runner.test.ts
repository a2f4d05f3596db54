import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * Issue #16 acceptance, "a Meta batch with one bad event: only the bad records dead-letter, the good ones are never
 * re-sent", through the runner: orders from an in-memory shop → mapping → sendEvents → the Meta sandbox.
 */
const ORDER_TO_PURCHASE = `{
  "event_name": "Purchase",
  "event_time": placedAt,
  "event_id": id,
  "action_source": "system_generated",
  "user_data": { "em": email, "country": "de" },
  "custom_data": { "value": total, "currency": "EUR", "order_id": id }
}`;

describe('Meta sendEvents through the runner (sandbox)', () => {
  let h: Harness;
  let sandbox: MetaSandbox;
  beforeEach(async () => {
    h = await createHarness();
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await h.close();
    await sandbox.close();
    clearMetaBackoff();
  });

  it('one event refused inside a batch dead-letters alone; the others reach Meta once, and a rerun sends nothing new', async () => {
    const shop = await h.connector('shop', { pageSize: 50 });
    await h.register('meta', connector, sandbox.settings as unknown as Record<string, unknown>);
    await h.mapping('order-to-purchase', ORDER_TO_PURCHASE);
    const flow = await h.flow({
      name: 'shop-to-meta',
      source: { connection: 'shop', stream: 'contacts' },
      mapping: { id: 'order-to-purchase' },
      target: { connection: 'meta', action: 'sendEvents' },
      options: { batchSize: 20, maxAttempts: 3 },
    });
    const now = Math.floor(Date.now() / 1000);
    for (let i = 1; i <= 12; i++)
      shop.put({
        id: `S${String(i).padStart(5, '0')}`,
        email: `buyer${i}@example.com`,
        total: 10 * i,
        placedAt: now - 600,
      });
    // passes the connector's own 7-day check, but at "Meta" (clock 2 h ahead) it is older than 7 days:
    // Meta refuses the whole request, the connector bisects
    shop.put({ id: 'S-LATE', email: 'late@example.com', total: 5, placedAt: now - 7 * 86_400 + 3600 });
    sandbox.skewClock(2 * 3600_000);

    const run = await h.run('shop-to-meta');
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ read: 13, failed: 1, deadLettered: 1 });
    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({
      recordKey: 'S-LATE',
      failureKind: 'permanent',
      reason: expect.stringContaining('Event Timestamp Too Old'),
    });
    for (let i = 1; i <= 12; i++) expect(sandbox.conversions(`S${String(i).padStart(5, '0')}`)).toBe(1);
    expect(sandbox.conversions('S-LATE')).toBe(0);
    expect(sandbox.state.received).toBe(12); // each good event accepted by exactly one request

    const rerun = await h.run('shop-to-meta');
    // nothing new reaches Meta; the late order, still refused, keeps its one letter
    expect(rerun.counts).toMatchObject({ failed: 1 });
    expect(await h.repos.deadLetters.list({ flowId: flow.id })).toHaveLength(1);
    expect(sandbox.state.received).toBe(12);
  });
});
