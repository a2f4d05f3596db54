import '../../integration/helpers/env';
import meta from '../../../connectors/meta';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { Driver } from '../../integration/helpers/bed';
import { startHoldProxy, type HoldProxy, type RequestMatch } from '../../integration/helpers/hold-proxy';
import { createVendorBed, type VendorBed } from '../../integration/helpers/vendor-bed';
import { runWithCrash } from '../../integration/helpers/vendor-crash';

/**
 * Meta `replaceAudience` as a flow target, its worker SIGKILLed in the middle of a usersreplace session (the second
 * of three batches applied by the sandbox, its answer never delivered): the worker that takes the run over starts a
 * NEW session from the first record, so the abandoned session is never completed, and the audience ends as the
 * source list exactly, and the run counts the source list once; a rerun leaves it so. (The technique of
 * test/integration/ad-erp-crash-*.test.ts.)
 */

const RECORDS = 30;
const REPLACE_USERS: RequestMatch = (r) => r.method === 'POST' && /^\/[^/]+\/\d+\/usersreplace(\?|$)/.test(r.path);
const people = Array.from({ length: RECORDS }, (_, i) => ({
  id: `A${String(i + 1).padStart(3, '0')}`,
  email: `member${i + 1}@example.com`,
}));
const key = (email: string) => `EMAIL:${sha256Hex(email)}`;
const sourceSet = new Set(people.map((p) => key(p.email)));

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

describe.each<Driver>(['embedded', 'bullmq'])(
  'Meta replaceAudience, worker SIGKILLed mid-session (%s queue)',
  (driver) => {
    it('the run taken over replaces the audience in a new session; the abandoned one is never completed', async () => {
      const audience = sandbox.state.audience(SANDBOX_AUDIENCE);
      audience.members.set(key('left.long.ago@example.com'), ['x']);
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
      const { runId, run, held } = await runWithCrash(bed, proxy, { write: REPLACE_USERS, nth: 2 });
      const inFlight = JSON.parse(held[0]!.body) as { session: { session_id: number; batch_seq: number } };
      expect(inFlight.session.batch_seq).toBe(2);

      expect(run.status).toBe('succeeded');
      expect(bed.starts(runId)).toBe(2);
      // only the completed session counts: the source list once, not the abandoned session's batches again
      expect(run.counts.created + run.counts.updated).toBe(RECORDS);
      expect(new Set(audience.members.keys())).toEqual(sourceSet);
      const abandoned = audience.sessions.get(String(inFlight.session.session_id));
      expect(abandoned).toMatchObject({ seq: 2, completed: false });
      const completed = [...audience.sessions.values()].filter((s) => s.completed);
      expect(completed).toHaveLength(1);
      expect(completed[0]).toMatchObject({ seq: 3 });

      // a rerun (a new session again) leaves the audience as the source list
      const rerun = await bed.waitForRun(await bed.startRun());
      expect(rerun.status).toBe('succeeded');
      expect(new Set(audience.members.keys())).toEqual(sourceSet);
      expect([...audience.sessions.values()].filter((s) => s.completed)).toHaveLength(2);
      expect(abandoned).toMatchObject({ seq: 2, completed: false });
    }, 90_000);
  },
);
