import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import { createHarness, type Harness } from '../../core/runner/harness';

/**
 * Issue #16, through the runner: events a mapping gets wrong (no action_source, one Meta does not know, a website
 * event without its user agent or URL) dead-letter alone with a reason that names the field, the rest reach the
 * sandbox once; test_event_code routes the run to Test Events.
 */
const ORDER_TO_EVENT = `{
  "event_name": "Purchase",
  "event_time": placedAt,
  "event_id": id,
  "action_source": source,
  "event_source_url": url,
  "user_data": { "em": email, "country": "de", "client_user_agent": ua },
  "custom_data": { "value": total, "currency": "EUR", "order_id": id }
}`;

describe('Meta sendEvents through the runner: events a mapping gets wrong', () => {
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

  it('each bad event dead-letters alone naming its field; the good ones are accepted once', async () => {
    const shop = await h.connector('shop');
    await h.register('meta', connector, sandbox.settings as unknown as Record<string, unknown>);
    await h.mapping('order-to-event', ORDER_TO_EVENT);
    const flow = await h.flow({
      name: 'shop-to-meta',
      source: { connection: 'shop', stream: 'contacts' },
      mapping: { id: 'order-to-event' },
      target: { connection: 'meta', action: 'sendEvents' },
    });
    const now = Math.floor(Date.now() / 1000);
    const order = (id: string, extra: Record<string, unknown>) =>
      shop.put({
        id,
        email: `${id}@example.com`,
        total: 10,
        placedAt: now - 600,
        source: 'system_generated',
        ...extra,
      });
    order('G1', {});
    order('G2', { source: 'website', url: 'https://shop.example.com/checkout', ua: 'Mozilla/5.0' });
    order('NOSOURCE', { source: null });
    order('BADSOURCE', { source: 'web' });
    order('NOUA', { source: 'website', url: 'https://shop.example.com/checkout' });
    order('NOURL', { source: 'website', ua: 'Mozilla/5.0' });
    order('MS', { placedAt: Date.now() - 60_000 });

    const run = await h.run('shop-to-meta');
    expect(run.status).toBe('partial');
    const letters = await h.repos.deadLetters.list({ flowId: flow.id });
    const byKey = Object.fromEntries(letters.map((l) => [l.recordKey, l]));
    expect(Object.keys(byKey).sort()).toEqual(['BADSOURCE', 'NOSOURCE', 'NOUA', 'NOURL']);
    // the runner holds each record to sendEvents' recordSchema first (core/runner/action-record.ts): a missing or
    // unknown action_source fails there, naming the field and the values Meta takes; the website rules the schema
    // cannot state fail in the action's own check, before sending
    for (const key of ['NOSOURCE', 'BADSOURCE']) {
      expect(byKey[key]).toMatchObject({ failureKind: 'mapping', field: '/action_source' });
      expect(byKey[key]!.reason).toMatch(
        /^meta sendEvents cannot take this record: field \/action_source must be one of "website", "app", /,
      );
    }
    for (const key of ['NOUA', 'NOURL']) expect(byKey[key]!.failureKind).toBe('permanent');
    // judged before sending: one request carried the three good events, none was refused by Meta
    expect(sandbox.server.count({ status: 400 })).toBe(0);
    expect(byKey.NOUA!.reason).toMatch(/client_user_agent/);
    expect(byKey.NOURL!.reason).toMatch(/event_source_url/);
    for (const id of ['G1', 'G2', 'MS']) expect(sandbox.conversions(id)).toBe(1);
    expect(sandbox.state.received).toBe(3);
  });
});
