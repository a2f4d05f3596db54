import type { FlowService } from '../flows';
import type { Engine } from '../runtime/engine';
import type { Hub } from '../runtime/hub';
import type { Run } from '../store/repos';
import { WORKSPACE_TEMPLATE, type SandboxWorkspace } from './workspace';

/**
 * The guided tour `hub demo` runs against the sandbox workspace, non-interactively: enable the HubSpot ↔ Mailchimp
 * template, sync both ways, sync again (nothing to write), change a contact on each side, sync again (each change
 * travels once), and a last round that proves nothing echoes back. Every step checks what it expects, so the tour
 * doubles as an end-to-end smoke test: a surprise makes it fail with the step named.
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
  return { steps, changes };
}

export function formatDemoStep(step: DemoStep): string {
  const c = step.run.counts;
  return `  ${step.title}\n    read ${c.read}, created ${c.created}, updated ${c.updated}, unchanged or skipped ${c.unchanged}, failed ${c.failed}`;
}
