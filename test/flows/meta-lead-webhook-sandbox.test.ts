import request from 'supertest';
import { flowServiceFor } from '../../core/runtime/flow-service';
import type { Hub } from '../../core/runtime/hub';
import { buildHttpApp } from '../../core/runtime/http-app';
import { runToEnd } from '../../core/sandbox/demo';
import type { Run } from '../../core/store/repos';
import { useAdSandboxes } from './ad-sandboxes';

/**
 * Issue #16, Lead Ads: "leadgen webhook (GET challenge answered, X-Hub-Signature-256 verified on the raw body, the
 * lead fetched by id) plus a scheduled reconciliation read of each form's leads; a lead arriving both ways is
 * recorded once". A signed delivery to the hub's webhook endpoint (the `hub serve` HTTP app) makes the template's
 * webhook flow read that one lead by id (`GET /{lead_id}`, in the run, not in the ingress) and create its HubSpot
 * contact from the lead's answers; the scheduled flow's reconciliation read of the forms then writes nothing.
 */

const WEBHOOK_FLOW = 'meta-lead-ads-to-hubspot-contacts-webhook';
const READ_FLOW = 'meta-lead-ads-to-hubspot-contacts';
const LEAD_GET = { route: 'GET /:v/:node' };
const writes = (run: Run) => run.counts.created + run.counts.updated + run.counts.deleted;

async function finishedRuns(hub: Hub, flowName: string, count: number): Promise<Run[]> {
  const flow = await hub.repos.flows.require(flowName);
  for (let i = 0; i < 400; i++) {
    const runs = await hub.repos.runs.list({ flowId: flow.id });
    if (runs.length >= count && runs.every((r) => r.status !== 'queued' && r.status !== 'running')) return runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${flowName}: ${count} finished run(s) expected`);
}

describe('meta-lead-ads-to-hubspot-contacts: the leadgen webhook', () => {
  const s = useAdSandboxes();

  it('a signed delivery creates one contact from the lead fetched by id; the reconciliation read adds nothing', async () => {
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('meta-lead-ads-to-hubspot-contacts', {
        connections: { meta: 'ads-meta', hubspot: 'crm' },
      });
      const meta = (await hub.repos.connections.get('ads-meta'))!;
      const app = buildHttpApp(hub, engine);

      // subscribing: Meta's GET challenge is answered with the challenge
      const challenge = await request(app)
        .get(`/webhooks/${meta.id}`)
        .query({ 'hub.mode': 'subscribe', 'hub.verify_token': s.meta.settings.verifyToken, 'hub.challenge': '8812' })
        .expect(200);
      expect(challenge.text).toBe('8812');

      // a person fills in the form; Meta posts the signed leadgen change (lead id, form, page, ad: no answers)
      const lead = s.meta.newLead({
        full_name: '  anna   schmidt ',
        email: ' Anna.Schmidt@Example.com ',
        phone_number: '+49 30 1234567',
      });
      const { rawBody, headers } = s.meta.leadWebhook(lead);
      expect(rawBody.toString('utf8')).not.toContain('Anna');
      const forged = { ...headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` };
      await request(app).post(`/webhooks/${meta.id}`).set(forged).send(rawBody.toString('utf8')).expect(401);
      const gets = s.meta.server.count(LEAD_GET);
      await request(app).post(`/webhooks/${meta.id}`).set(headers).send(rawBody.toString('utf8')).expect(200);

      // the webhook flow's run read the lead by id, once, and created the contact from its answers
      const [run] = await finishedRuns(hub, WEBHOOK_FLOW, 1);
      expect(run).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
      expect(run!.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
      const leadGets = s.meta.server.log.filter((e) => e.route === LEAD_GET.route && e.path.endsWith(`/${lead.id}`));
      expect(leadGets).toHaveLength(1);
      expect(s.meta.server.count(LEAD_GET)).toBe(gets + 1);
      // and did not read the forms (the scheduled flow does that)
      expect(s.meta.server.count({ route: 'GET /:v/:node/leads' })).toBe(0);
      const contact = s.crm.contacts.findByUnique('anna.schmidt@example.com');
      expect(contact?.properties).toMatchObject({ firstname: 'Anna', lastname: 'Schmidt', phone: '+49301234567' });
      expect(s.crm.contacts.size).toBe(1);

      // the same delivery again (Meta retries): recorded once, nothing fetched or written again
      await request(app).post(`/webhooks/${meta.id}`).set(headers).send(rawBody.toString('utf8')).expect(200);
      await finishedRuns(hub, WEBHOOK_FLOW, 1);

      // the scheduled reconciliation read of the forms finds the same lead: one record, no second contact
      const reconcile = await runToEnd(hub, engine, READ_FLOW);
      expect(reconcile.counts).toMatchObject({ failed: 0 });
      expect(reconcile.counts.read).toBeGreaterThanOrEqual(1);
      expect(writes(reconcile)).toBe(0);
      expect(s.crm.contacts.size).toBe(1);
      expect(s.meta.server.log.filter((e) => e.path.endsWith(`/${lead.id}`))).toHaveLength(1);
    });
  }, 120_000);

  it('--schedule changes when the forms are read, not the webhook flow; "manual" makes both manual', async () => {
    await s.withEngine(async (hub) => {
      const flows = flowServiceFor(hub);
      const connections = { meta: 'ads-meta', hubspot: 'crm' };
      await flows.enableTemplate('meta-lead-ads-to-hubspot-contacts', { connections, schedule: '0 * * * *' });
      const trigger = async (name: string) => (await hub.repos.flows.require(name)).definition.trigger;
      expect(await trigger(READ_FLOW)).toEqual({ type: 'schedule', cron: '0 * * * *' });
      expect(await trigger(WEBHOOK_FLOW)).toEqual({ type: 'webhook' });
      await flows.enableTemplate('meta-lead-ads-to-hubspot-contacts', {
        connections,
        schedule: 'manual',
        namePrefix: 'by-hand-',
      });
      expect(await trigger(`by-hand-${READ_FLOW}`)).toEqual({ type: 'manual' });
      expect(await trigger(`by-hand-${WEBHOOK_FLOW}`)).toEqual({ type: 'manual' });
    });
  }, 60_000);

  it('a lead deleted before it is fetched is listed as held (missing), not an error; a later delivery still works', async () => {
    await s.withEngine(async (hub, engine) => {
      await flowServiceFor(hub).enableTemplate('meta-lead-ads-to-hubspot-contacts', {
        connections: { meta: 'ads-meta', hubspot: 'crm' },
      });
      const meta = (await hub.repos.connections.get('ads-meta'))!;
      const app = buildHttpApp(hub, engine);
      const gone = s.meta.newLead({ email: 'gone@example.com' });
      expect(s.meta.state.deleteLead(gone.id)).toBe(true); // deleted in Meta before the hub asks
      const first = s.meta.leadWebhook(gone);
      await request(app).post(`/webhooks/${meta.id}`).set(first.headers).send(first.rawBody.toString()).expect(200);
      const [run] = await finishedRuns(hub, WEBHOOK_FLOW, 1);
      expect(run).toMatchObject({ status: 'succeeded' });
      expect(run!.counts).toMatchObject({ created: 0, failed: 0, deadLettered: 0 });
      const held = await hub.repos.runRecords.list(run!.id, { outcome: 'held' });
      expect(held).toEqual([expect.objectContaining({ recordKey: gone.id, reason: expect.stringContaining(gone.id) })]);
      expect(await hub.repos.deadLetters.list({})).toEqual([]);

      const next = s.meta.newLead({ email: 'next@example.com', full_name: 'Next Lead' });
      const second = s.meta.leadWebhook(next);
      await request(app).post(`/webhooks/${meta.id}`).set(second.headers).send(second.rawBody.toString()).expect(200);
      const runs = await finishedRuns(hub, WEBHOOK_FLOW, 2);
      expect(runs[0]!.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
      expect(s.crm.contacts.findByUnique('next@example.com')).toBeDefined();
      // the deleted lead was asked for once, not again
      expect(s.meta.server.log.filter((e) => e.path.endsWith(`/${gone.id}`))).toHaveLength(1);
    });
  }, 120_000);
});
