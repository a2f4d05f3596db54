import { connectionServiceFor } from '../../../core/connections';
import {
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
      ]);
      expect([...(await sandboxConnectionIds(hub))].sort()).toEqual(connections.map((c) => c.id).sort());
      // the sandbox connections work: the connectors' own checks pass against the sandboxes
      for (const c of connections) expect((await connectionServiceFor(hub).check(c.id)).ok).toBe(true);
      const hubspot = workspace!.sandboxes.get('hubspot') as unknown as { contacts: { size: number } };
      // 50 seeded rows; the duplicates among them share an e-mail, which HubSpot keeps as one contact
      expect(hubspot.contacts.size).toBeGreaterThan(40);
      expect(hubspot.contacts.size).toBeLessThanOrEqual(50);
      const notice = workspaceNotice(workspace!);
      expect(notice).toContain('hub flows enable hubspot-mailchimp-contacts --connection hubspot=sandbox-hubspot');
      expect(notice).toContain('HUB_SANDBOX=off');
      expect(notice).toContain(
        'hub flows enable odoo-orders-to-google-ads-conversions --connection odoo=sandbox-odoo --connection google=sandbox-google',
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
      expect(await hub.repos.connections.list()).toHaveLength(5);
      const settings = (await hub.repos.connections.get(ids[0]!, { decrypt: true }))!.settings as { baseUrl: string };
      expect(settings.baseUrl).toBe(second!.sandboxes.get('hubspot')!.settings.baseUrl);
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
