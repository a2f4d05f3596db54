import { sendEvents } from '../../../connectors/meta/actions/sendEvents';
import { addAudienceMembers } from '../../../connectors/meta/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/meta/actions/removeAudienceMembers';
import { replaceAudience } from '../../../connectors/meta/actions/replaceAudience';
import connector from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { startSandbox, SANDBOX_TOKEN, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { EventInput } from '../../../connectors/meta/schemas/records';
import { REPORT_POLLING, insights } from '../../../connectors/meta/streams/insights';
import { LOOK_BACK_SECONDS, leads } from '../../../connectors/meta/streams/leads';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimitedError, signMeta } from '../../../core/sdk';
import { connection, failure, nowS, readAll } from './helpers';

// Through the connector against its sandbox: Meta's whole-batch rejection, throttling and the usage header,
// audiences, leads and insights, with the sandbox's counts of distinct conversions and members.
let sandbox: MetaSandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ leadsPerForm: 12, pageSize: 5, seed: 3 });
});
afterEach(async () => {
  await sandbox.close();
  clearMetaBackoff();
});

const order = (ref: string, ageS = 3600): EventInput => ({
  event_name: 'Purchase',
  event_time: nowS() - ageS,
  event_id: ref,
  action_source: 'system_generated',
  user_data: { em: `${ref.toLowerCase()}@example.com`, country: 'de', external_id: ref },
  custom_data: { value: 10, currency: 'EUR', order_id: ref },
});

const post = (path: string, body: unknown) =>
  fetch(`${sandbox.url}/${GRAPH_VERSION}/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SANDBOX_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe("the Meta sandbox keeps Meta's rules", () => {
  it('refuses a whole request for one invalid event: nothing of it is counted', async () => {
    const good = {
      event_name: 'Purchase',
      event_time: nowS(),
      event_id: 'G1',
      action_source: 'other',
      user_data: { em: ['a'.repeat(64)] },
    };
    const unhashed = { ...good, event_id: 'G2', user_data: { ct: ['berlin'] } };
    const res = await post(`${sandbox.settings.pixelId}/events`, { data: [good, unhashed] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { error_user_title: string } }).error.error_user_title).toBe(
      'User Parameter Not Hashed',
    );
    expect(sandbox.state.received).toBe(0);
    const tooMany = await post(`${sandbox.settings.pixelId}/events`, {
      data: Array.from({ length: 1001 }, () => good),
    });
    expect(tooMany.status).toBe(400);
  });

  it('reports X-Business-Use-Case-Usage on every answer', async () => {
    const res = await post(`${sandbox.settings.pixelId}/events`, { data: [] });
    const usage = JSON.parse(res.headers.get('x-business-use-case-usage')!) as Record<string, unknown[]>;
    expect(Object.values(usage)[0]![0]).toMatchObject({ type: 'ads_management', estimated_time_to_regain_access: 0 });
  });
});

describe('sendEvents against the sandbox', () => {
  it('one event that went stale on its way: only it dead-letters; the good ones are counted exactly once', async () => {
    // passes the connector's 7-day check, but the sandbox clock runs 2 h ahead: at "Meta" it is 7 days + 1 h old
    sandbox.skewClock(2 * 3600_000);
    const records = [...Array.from({ length: 9 }, (_, i) => order(`S0${i}`)), order('S-LATE', 7 * 86_400 - 3600)];
    records.splice(4, 0, records.pop()!); // the stale one in the middle of the batch
    const outcomes = await sendEvents.write({ connection: connection(sandbox.settings), records });
    const failed = outcomes.flatMap((o, i) =>
      o.status === 'failed' ? [[records[i]!.event_id, o.failure, o.reason]] : [],
    );
    expect(failed).toEqual([['S-LATE', 'permanent', expect.stringContaining('Event Timestamp Too Old')]]);
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(9);
    for (let i = 0; i < 9; i++) expect(sandbox.conversions(`S0${i}`)).toBe(1);
    expect(sandbox.conversions('S-LATE')).toBe(0);
    // every good event reached Meta once: no accepted request carried an event twice
    expect(sandbox.state.received).toBe(9);
  });

  it('a rerun sends the same events again and Meta keeps one of each (event_name + event_id)', async () => {
    const records = [order('S100'), order('S101')];
    await sendEvents.write({ connection: connection(sandbox.settings), records });
    await sendEvents.write({ connection: connection(sandbox.settings), records });
    expect(sandbox.state.events.size).toBe(2);
    expect(sandbox.conversions('S100')).toBe(1);
  });

  it('testEventCode routes events to Test Events, not live data', async () => {
    await sendEvents.write({
      connection: connection({ ...sandbox.settings, testEventCode: 'TEST42' }),
      records: [order('T1')],
    });
    expect(sandbox.state.testEvents).toBe(1);
    expect(sandbox.conversions('T1')).toBe(0);
  });

  it("throttling (code 17) backs off for the usage header's regain time, and the next call is not even sent", async () => {
    sandbox.throttleNext({ code: 17, subcode: 2446079, regainMinutes: 2 });
    const error = await failure(() =>
      sendEvents.write({ connection: connection(sandbox.settings), records: [order('R1')] }),
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(120_000);
    const before = sandbox.server.log.length;
    const again = await failure(() =>
      sendEvents.write({ connection: connection(sandbox.settings), records: [order('R1')] }),
    );
    expect(again).toBeInstanceOf(RateLimitedError);
    expect(sandbox.server.log.length).toBe(before);
    clearMetaBackoff();
    await sendEvents.write({ connection: connection(sandbox.settings), records: [order('R1')] });
    expect(sandbox.conversions('R1')).toBe(1);
  });
});

describe('audiences against the sandbox', () => {
  const people = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({ email: `p${from + i}@example.com`, country: 'DE' }));

  it('add twice keeps one of each, remove takes them out, replace swaps the whole audience', async () => {
    const conn = connection(sandbox.settings);
    await addAudienceMembers.write({ connection: conn, records: people(5) });
    await addAudienceMembers.write({ connection: conn, records: people(5) });
    expect(sandbox.members()).toBe(5);
    await removeAudienceMembers.write({ connection: conn, records: people(2) });
    expect(sandbox.members()).toBe(3);
    const outcomes = await replaceAudience.write({ connection: conn, records: people(4, 100) });
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(sandbox.members()).toBe(4);
  });

  it('an audience being updated (operation_status 471) refuses edits; the reason names the status', async () => {
    sandbox.state.audience(sandbox.settings.audienceId!).operationStatus = {
      code: 471,
      description: 'Audience is being updated',
    };
    const [outcome] = await addAudienceMembers.write({ connection: connection(sandbox.settings), records: people(1) });
    expect(outcome).toMatchObject({
      status: 'failed',
      failure: 'permanent',
      reason: expect.stringContaining('operation_status 471'),
    });
    expect(sandbox.members()).toBe(0);
  });
});

describe('the sandbox delivers signed lead webhooks', () => {
  it('deliverLead POSTs the leadgen change, signed X-Hub-Signature-256 with the app secret', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: req.headers['x-hub-signature-256'] as string,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    const hooked = await startSandbox({ webhookUrl: `http://127.0.0.1:${port}/webhooks/meta` });
    try {
      const lead = hooked.newLead({ email: 'hook@example.com' });
      expect(await hooked.deliverLead(lead)).toBe(200);
      expect(received).toHaveLength(1);
      expect(received[0]!.signature).toBe(signMeta(hooked.settings.appSecret!, received[0]!.body));
      expect(JSON.parse(received[0]!.body).entry[0].changes[0]).toMatchObject({
        field: 'leadgen',
        value: { leadgen_id: lead.id },
      });
    } finally {
      await hooked.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

describe('reads against the sandbox', () => {
  it('check() passes with the sandbox token and fails naming the fix with a wrong one', async () => {
    expect(await connector.check(connection(sandbox.settings))).toMatchObject({ ok: true });
    const bad = await connector.check(connection({ ...sandbox.settings, accessToken: 'EAAwrong' }));
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('Generate new token');
  });

  it('leads: every lead of every form of the page once; a rerun reads only the look-back and finds a new lead', async () => {
    const conn = connection({ ...sandbox.settings });
    const first = await readAll(leads, conn);
    expect(first.records).toHaveLength(24);
    expect(new Set(first.records.map((r) => r.id)).size).toBe(24);
    const fresh = sandbox.newLead({ email: 'late@example.com' });
    const rerun = await readAll(leads, conn, first.checkpoint);
    expect(rerun.records.map((r) => r.id)).toContain(fresh.id);
    // besides the new lead, only leads of the look-back window before the newest one read are read again
    const newest = Math.max(...first.records.map((r) => Date.parse(r.created_time)));
    const others = rerun.records.filter((r) => r.id !== fresh.id);
    expect(others.every((r) => Date.parse(r.created_time) >= newest - LOOK_BACK_SECONDS * 1000)).toBe(true);
    expect(others.length).toBeLessThan(first.records.length);
  });

  it('insights: a month is read directly, a longer range through an async report run', async () => {
    REPORT_POLLING.intervalMs = 1;
    const recent = await readAll(insights, connection(sandbox.settings));
    expect(recent.records).toHaveLength(2 * 29); // 28 days back to today, two campaigns
    expect(sandbox.server.count({ route: 'POST /:v/:node/insights' })).toBe(0);
    const since = new Date(Date.now() - 39 * 86_400_000).toISOString().slice(0, 10);
    const long = await readAll(insights, connection({ ...sandbox.settings, insightsSince: since }));
    expect(long.records).toHaveLength(2 * 40);
    expect(sandbox.server.count({ route: 'POST /:v/:node/insights' })).toBe(1);
  });
});
