import type { FlowService } from '../flows';
import type { Engine } from '../runtime/engine';
import type { Hub } from '../runtime/hub';
import type { Run } from '../store/repos';
import { ORDER_TEMPLATES, WORKSPACE_TEMPLATE, type SandboxWorkspace } from './workspace';

/**
 * The guided tour `hub demo` runs against the sandbox workspace, non-interactively: enable the HubSpot ↔ Mailchimp
 * template, sync both ways, sync again (nothing to write), change a contact on each side, sync again (each change
 * travels once), and a last round that proves nothing echoes back. Then the orders: Odoo's sales orders travel to
 * HubSpot as deals, to Google Ads as conversions and to Meta as Purchase events (only customers with marketing
 * consent reach the ad platforms), one order is refunded in Odoo (Google restates that one conversion), and a
 * rerun sends nothing new. Every step checks what it expects, so the tour doubles as an end-to-end smoke test: a
 * surprise makes it fail with the step named.
 */

/** What the demo needs of the HubSpot sandbox. */
interface HubSpotDemoSide {
  contacts: { values(): IterableIterator<{ id: string; properties: Record<string, string | null | undefined> }> };
  updateContact(id: string, properties: Record<string, string>): Promise<unknown> | unknown;
}

/** What the demo needs of the Mailchimp sandbox. */
interface MailchimpDemoSide {
  members: Map<string, { email_address: string; status: string; merge_fields: Record<string, unknown> }>;
  member(email: string): { email_address: string; status: string; merge_fields: Record<string, unknown> } | undefined;
  unsubscribe(email: string): Promise<unknown>;
}

/** What the demo needs of the Odoo, Google and Meta sandboxes (the order tour). */
interface OdooDemoSide {
  store: { table(model: string): Map<number, Record<string, unknown>> };
  refund(orderId: number, amount?: number): number;
}
interface GoogleDemoSide {
  conversionCount(transactionId?: string): number;
  restatements(transactionId: string): number;
}
interface MetaDemoSide {
  conversions(eventId: string): number;
  state: { events: Map<string, unknown> };
}
interface HubSpotDealsSide {
  deals: { size: number };
}

export interface DemoStep {
  title: string;
  flow: string;
  run: Pick<Run, 'id' | 'status' | 'counts'>;
  writes: number;
}

export interface DemoResult {
  steps: DemoStep[];
  changes: string[];
}

export class DemoExpectationError extends Error {}

const A = 'hubspot-contacts-to-mailchimp';
const B = 'mailchimp-members-to-hubspot';

function writesOf(run: Pick<Run, 'counts'>): number {
  const c = run.counts;
  return c.created + c.updated + c.deleted;
}

export async function runToEnd(hub: Hub, engine: Engine, flowName: string): Promise<Run> {
  const flow = await hub.repos.flows.require(flowName);
  const { runId } = await engine.runner.startRun(flow.id, 'manual');
  for (;;) {
    const run = await hub.repos.runs.get(runId);
    if (run === undefined) throw new DemoExpectationError(`run ${runId} of ${flowName} disappeared`);
    if (run.status !== 'queued' && run.status !== 'running') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new DemoExpectationError(`demo expectation failed: ${what}`);
}

export interface DemoOptions {
  /** Called with each finished step, to print progress as it happens. */
  onStep?: (step: DemoStep) => void;
}

export async function runDemo(
  hub: Hub,
  engine: Engine,
  flows: FlowService,
  workspace: SandboxWorkspace,
  options: DemoOptions = {},
): Promise<DemoResult> {
  const hubspot = workspace.sandboxes.get('hubspot') as unknown as HubSpotDemoSide | undefined;
  const mailchimp = workspace.sandboxes.get('mailchimp') as unknown as MailchimpDemoSide | undefined;
  if (!hubspot || !mailchimp) throw new DemoExpectationError('the sandbox workspace has no HubSpot or Mailchimp');
  const names = Object.fromEntries(workspace.record.entries.map((e) => [e.connector, e.connectionName]));
  await flows.enableTemplate(WORKSPACE_TEMPLATE, {
    connections: { hubspot: names.hubspot!, mailchimp: names.mailchimp! },
  });
  await engine.runner.startWorker();

  const steps: DemoStep[] = [];
  const step = async (title: string, flow: string): Promise<DemoStep> => {
    const run = await runToEnd(hub, engine, flow);
    expect(run.status === 'succeeded' || run.status === 'partial', `${title}: the run ended ${run.status}`);
    const done: DemoStep = { title, flow, run, writes: writesOf(run) };
    steps.push(done);
    options.onStep?.(done);
    return done;
  };

  const first = await step('HubSpot → Mailchimp, first sync', A);
  expect(first.writes > 0, 'the first sync wrote consented contacts to Mailchimp');
  await step('Mailchimp → HubSpot, first sync', B);
  const againA = await step('HubSpot → Mailchimp again, nothing changed', A);
  const againB = await step('Mailchimp → HubSpot again, nothing changed', B);
  expect(againA.writes === 0 && againB.writes === 0, 'a second sync over unchanged data writes nothing');

  // one change on each side, as a user would make it in each vendor's UI
  const consented = [...hubspot.contacts.values()].find((c) => {
    const email = c.properties.email?.trim().toLowerCase();
    return c.properties.marketing_consent === 'true' && email !== undefined && mailchimp.member(email) !== undefined;
  });
  expect(consented !== undefined, 'a consented HubSpot contact is in the Mailchimp audience');
  const cityEmail = consented!.properties.email!.trim().toLowerCase();
  await hubspot.updateContact(consented!.id, { city: 'Питер' });
  const subscribed = [...mailchimp.members.values()].find(
    (m) => m.status === 'subscribed' && m.email_address.toLowerCase() !== cityEmail,
  );
  expect(subscribed !== undefined, 'a subscribed Mailchimp member exists');
  const unsubscribedEmail = subscribed!.email_address;
  await mailchimp.unsubscribe(unsubscribedEmail);
  const changes = [`In HubSpot, ${cityEmail} moved to "Питер".`, `In Mailchimp, ${unsubscribedEmail} unsubscribed.`];

  const changedA = await step('HubSpot → Mailchimp after the HubSpot change', A);
  expect(changedA.writes === 1, `the city change is written to Mailchimp once (wrote ${changedA.writes})`);
  const changedB = await step('Mailchimp → HubSpot after the Mailchimp change', B);
  expect(changedB.writes === 1, `the unsubscribe is written to HubSpot once (wrote ${changedB.writes})`);
  const echoA = await step('HubSpot → Mailchimp: the unsubscribe written to HubSpot does not echo', A);
  const echoB = await step('Mailchimp → HubSpot: the city written to Mailchimp does not echo', B);
  expect(echoA.writes === 0 && echoB.writes === 0, 'nothing bounces back');

  const member = mailchimp.member(cityEmail);
  expect(member?.merge_fields.CITY === 'Санкт-Петербург', 'Mailchimp holds the city spelled one way');
  changes.push(`Mailchimp now has ${cityEmail} in "${String(member?.merge_fields.CITY)}" (spelled one way).`);
  const contact = [...hubspot.contacts.values()].find(
    (c) => c.properties.email?.trim().toLowerCase() === unsubscribedEmail.toLowerCase(),
  );
  if (contact !== undefined) {
    expect(contact.properties.email_subscription_status === 'unsubscribed', 'HubSpot knows about the unsubscribe');
    changes.push(`HubSpot now has ${unsubscribedEmail} as "${contact.properties.email_subscription_status}".`);
  }
  if (workspace.sandboxes.has('odoo')) changes.push(...(await orderTour(flows, workspace, step)));
  return { steps, changes };
}

type Step = (title: string, flow: string) => Promise<DemoStep>;

/** The orders: Odoo → HubSpot deals, Google Ads conversions and Meta Purchases; a refund; a rerun. */
async function orderTour(flows: FlowService, workspace: SandboxWorkspace, step: Step): Promise<string[]> {
  const odoo = workspace.sandboxes.get('odoo') as unknown as OdooDemoSide | undefined;
  const google = workspace.sandboxes.get('google') as unknown as GoogleDemoSide | undefined;
  const meta = workspace.sandboxes.get('meta') as unknown as MetaDemoSide | undefined;
  const hubspot = workspace.sandboxes.get('hubspot') as unknown as HubSpotDealsSide | undefined;
  if (!odoo || !google || !meta || !hubspot)
    throw new DemoExpectationError('the sandbox workspace has no Odoo, Google or Meta sandbox');
  const names = Object.fromEntries(workspace.record.entries.map((e) => [e.connector, e.connectionName]));
  const [toDeals, toGoogle, toMeta] = ORDER_TEMPLATES;
  await flows.enableTemplate(toDeals, { connections: { odoo: names.odoo!, hubspot: names.hubspot! } });
  await flows.enableTemplate(toGoogle, { connections: { odoo: names.odoo!, google: names.google! } });
  await flows.enableTemplate(toMeta, { connections: { odoo: names.odoo!, meta: names.meta! } });
  const orders = [...odoo.store.table('sale.order').values()];
  const refs = orders.map((o) => String(o.name));

  const deals = await step('Odoo → HubSpot: sales orders become deals', toDeals);
  expect(deals.writes === orders.length, `each Odoo order became one HubSpot deal (wrote ${deals.writes})`);
  await step('Odoo → Google Ads: orders with a click id and consent become conversions', toGoogle);
  const converted = refs.filter((ref) => google.conversionCount(ref) === 1);
  expect(converted.length > 0, 'some orders reached Google Ads as conversions');
  await step('Odoo → Meta: orders with consent become Purchase events', toMeta);
  const purchased = refs.filter((ref) => meta.conversions(ref) === 1);
  expect(purchased.length > 0, 'some orders reached Meta as Purchase events');
  expect(meta.state.events.size === purchased.length, 'Meta holds one Purchase per order, no more');

  // refund, in Odoo, an order Google counted (and that was not refunded already)
  const refunded = (o: Record<string, unknown>) =>
    [...odoo.store.table('account.move').values()].some(
      (m) => m.move_type === 'out_refund' && m.invoice_origin === o.name,
    );
  const order = orders.find((o) => converted.includes(String(o.name)) && !refunded(o));
  expect(order !== undefined, 'an order Google counted is left to refund');
  const ref = String(order!.name);
  odoo.refund(Number(order!.id));
  const refund = await step(`Odoo → Google Ads after ${ref} was refunded in Odoo`, toGoogle);
  expect(refund.writes === 1 && google.restatements(ref) === 1, `the refund restated ${ref} once at Google Ads`);
  const again: DemoStep[] = [];
  for (const [flow, title] of [
    [toDeals, 'Odoo → HubSpot'],
    [toGoogle, 'Odoo → Google Ads'],
    [toMeta, 'Odoo → Meta'],
  ] as const)
    again.push(await step(`${title} again, nothing changed`, flow));
  expect(
    again.every((s) => s.writes === 0),
    'a rerun of the order flows sends nothing new',
  );
  expect(meta.conversions(ref) === 1 && google.conversionCount(ref) === 1, 'the refund created no second event');
  const held = orders.length - converted.length;
  return [
    `In Odoo, ${orders.length} sales orders of some of the same people: ${deals.writes} became deals in HubSpot (${hubspot.deals.size} deals there now).`,
    `${converted.length} of them had a Google click id and the customer's marketing consent: Google Ads counted ${google.conversionCount()} conversions; the other ${held} were held back, each with its reason (no consent, or no click id).`,
    `${purchased.length} orders with consent became Purchase events at Meta (event_id = the order reference), nothing for customers without consent.`,
    `${ref} was refunded in Odoo: Google Ads restated that conversion once, to what is left; Meta was not sent a second Purchase.`,
    'A rerun of the three order flows sent nothing new.',
  ];
}

export function formatDemoStep(step: DemoStep): string {
  const c = step.run.counts;
  return `  ${step.title}\n    read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged or skipped ${c.unchanged}, failed ${c.failed}`;
}
