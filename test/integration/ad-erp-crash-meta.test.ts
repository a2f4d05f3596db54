import './helpers/env';
import meta from '../../connectors/meta';
import { startSandbox, type MetaSandbox } from '../../connectors/meta/sandbox';
import type { Driver } from './helpers/bed';
import { startHoldProxy, type HoldProxy, type RequestMatch } from './helpers/hold-proxy';
import { createVendorBed, type VendorBed } from './helpers/vendor-bed';
import { rerunWritesNothing, runWithCrash } from './helpers/vendor-crash';

/**
 * Issue #16 acceptance for Meta (Graph API sandbox): a worker SIGKILLed between sending a batch and recording it
 * creates no duplicate conversion (`sendEvents`, de-duplicated by event_name + event_id) and no duplicate Custom
 * Audience member (`addAudienceMembers`), and a rerun sends nothing new. The killed worker's batch was applied by
 * Meta; the worker that takes the run over sends it again, and the sandbox, which counts DISTINCT events and
 * members, still holds one of each.
 */

const RECORDS = 30;
const SEND_EVENTS: RequestMatch = (r) => r.method === 'POST' && /^\/[^/]+\/\d+\/events(\?|$)/.test(r.path);
const ADD_USERS: RequestMatch = (r) => r.method === 'POST' && /^\/[^/]+\/\d+\/users(\?|$)/.test(r.path);
const TO_PURCHASE = `{
  "event_name": "Purchase",
  "event_time": placedAt,
  "event_id": id,
  "action_source": "system_generated",
  "user_data": { "em": email, "country": "de" },
  "custom_data": { "value": total, "currency": "EUR", "order_id": id }
}`;

const placedAt = Math.floor(Date.now() / 1000) - 600;
const orders = Array.from({ length: RECORDS }, (_, i) => ({
  id: `M${String(i + 1).padStart(3, '0')}`,
  email: `buyer${i + 1}@example.com`,
  total: 10 * (i + 1),
  placedAt,
}));
const people = Array.from({ length: RECORDS }, (_, i) => ({
  id: `A${String(i + 1).padStart(3, '0')}`,
  email: `member${i + 1}@example.com`,
}));

let sandbox: MetaSandbox;
let proxy: HoldProxy;
let bed: VendorBed | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ insightDays: 0 });
  proxy = await startHoldProxy(sandbox.url);
});
afterEach(async () => {
  await bed?.cleanup();
  bed = undefined;
  await proxy.close();
  await sandbox.close();
});

const openBed = (driver: Driver, records: Record<string, unknown>[], action: string, mapping: string) =>
  createVendorBed({
    driver,
    records,
    target: {
      connectorId: 'meta',
      settings: { ...sandbox.settings, baseUrl: proxy.url },
      settingsSchema: meta.settingsSchema,
    },
    action,
    mapping,
    pageSize: 10,
    batchSize: 10,
  });

describe.each<Driver>(['embedded', 'bullmq'])('Meta, worker SIGKILLed between send and record (%s queue)', (driver) => {
  it('sendEvents: one conversion per event id, and a rerun sends nothing new', async () => {
    bed = await openBed(driver, orders, 'sendEvents', TO_PURCHASE);
    const { runId, run, held } = await runWithCrash(bed, proxy, { write: SEND_EVENTS, nth: 2 });
    const inFlight = (JSON.parse(held[0]!.body) as { data: { event_id: string }[] }).data.map((e) => e.event_id);
    expect(inFlight).toHaveLength(10);

    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ failed: 0, deadLettered: 0 });
    expect(bed.starts(runId)).toBe(2);
    expect(sandbox.state.events.size).toBe(RECORDS);
    for (const order of orders) expect(sandbox.conversions(order.id)).toBe(1);
    // only the batch the killed worker sent reached Meta twice (at-least-once, de-duplicated by Meta)
    expect(sandbox.state.received).toBe(RECORDS + inFlight.length);

    await rerunWritesNothing(bed, proxy, SEND_EVENTS, RECORDS);
    expect(sandbox.state.events.size).toBe(RECORDS);
    expect(sandbox.state.received).toBe(RECORDS + inFlight.length);
  }, 90_000);
});

// the audience writes take the same runner path as the conversions; the embedded queue only, for time
describe('Meta audience, worker SIGKILLed between send and record (embedded queue)', () => {
  it('addAudienceMembers: one member per person, and a rerun sends nothing new', async () => {
    bed = await openBed('embedded', people, 'addAudienceMembers', '{ "email": email }');
    const { runId, run } = await runWithCrash(bed, proxy, { write: ADD_USERS, nth: 2 });

    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ failed: 0, deadLettered: 0 });
    expect(bed.starts(runId)).toBe(2);
    expect(sandbox.members()).toBe(RECORDS);

    await rerunWritesNothing(bed, proxy, ADD_USERS, RECORDS);
    expect(sandbox.members()).toBe(RECORDS);
  }, 90_000);
});
