/**
 * The two vendor sandboxes of bench/conversions in a process of their own, as the real vendors run elsewhere: the
 * bench measures the hub, not the sandboxes' parsing of 1,000-event bodies and their bookkeeping. Started by
 * `startSandboxesProcess` (conversions-sandboxes-client.ts, over bench/sandbox-process.ts): ready with the
 * connections' settings once both listen, it answers each side's counts read from the sandbox's own state
 * (requests by route, refusals, distinct conversions, events accepted).
 */
import { startSandbox as startGoogle } from '../connectors/google/sandbox';
import { startSandbox as startMeta } from '../connectors/meta/sandbox';
import type { SandboxFigures, SandboxesQuestion, SandboxesReady } from './conversions-sandboxes-client';
import { processCpuMs as cpuMs, serveSandboxes } from './sandbox-process';

async function main(): Promise<void> {
  const google = await startGoogle({ enforceLimits: true });
  const meta = await startMeta({ enforceLimits: true });

  const googleFigures = (): SandboxFigures => ({
    requests: {
      'events:ingest': google.server.count({ route: 'POST /v1/events:ingest' }),
      'requestStatus:retrieve': google.server.count({ route: 'GET /v1/requestStatus:retrieve' }),
    },
    totalRequests: google.server.log.length,
    batchSizes: [...google.store.requests.values()].map((r) => r.recordCount),
    refused: google.server.count({ status: 429 }),
    distinct: google.conversionCount(),
    received: [...google.store.conversions.values()].reduce((sum, c) => sum + c.sends, 0),
    cpuMs: cpuMs(),
  });
  const metaFigures = (): SandboxFigures => ({
    requests: { 'POST /{pixel}/events': meta.server.count({ route: 'POST /:v/:node/events' }) },
    totalRequests: meta.server.log.length,
    refused: meta.server.log.filter((e) => e.status >= 300).length,
    distinct: meta.state.events.size,
    received: meta.state.received,
    cpuMs: cpuMs(),
  });

  const origins = [
    google.settings.tokenUrl,
    google.settings.dataManagerUrl,
    google.settings.adsApiUrl,
    meta.settings.baseUrl,
  ].filter((url): url is string => url !== undefined);
  serveSandboxes<SandboxesReady, SandboxesQuestion, SandboxFigures>(
    { google: google.settings, meta: meta.settings },
    origins,
    (side) => (side === 'google' ? googleFigures() : metaFigures()),
    () => Promise.all([google.close(), meta.close()]),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
