import path from 'node:path';
import type { HubSpotSettings } from '../connectors/hubspot/schemas/settings';
import type { MailchimpSandbox } from '../connectors/mailchimp/sandbox';
import type { LatencyModel } from '../core/sandbox/limits';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';

/** The parent's side of bench/sync-sandboxes.ts: what the child is told, sends when ready, and answers. */

export interface SyncChildOptions {
  contacts: number;
  hubspotArrival?: LatencyModel;
  hubspotLatency?: LatencyModel;
  mailchimpLatency?: LatencyModel;
}
export interface SyncReady {
  hubspot: HubSpotSettings;
  mailchimp: MailchimpSandbox['settings'];
}
export interface SyncFigures {
  hubspotRequests: number;
  hubspot429: number;
  mailchimpRequests: number;
  mailchimp429: number;
  mailchimpPeakConnections: number;
  /** CPU time of the sandboxes' process since it started. */
  cpuMs: number;
  /** [ms since the sandboxes started, HubSpot requests, Mailchimp requests] every 100 ms where they changed, since the last question. */
  timeline: [number, number, number][];
}

export function startSyncSandboxes(
  options: SyncChildOptions,
): Promise<SandboxProcess<SyncReady, 'figures', SyncFigures>> {
  return startSandboxProcess(path.join(__dirname, 'sync-sandboxes.ts'), path.join(__dirname, '..'), {
    ...process.env,
    BENCH_SYNC_CHILD: JSON.stringify(options),
  });
}
