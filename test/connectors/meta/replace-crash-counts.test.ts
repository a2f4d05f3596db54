import '../../integration/helpers/env';
import meta from '../../../connectors/meta';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { Driver } from '../../integration/helpers/bed';
import { startHoldProxy, type HoldProxy, type RequestMatch } from '../../integration/helpers/hold-proxy';
import { createVendorBed, type VendorBed } from '../../integration/helpers/vendor-bed';
import { runWithCrash } from '../../integration/helpers/vendor-crash';

/**
 * The counts of a replaceAudience run whose worker was SIGKILLed mid-session (batch 2 of 3 applied, its answer
 * held): the abandoned session changed nothing, so only the session of the attempt that took the run over counts;
 * the run says it sent the source list once, not the first attempt's batches again.
 */

const RECORDS = 30;
const REPLACE_USERS: RequestMatch = (r) => r.method === 'POST' && /^\/[^/]+\/\d+\/usersreplace(\?|$)/.test(r.path);
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

describe.each<Driver>(['embedded', 'bullmq'])('Meta replaceAudience counts after a crash (%s queue)', (driver) => {
  it('the run counts the members of its completed session once', async () => {
    bed = await createVendorBed({
      driver,
      records: people,
      target: {
        connectorId: 'meta',
        settings: { ...sandbox.settings, baseUrl: proxy.url },
        settingsSchema: meta.settingsSchema,
      },
      action: 'replaceAudience',
      mapping: '{ "email": email }',
      pageSize: 10,
      batchSize: 10,
    });
    const { run } = await runWithCrash(bed, proxy, { write: REPLACE_USERS, nth: 2 });
    expect(run.status).toBe('succeeded');
    expect(sandbox.state.audience(SANDBOX_AUDIENCE).members.size).toBe(RECORDS);
    expect(run.counts.created + run.counts.updated).toBe(RECORDS);
  }, 90_000);
});
