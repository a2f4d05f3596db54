/**
 * The HubSpot and Mailchimp sandboxes of bench/sync in a process of their own (bench/sandbox-process.ts), as the
 * real vendors run elsewhere: the bench measures the hub, not the sandboxes' serving of 1,000 list pages and parsing
 * of 200 batches. Started with the latency models and the contact count in `BENCH_SYNC_CHILD` (JSON); it seeds the
 * contacts, then answers the request counts read from the sandboxes' own logs.
 */
import { startSandbox as startHubSpot } from '../connectors/hubspot/sandbox';
import { startSandbox as startMailchimp } from '../connectors/mailchimp/sandbox';
import type { SyncChildOptions, SyncFigures, SyncReady } from './sync-sandboxes-client';
import { processCpuMs, serveSandboxes } from './sandbox-process';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_SYNC_CHILD ?? '{}') as SyncChildOptions;
  const hubspot = await startHubSpot({
    tier: 'professional',
    ...(options.hubspotArrival === undefined ? {} : { arrivalDelay: options.hubspotArrival }),
    ...(options.hubspotLatency === undefined ? {} : { latency: options.hubspotLatency }),
  });
  const mailchimp = await startMailchimp(
    options.mailchimpLatency === undefined ? {} : { latency: options.mailchimpLatency },
  );
  // contacts last changed an hour ago: outside the incremental look-back, so the rerun reads only real changes
  const created = hubspot.addContacts(options.contacts, { modifiedAt: Date.now() - 3_600_000, prefix: 'bench.' });
  for (const [i, contact] of created.entries()) {
    contact.properties.marketing_consent = 'true';
    contact.properties.firstname = `first${i}`;
    contact.properties.lastname = `last${i}`;
    contact.properties.city = i % 2 === 0 ? 'СПб' : 'Москва';
  }
  // a coarse timeline of the requests each side received (every 100 ms), for where-did-the-time-go figures
  const timeline: [number, number, number][] = [];
  const started = Date.now();
  let last = '';
  setInterval(() => {
    const point: [number, number, number] = [
      Date.now() - started,
      hubspot.server.log.length,
      mailchimp.server.log.length,
    ];
    const key = `${point[1]}/${point[2]}`;
    if (key !== last) timeline.push(point);
    last = key;
  }, 100).unref();
  serveSandboxes<SyncReady, 'figures', SyncFigures>(
    { hubspot: hubspot.settings, mailchimp: mailchimp.settings },
    [hubspot.settings.baseUrl, mailchimp.settings.baseUrl].filter((url): url is string => url !== undefined),
    () => ({
      hubspotRequests: hubspot.server.log.length,
      hubspot429: hubspot.server.count({ status: 429 }),
      mailchimpRequests: mailchimp.server.log.length,
      mailchimp429: mailchimp.server.count({ status: 429 }),
      mailchimpPeakConnections: mailchimp.peakConcurrency,
      cpuMs: processCpuMs(),
      timeline: timeline.splice(0),
    }),
    () => Promise.all([hubspot.close(), mailchimp.close()]),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
