import type { HubSpotSandbox } from '../../../connectors/hubspot/sandbox';
import type { SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { connectionServiceFor } from '../../../core/connections';
import {
  WORKSPACE_META_KEY,
  readWorkspace,
  sandboxConnectionIds,
  startSandboxWorkspace,
  workspaceNotice,
  type SandboxWorkspace,
} from '../../../core/sandbox/workspace';
import { CliBed } from '../cli/helpers';

describe('sandbox workspace', () => {
  let bed: CliBed;
  const open: SandboxWorkspace[] = [];

  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(async () => {
    for (const w of open.splice(0)) await w.close();
    bed.cleanup();
  });

  it('on an empty store creates seeded sandboxes and connections marked as sandbox ones', async () => {
    await bed.withHub(async (hub) => {
      const workspace = await startSandboxWorkspace(hub, { seedContacts: 50 });
      expect(workspace).toBeDefined();
      open.push(workspace!);
      expect(workspace!.created).toBe(true);
      const connections = await hub.repos.connections.list();
      expect(connections.map((c) => [c.name, c.connectorId]).sort()).toEqual([
        ['sandbox-google', 'google'],
        ['sandbox-hubspot', 'hubspot'],
        ['sandbox-mailchimp', 'mailchimp'],
        ['sandbox-meta', 'meta'],
        ['sandbox-odoo', 'odoo'],
        ['sandbox-sendgrid', 'sendgrid'],
      ]);
      expect([...(await sandboxConnectionIds(hub))].sort()).toEqual(connections.map((c) => c.id).sort());
      // the sandbox connections work: the connectors' own checks pass against the sandboxes
      for (const c of connections) expect((await connectionServiceFor(hub).check(c.id)).ok).toBe(true);
      const hubspot = workspace!.sandboxes.get('hubspot') as unknown as { contacts: { size: number } };
      // 50 seeded rows; the duplicates among them share an e-mail, which HubSpot keeps as one contact
      expect(hubspot.contacts.size).toBeGreaterThan(40);
      expect(hubspot.contacts.size).toBeLessThanOrEqual(50);
      // SendGrid holds a fifth of the same people, as Mailchimp does: those without consent unsubscribed, some bounced
      const sendgrid = workspace!.sandboxes.get('sendgrid') as SendGridSandbox;
      expect(sendgrid.contacts.size).toBeGreaterThan(5);
      expect(sendgrid.contacts.size).toBeLessThanOrEqual(10);
      expect(sendgrid.suppressionLists.unsubscribe.length).toBeGreaterThan(0);
      expect(sendgrid.suppressionLists.bounce).toHaveLength(0); // the 25th of ten rows is not seeded
      const hubspotEmails = new Set(
        [...(hubspot as unknown as HubSpotSandbox).contacts.values()].map((c) =>
          String(c.properties.email).trim().toLowerCase(),
        ),
      );
      for (const contact of sendgrid.contacts.values()) expect(hubspotEmails).toContain(contact.email);
      const notice = workspaceNotice(workspace!);
      expect(notice).toContain('hub flows enable hubspot-mailchimp-contacts --connection hubspot=sandbox-hubspot');
      expect(notice).toContain('HUB_SANDBOX=off');
      expect(notice).toContain(
        'hub flows enable odoo-orders-to-google-ads-conversions --connection odoo=sandbox-odoo --connection google=sandbox-google',
      );
      expect(notice).toContain(
        'hub flows enable hubspot-sendgrid-contacts --connection hubspot=sandbox-hubspot --connection sendgrid=sandbox-sendgrid',
      );
    });
  });

  it('a later start restarts the same sandbox connections instead of adding new ones', async () => {
    await bed.withHub(async (hub) => {
      const first = await startSandboxWorkspace(hub, { seedContacts: 20 });
      const ids = first!.record.entries.map((e) => e.connectionId);
      await first!.close();
      const second = await startSandboxWorkspace(hub, { seedContacts: 20 });
      open.push(second!);
      expect(second!.created).toBe(false);
      expect(second!.record.entries.map((e) => e.connectionId)).toEqual(ids);
      expect(await hub.repos.connections.list()).toHaveLength(6);
      const settings = (await hub.repos.connections.get(ids[0]!, { decrypt: true }))!.settings as { baseUrl: string };
      expect(settings.baseUrl).toBe(second!.sandboxes.get('hubspot')!.settings.baseUrl);
    });
  });

  it('a workspace made before SendGrid joined gains its sandbox and connection on restart, keeping the rest', async () => {
    // what an older version left behind: the workspace record and connections without SendGrid, a template enabled
    const before = await bed.withHub(async (hub) => {
      const first = (await startSandboxWorkspace(hub, { seedContacts: 20 }))!;
      await first.close();
      const sendgridEntry = first.record.entries.find((e) => e.connector === 'sendgrid')!;
      await hub.repos.connections.delete(sendgridEntry.connectionId);
      const older = { ...first.record, entries: first.record.entries.filter((e) => e !== sendgridEntry) };
      await hub.repos.meta.set(WORKSPACE_META_KEY, JSON.stringify(older));
      return older.entries;
    });
    expect(before.map((e) => e.connector)).toEqual(['hubspot', 'mailchimp', 'odoo', 'google', 'meta']);
    const enabled = await bed.hub(
      'flows',
      'enable',
      'hubspot-mailchimp-contacts',
      '--connection',
      'hubspot=sandbox-hubspot',
      '--connection',
      'mailchimp=sandbox-mailchimp',
    );
    expect(enabled.code).toBe(0);

    await bed.withHub(async (hub) => {
      const second = (await startSandboxWorkspace(hub))!;
      open.push(second);
      expect(second.created).toBe(false);
      // the five connections it had are the same ones, pointed at the restarted sandboxes
      for (const entry of before) {
        const now = second.record.entries.find((e) => e.connector === entry.connector)!;
        expect(now.connectionId).toBe(entry.connectionId);
        const stored = (await hub.repos.connections.get(now.connectionId, { decrypt: true }))!;
        expect(stored.settings).toMatchObject(second.sandboxes.get(entry.connector)!.settings);
      }
      // SendGrid joined: a sandbox seeded like the first start's, a connection that passes the connector's check
      const added = second.record.entries.find((e) => e.connector === 'sendgrid')!;
      expect(added.connectionName).toBe('sandbox-sendgrid');
      expect((await sandboxConnectionIds(hub)).has(added.connectionId)).toBe(true);
      expect((await connectionServiceFor(hub).check(added.connectionId)).ok).toBe(true);
      expect((second.sandboxes.get('sendgrid') as SendGridSandbox).contacts.size).toBeGreaterThan(0);
      expect((await readWorkspace(hub))!.entries.map((e) => e.connector).sort()).toEqual([
        'google',
        'hubspot',
        'mailchimp',
        'meta',
        'odoo',
        'sendgrid',
      ]);
      expect(await hub.repos.connections.list()).toHaveLength(6);
      // the template enabled before the upgrade is still there, against the same connections
      expect(second.templateFlows.sort()).toEqual(['hubspot-contacts-to-mailchimp', 'mailchimp-members-to-hubspot']);
      // and the notice shows how to enable the SendGrid template against the connection just added
      expect(workspaceNotice(second)).toContain(
        'hub flows enable hubspot-sendgrid-contacts --connection hubspot=sandbox-hubspot --connection sendgrid=sandbox-sendgrid',
      );
    });
  });

  it("a connector joining an older workspace takes a free name when the user's connection has its name", async () => {
    await bed.withHub(async (hub) => {
      const first = (await startSandboxWorkspace(hub, { seedContacts: 10 }))!;
      await first.close();
      const sendgridEntry = first.record.entries.find((e) => e.connector === 'sendgrid')!;
      await hub.repos.connections.delete(sendgridEntry.connectionId);
      const older = { ...first.record, entries: first.record.entries.filter((e) => e !== sendgridEntry) };
      await hub.repos.meta.set(WORKSPACE_META_KEY, JSON.stringify(older));
    });
    await bed.fileConnection('sandbox-sendgrid');
    await bed.withHub(async (hub) => {
      const second = (await startSandboxWorkspace(hub))!;
      open.push(second);
      const added = second.record.entries.find((e) => e.connector === 'sendgrid')!;
      expect(added.connectionName).toBe('sandbox-sendgrid-2');
      expect((await hub.repos.connections.get('sandbox-sendgrid'))?.connectorId).toBe('file');
      expect((await sandboxConnectionIds(hub)).has((await hub.repos.connections.get('sandbox-sendgrid'))!.id)).toBe(
        false,
      );
      expect((await connectionServiceFor(hub).check('sandbox-sendgrid-2')).ok).toBe(true);
    });
  });

  it('leaves a hub that already has real connections alone', async () => {
    await bed.fileConnection('exports');
    await bed.withHub(async (hub) => {
      expect(await startSandboxWorkspace(hub)).toBeUndefined();
      expect(await readWorkspace(hub)).toBeUndefined();
      expect((await hub.repos.connections.list()).map((c) => c.name)).toEqual(['exports']);
    });
  });

  it('`hub connections list` tells sandbox connections from real ones', async () => {
    await bed.withHub(async (hub) => {
      open.push((await startSandboxWorkspace(hub, { seedContacts: 10 }))!);
    });
    await bed.fileConnection('exports');
    const listed = await bed.hub('connections', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/sandbox-hubspot\s+hubspot\s+sandbox/);
    expect(listed.stdout).toMatch(/exports\s+file\s+real/);
    const json = JSON.parse((await bed.hub('connections', 'list', '--json')).stdout) as {
      name: string;
      sandbox: boolean;
    }[];
    expect(json.find((c) => c.name === 'sandbox-mailchimp')?.sandbox).toBe(true);
    expect(json.find((c) => c.name === 'exports')?.sandbox).toBe(false);
  });
});
