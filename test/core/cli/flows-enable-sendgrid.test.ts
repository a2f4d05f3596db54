import type { HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import type { SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { startSandboxWorkspace, workspaceNotice, type SandboxWorkspace } from '../../../core/sandbox/workspace';
import { CliBed } from './helpers';

/**
 * A marketer on a fresh install enables hubspot-sendgrid-contacts against the first-start workspace with the
 * commands `hub serve` prints, runs both flows from the CLI, and the people land where the template says.
 */
describe('hub flows enable hubspot-sendgrid-contacts against the sandbox workspace', () => {
  let bed: CliBed;
  let workspace: SandboxWorkspace | undefined;
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(async () => {
    await workspace?.close();
    workspace = undefined;
    bed.cleanup();
  });

  const runJson = async (flow: string) => {
    const result = await bed.hub('flows', 'run', flow, '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as {
      status: string;
      counts: { read: number; created: number; updated: number; failed: number };
    };
  };

  it('consented HubSpot contacts reach SendGrid cleaned; a bounce in SendGrid marks the HubSpot contact cleaned', async () => {
    workspace = await bed.withHub(async (hub) => startSandboxWorkspace(hub, { seedContacts: 200 }));
    const hubspot = workspace!.sandboxes.get('hubspot') as HubSpotSandbox;
    const sendgrid = workspace!.sandboxes.get('sendgrid') as SendGridSandbox;
    const emailOf = (c: { properties: Record<string, string | null | undefined> }) =>
      String(c.properties.email).trim().toLowerCase();
    const consented = [...hubspot.contacts.values()].filter((c) => c.properties.marketing_consent === 'true');
    expect(consented.length).toBeGreaterThan(0);
    // the seeded bounce: a consented HubSpot contact who is still subscribed there
    const bounced = sendgrid.suppressionLists.bounce.map((s) => s.email);
    expect(bounced).toHaveLength(1);
    const bouncedContact = [...hubspot.contacts.values()].find((c) => emailOf(c) === bounced[0])!;
    expect(bouncedContact.properties.email_subscription_status).toBe('subscribed');

    const enabled = await bed.hub(
      'flows',
      'enable',
      'hubspot-sendgrid-contacts',
      '--connection',
      'hubspot=sandbox-hubspot',
      '--connection',
      'sendgrid=sandbox-sendgrid',
      '--schedule',
      'manual',
    );
    expect(enabled.stderr).toBe('');
    expect(enabled.code).toBe(0);

    const forward = await runJson('hubspot-contacts-to-sendgrid');
    expect(forward).toMatchObject({ status: 'succeeded', counts: { read: hubspot.contacts.size, failed: 0 } });
    expect(forward.counts.created + forward.counts.updated).toBe(consented.length);
    for (const contact of consented) {
      const landed = sendgrid.contactByEmail(emailOf(contact));
      expect(landed).toBeDefined();
      // the lifecycle stage in the custom field lifecycle_stage
      const stage = sendgrid.fieldDefinitions.find((f) => f.name === 'lifecycle_stage')!;
      expect(landed!.custom_fields[stage.id]).toBe(String(contact.properties.lifecyclestage).toLowerCase());
    }
    // a full name typed into HubSpot's firstname arrives split, trimmed; one spelling per city
    const fullNames = consented.filter(
      (c) => c.properties.lastname === undefined && /\S\s+\S/.test(String(c.properties.firstname)),
    );
    expect(fullNames.length).toBeGreaterThan(0);
    for (const contact of fullNames) {
      const landed = sendgrid.contactByEmail(emailOf(contact))!;
      expect(landed.first_name).toMatch(/^\S+$/);
      expect(landed.last_name).toMatch(/^\S+$/);
    }
    const piter = consented.filter((c) => ['СПб', 'Питер'].includes(String(c.properties.city)));
    expect(piter.length).toBeGreaterThan(0);
    for (const contact of piter) expect(sendgrid.contactByEmail(emailOf(contact))!.city).toBe('Санкт-Петербург');
    // nothing changed since: a rerun writes nothing
    expect(await runJson('hubspot-contacts-to-sendgrid')).toMatchObject({ counts: { created: 0, updated: 0 } });

    const back = await runJson('sendgrid-suppressions-to-hubspot');
    expect(back).toMatchObject({ status: 'succeeded', counts: { failed: 0 } });
    expect(back.counts.read).toBe(sendgrid.suppressionLists.unsubscribe.length + 1);
    expect(bouncedContact.properties.email_subscription_status).toBe('cleaned');

    // the next start no longer prints the enable command (a second enable would fail: the flows exist)
    await workspace!.close();
    workspace = await bed.withHub(async (hub) => startSandboxWorkspace(hub));
    expect(workspaceNotice(workspace!)).not.toContain('flows enable hubspot-sendgrid-contacts');
  }, 60_000);
});
