import './helpers/env';
import google from '../../connectors/google';
import {
  SANDBOX_CONVERSION_ACTION_ID,
  SANDBOX_USER_LIST_ID,
  startSandbox,
  type GoogleSandbox,
} from '../../connectors/google/sandbox';
import type { Driver } from './helpers/bed';
import { startHoldProxy, type HoldProxy, type RequestMatch } from './helpers/hold-proxy';
import { createVendorBed, type VendorBed } from './helpers/vendor-bed';
import { rerunWritesNothing, runWithCrash } from './helpers/vendor-crash';

/**
 * Issue #16 acceptance for Google (Data Manager sandbox): a worker SIGKILLed between sending a batch and recording
 * it creates no duplicate conversion (`sendConversions`, de-duplicated by transactionId) and no duplicate Customer
 * Match member (`addAudienceMembers`), and a rerun sends nothing new. The killed worker's batch was applied by
 * Google; the worker that takes the run over sends it again (these actions are idempotent by the vendor's key), and
 * the sandbox, which counts DISTINCT conversions and members, still holds one of each.
 */

const RECORDS = 30;
const INGEST_EVENTS: RequestMatch = (r) => r.method === 'POST' && r.path.startsWith('/v1/events:ingest');
const INGEST_MEMBERS: RequestMatch = (r) => r.method === 'POST' && r.path.startsWith('/v1/audienceMembers:');
const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' };
const at = new Date(Date.now() - 3_600_000).toISOString();

const orders = Array.from({ length: RECORDS }, (_, i) => ({
  id: `T${String(i + 1).padStart(3, '0')}`,
  at,
  gclid: `Cj0KCQcrash${i + 1}`,
  value: 10 * (i + 1),
  currency: 'EUR',
  consent: granted,
}));
const people = Array.from({ length: RECORDS }, (_, i) => ({
  id: `P${String(i + 1).padStart(3, '0')}`,
  email: `person${i + 1}@example.com`,
  consent: granted,
}));

let sandbox: GoogleSandbox;
let proxy: HoldProxy;
let bed: VendorBed | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ enforceLimits: false });
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
      connectorId: 'google',
      settings: { ...sandbox.settings, dataManagerUrl: proxy.url },
      settingsSchema: google.settingsSchema,
    },
    action,
    mapping,
    pageSize: 10,
    batchSize: 10,
  });

describe.each<Driver>(['embedded', 'bullmq'])(
  'Google, worker SIGKILLed between send and record (%s queue)',
  (driver) => {
    it('sendConversions: one conversion per transaction id, and a rerun sends nothing new', async () => {
      bed = await openBed(
        driver,
        orders,
        'sendConversions',
        '{ "transactionId": id, "eventTimestamp": at, "gclid": gclid, "conversionValue": value, "currency": currency, "consent": consent }',
      );
      const { runId, run, held } = await runWithCrash(bed, proxy, { write: INGEST_EVENTS, nth: 2 });
      const inFlight = (JSON.parse(held[0]!.body) as { events: { transactionId: string }[] }).events.map(
        (e) => e.transactionId,
      );
      expect(inFlight).toHaveLength(10);

      expect(run.status).toBe('succeeded');
      expect(run.counts).toMatchObject({ failed: 0, deadLettered: 0 });
      expect(bed.starts(runId)).toBe(2);
      expect(sandbox.conversionCount()).toBe(RECORDS);
      for (const order of orders) expect(sandbox.conversionCount(order.id)).toBe(1);
      // the batch the killed worker sent reached Google twice (at-least-once), and Google kept one conversion of each
      // without restating it; no other batch was sent twice
      const sends = (id: string) => sandbox.store.conversions.get(`${SANDBOX_CONVERSION_ACTION_ID}:${id}`)!;
      for (const order of orders) {
        expect(sends(order.id).sends).toBe(inFlight.includes(order.id) ? 2 : 1);
        expect(sends(order.id).restatements).toBe(0);
      }

      await rerunWritesNothing(bed, proxy, INGEST_EVENTS, RECORDS);
      expect(sandbox.conversionCount()).toBe(RECORDS);
    }, 90_000);
  },
);

// the audience writes take the same runner path as the conversions; the embedded queue only, for time
describe('Google audience, worker SIGKILLed between send and record (embedded queue)', () => {
  it('addAudienceMembers: one member per person, and a rerun sends nothing new', async () => {
    bed = await openBed('embedded', people, 'addAudienceMembers', '{ "email": email, "consent": consent }');
    const { runId, run } = await runWithCrash(bed, proxy, { write: INGEST_MEMBERS, nth: 2 });

    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ failed: 0, deadLettered: 0 });
    expect(bed.starts(runId)).toBe(2);
    expect(sandbox.memberCount()).toBe(RECORDS);
    expect(sandbox.store.list(SANDBOX_USER_LIST_ID).size).toBe(RECORDS);
    for (const person of people) expect(sandbox.memberCount(person.email)).toBe(1);

    await rerunWritesNothing(bed, proxy, INGEST_MEMBERS, RECORDS);
    expect(sandbox.memberCount()).toBe(RECORDS);
  }, 90_000);
});
