/**
 * End-to-end sync figures: `npx tsx bench/sync.ts` (BENCH_SYNC_N contacts, default 100,000).
 *
 * HubSpot sandbox → Mailchimp sandbox through the shipped template `hubspot-mailchimp-contacts` (flow
 * hubspot-contacts-to-mailchimp), on the embedded defaults (in-process queue, SQLite in a temporary folder), with
 * both sandboxes enforcing the vendors' documented limits: HubSpot 190 requests per rolling 10 s (professional
 * tier) and 100 records per list page, Mailchimp 500 members per batch and 10 simultaneous connections.
 *
 * Both sandboxes run in a process of their own (bench/sync-sandboxes.ts), as the vendors run elsewhere, and answer
 * with latency, as the vendors do (BENCH_SYNC_LATENCY=off turns it off): HubSpot counts its
 * burst window when a request arrives (after a random 0–10 ms on the way in) and answers 20–30 ms later (list pages
 * follow a cursor, one after the other, so this latency × 1,000 pages must stay well under the 50 s floor for the
 * floor to be reachable at all); Mailchimp answers a batch in 100 ms + 0.4 ms per member + up to 50 ms, so its
 * 10-connection limit bites as it does live and only parallel writes of large batches keep up.
 *
 * Prints the duration, the requests each side received, and the ratio to the theoretical minimum the limits
 * allow: reading N contacts takes ceil(N / 100) list requests, and a rolling window of 190 per 10 s lets the first
 * 190 go at once and each further 190 one window later, so the floor is floor((requests - 1) / 190) × 10 s (the
 * Mailchimp side has no rate, only a connection cap: ceil(N / 500) batches over 10 connections, printed beside).
 * Then a rerun over unchanged data (its writes must be 0). Asserts nothing; the figures go in the notes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config';
import { connectionServiceFor } from '../core/connections';
import { createLogger } from '../core/logging/logger';
import { openEngine } from '../core/runtime/engine';
import { flowServiceFor } from '../core/runtime/flow-service';
import { openHub } from '../core/runtime/hub';
import { runToEnd } from '../core/sandbox/demo';
import { latencyFor, type LatencyModel } from '../core/sandbox/limits';
import { startSyncSandboxes } from './sync-sandboxes-client';

const N = Number(process.env.BENCH_SYNC_N ?? 100_000);
const LIST_PAGE = 100;
const BURST = 190;
const WINDOW_MS = 10_000;
const FLOW = 'hubspot-contacts-to-mailchimp';
const LATENCY = process.env.BENCH_SYNC_LATENCY !== 'off';
const HUBSPOT_ARRIVAL: LatencyModel = { baseMs: 0, jitterMs: 10 };
const HUBSPOT_LATENCY: LatencyModel = { baseMs: 20, jitterMs: 10 };
const MAILCHIMP_LATENCY: LatencyModel = { baseMs: 100, perRecordMs: 0.4, jitterMs: 50 };
const MAILCHIMP_CONNECTIONS = 10;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-sync-'));
  const vendors = await startSyncSandboxes({
    contacts: N,
    ...(LATENCY
      ? { hubspotArrival: HUBSPOT_ARRIVAL, hubspotLatency: HUBSPOT_LATENCY, mailchimpLatency: MAILCHIMP_LATENCY }
      : {}),
  });
  const figures = () => vendors.ask('figures');
  const config = loadConfig({ HUB_DATA_DIR: dir, HUB_SANDBOX: 'off', HUB_LOG_LEVEL: 'error' });
  const hub = await openHub(config, { logger: createLogger({ level: 'error' }) });
  const engine = await openEngine(hub, { scheduler: false });
  try {
    await engine.runner.startWorker();
    const connections = connectionServiceFor(hub);
    await connections.create({ name: 'crm', connectorId: 'hubspot', settings: vendors.ready.hubspot });
    await connections.create({ name: 'email', connectorId: 'mailchimp', settings: vendors.ready.mailchimp });
    await flowServiceFor(hub).enableTemplate('hubspot-mailchimp-contacts', {
      connections: { hubspot: 'crm', mailchimp: 'email' },
    });
    console.log(
      `bench/sync: ${N.toLocaleString('en')} contacts, HubSpot sandbox → Mailchimp sandbox (limits on, latency ${LATENCY ? 'on' : 'off'})`,
    );
    const cpuBefore = process.cpuUsage();
    const startedAt = Date.now();
    const run = await runToEnd(hub, engine, FLOW);
    const elapsed = Date.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const after = await figures();
    const { hubspotRequests, hubspot429, mailchimpRequests, mailchimp429 } = after;
    const minRequests = Math.ceil(N / LIST_PAGE);
    const floorMs = Math.floor((minRequests - 1) / BURST) * WINDOW_MS;
    console.log(
      `  run ${run.status}: read ${run.counts.read}, created ${run.counts.created}, failed ${run.counts.failed}`,
    );
    console.log(`  duration                 ${seconds(elapsed)} (${Math.round((N / elapsed) * 1000)} contacts/s)`);
    console.log(
      `  HubSpot requests         ${hubspotRequests} (minimum ${minRequests} list pages; 429s: ${hubspot429})`,
    );
    console.log(
      `  Mailchimp requests       ${mailchimpRequests} (minimum ${Math.ceil(N / 500)} batches of 500; 429s: ${mailchimp429}; peak connections ${after.mailchimpPeakConnections})`,
    );
    console.log(`  theoretical minimum      ${seconds(floorMs)} (floor((${minRequests} - 1) / ${BURST}) × 10 s)`);
    if (LATENCY) {
      const batches = Math.ceil(N / 500);
      const mailchimpFloor = (batches * latencyFor({ ...MAILCHIMP_LATENCY, jitterMs: 0 }, 500)) / MAILCHIMP_CONNECTIONS;
      console.log(
        `  Mailchimp floor          ${seconds(mailchimpFloor)} (${batches} batches of 500 × ${latencyFor({ ...MAILCHIMP_LATENCY, jitterMs: 0 }, 500)} ms / ${MAILCHIMP_CONNECTIONS} connections)`,
      );
    }
    console.log(`  ratio to the minimum     ${(elapsed / Math.max(1, floorMs)).toFixed(2)}×`);
    const hubCpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `  CPU of the hub's process ${seconds(hubCpuMs)} (${Math.round((hubCpuMs * 1000) / N)} µs per contact; the sandboxes' process ${seconds(after.cpuMs)} in all); load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );

    console.log(`  requests over time       ${describeTimeline(after.timeline)}`);
    const before = after;
    const rerunStarted = Date.now();
    const rerun = await runToEnd(hub, engine, FLOW);
    const afterRerun = await figures();
    console.log(
      `  rerun, nothing changed   ${seconds(Date.now() - rerunStarted)}: read ${rerun.counts.read}, writes ${rerun.counts.created + rerun.counts.updated}, requests HubSpot ${afterRerun.hubspotRequests - before.hubspotRequests}, Mailchimp ${afterRerun.mailchimpRequests - before.mailchimpRequests}`,
    );
    console.log(`  peak RSS                 ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await engine.close();
    await hub.close();
    await vendors.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** HubSpot and Mailchimp requests every 5 s from the first request, and when each side's last request arrived. */
function describeTimeline(timeline: [number, number, number][]): string {
  const first = timeline.find(([, h]) => h > 0);
  if (first === undefined) return 'none';
  const t0 = first[0];
  const marks: string[] = [];
  for (let t = 5_000; ; t += 5_000) {
    const point = [...timeline].reverse().find(([at]) => at - t0 <= t);
    if (point === undefined) break;
    marks.push(`${point[1]}/${point[2]}`);
    if (point === timeline.at(-1)) break;
  }
  const end = timeline.at(-1) ?? first;
  const lastHubSpot = timeline.find(([, h]) => h === end[1]) ?? end;
  return `HubSpot/Mailchimp by 5 s: ${marks.join(' ')}; last HubSpot request at ${seconds(lastHubSpot[0] - t0)}, last Mailchimp request at ${seconds(end[0] - t0)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
