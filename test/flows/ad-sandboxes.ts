import { createHash } from 'node:crypto';
import { connectionServiceFor } from '../../core/connections';
import { openEngine, type Engine } from '../../core/runtime/engine';
import type { Hub } from '../../core/runtime/hub';
import type { runToEnd } from '../../core/sandbox/demo';
import { startSandbox as startGoogle, type GoogleSandbox } from '../../connectors/google/sandbox';
import { startSandbox as startHubSpot, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { startSandbox as startMeta, type MetaSandbox } from '../../connectors/meta/sandbox';
import { startSandbox as startOdoo, type OdooSandbox } from '../../connectors/odoo/sandbox';
import { CliBed } from '../core/cli/helpers';

/** The HubSpot, Meta, Google and Odoo sandboxes of the ad-platform template tests, fresh for each test. */
export interface AdSandboxes {
  bed: CliBed;
  crm: HubSpotSandbox;
  meta: MetaSandbox;
  google: GoogleSandbox;
  odoo: OdooSandbox;
  /**
   * A hub with a running worker (no scheduler) and the connections `crm`, `ads-meta`, `ads-google` and `erp` to the
   * sandboxes, as a user would create them.
   */
  withEngine(fn: (hub: Hub, engine: Engine) => Promise<void>): Promise<void>;
}

/** Registers beforeEach/afterEach hooks in the calling describe; the fields are set once a test starts. */
export function useAdSandboxes(
  options: { odoo?: Parameters<typeof startOdoo>[0]; contactProperties?: string[] } = {},
): AdSandboxes {
  const s = {} as AdSandboxes;
  beforeEach(async () => {
    s.bed = new CliBed();
    s.crm = await startHubSpot({ enforceLimits: false });
    s.meta = await startMeta({ enforceLimits: false });
    s.google = await startGoogle({ enforceLimits: false });
    s.odoo = await startOdoo({ enforceLimits: false, ...options.odoo });
  });
  afterEach(async () => {
    await Promise.all([s.crm?.close(), s.meta?.close(), s.google?.close(), s.odoo?.close()]);
    s.bed?.cleanup();
  });
  s.withEngine = async (fn) => {
    await s.bed.withHub(async (hub) => {
      const engine = await openEngine(hub, { scheduler: false });
      try {
        await engine.runner.startWorker();
        const connections = connectionServiceFor(hub);
        const crmSettings =
          options.contactProperties === undefined
            ? s.crm.settings
            : { ...s.crm.settings, contactProperties: options.contactProperties };
        await connections.create({ name: 'crm', connectorId: 'hubspot', settings: crmSettings });
        await connections.create({ name: 'ads-meta', connectorId: 'meta', settings: s.meta.settings });
        await connections.create({ name: 'ads-google', connectorId: 'google', settings: s.google.settings });
        await connections.create({ name: 'erp', connectorId: 'odoo', settings: s.odoo.settings });
        await fn(hub, engine);
      } finally {
        await engine.close();
      }
    });
  };
  return s;
}

/** SHA-256 hex of a UTF-8 string: the digests the ad platforms expect. */
export const sha = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export type Run = Awaited<ReturnType<typeof runToEnd>>;

/** Records a run wrote (created, updated or deleted). */
export const writes = (run: Run): number => run.counts.created + run.counts.updated + run.counts.deleted;

/** Why each record a run held was held, by record key (the flow identity: the contact id). */
export async function heldReasons(hub: Hub, run: Run): Promise<Map<string, string | undefined>> {
  const records = await hub.repos.runRecords.list(run.id, { outcome: 'held' });
  return new Map(records.map((r) => [r.recordKey, r.reason]));
}

/** Every identifier digest the Meta sandbox's audience holds now. */
export function metaAudienceHashes(s: AdSandboxes): Set<string> {
  return new Set([...s.meta.state.audience(s.meta.settings.audienceId!).members.values()].flat());
}
