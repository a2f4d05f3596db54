/**
 * The two vendor sandboxes of bench/conversions in a process of their own, as the real vendors run elsewhere: the
 * bench measures the hub, not the sandboxes' parsing of 1,000-event bodies and their bookkeeping. Started by
 * `startSandboxesProcess` (conversions-sandboxes-client.ts) with an IPC channel: it sends `{ type: 'ready',
 * google, meta }` (the connections' settings) once both listen, then answers `{ id, type: 'figures', side }` with
 * the counts read from the sandbox's own state (requests by route, refusals, distinct conversions, events
 * accepted) and `{ type: 'close' }` by closing both and exiting.
 */
import { startSandbox as startGoogle } from '../connectors/google/sandbox';
import { startSandbox as startMeta } from '../connectors/meta/sandbox';
import type { SandboxFigures, SandboxesMessage, SandboxesReply } from './conversions-sandboxes-client';

async function main(): Promise<void> {
  const send = (reply: SandboxesReply) => process.send?.(reply);
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

  process.on('message', (message: SandboxesMessage) => {
    if (message.type === 'figures') {
      send({ type: 'figures', id: message.id, figures: message.side === 'google' ? googleFigures() : metaFigures() });
    } else if (message.type === 'close') {
      void Promise.all([google.close(), meta.close()]).finally(() => process.exit(0));
    }
  });
  // the parent gone (killed, crashed): nothing to serve any more
  process.on('disconnect', () => {
    void Promise.all([google.close(), meta.close()]).finally(() => process.exit(0));
  });
  send({ type: 'ready', google: google.settings, meta: meta.settings });
}

function cpuMs(): number {
  const used = process.cpuUsage();
  return Math.round((used.user + used.system) / 1000);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
