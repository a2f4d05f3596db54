import path from 'node:path';
import { connectionServiceFor } from '../connections';
import { defaultConnectorsDir } from '../registry';
import type { Hub } from '../runtime/hub';
import type { ConnectorSandbox, SandboxOptions } from './types';

/**
 * The sandbox workspace: local stand-ins for HubSpot, Mailchimp and SendGrid seeded with messy contacts, Odoo with
 * sales orders of some of the same people (click ids, consent both ways, refunds), and Google Ads and Meta to
 * receive conversions, with connections to them, so a hub works on first start with nothing configured. Which
 * connections are sandbox ones is recorded in the store's meta table (`sandbox.workspace`); real connections sit
 * beside them untouched.
 *
 * Sandboxes hold their data in memory. On every later start they are seeded again from the same seed, so the
 * sync state of flows that touch a sandbox connection (their checkpoints and record links) is reset with them:
 * otherwise the hub would remember writes the restarted sandbox no longer holds.
 */

export const WORKSPACE_META_KEY = 'sandbox.workspace';
export const WORKSPACE_CONNECTORS = ['hubspot', 'mailchimp', 'sendgrid', 'odoo', 'google', 'meta'] as const;
/** Templates of the order tour (`hub demo`): Odoo orders to HubSpot deals, Google Ads conversions, Meta Purchases. */
export const ORDER_TEMPLATES = [
  'odoo-orders-to-hubspot-deals',
  'odoo-orders-to-google-ads-conversions',
  'odoo-orders-to-meta-purchases',
] as const;
/** Sales orders seeded in the Odoo sandbox, and how many of the HubSpot people are its customers. */
export const SEED_ORDERS = 12;
const ODOO_CUSTOMERS = 30;
export const WORKSPACE_TEMPLATE = 'hubspot-mailchimp-contacts';
/** The same contacts kept in sync with SendGrid instead of (or beside) Mailchimp. */
export const SENDGRID_TEMPLATE = 'hubspot-sendgrid-contacts';
export const DEFAULT_SEED_CONTACTS = 1000;
const SEED = 7;

export interface WorkspaceEntry {
  connector: string;
  connectionId: string;
  connectionName: string;
  port: number;
}

export interface WorkspaceRecord {
  createdAt: string;
  seedContacts: number;
  entries: WorkspaceEntry[];
}

export interface SandboxWorkspace {
  record: WorkspaceRecord;
  /** Running sandboxes by connector id. */
  sandboxes: Map<string, ConnectorSandbox>;
  /** True when this start created the workspace (the store was empty). */
  created: boolean;
  /** Names of the flows already enabled from the workspace template (empty: the hint shows how to enable it). */
  templateFlows: string[];
  /** True when no flow comes from the SendGrid template yet (the hint shows how to enable it). */
  sendgridTemplateFree: boolean;
  close(): Promise<void>;
}

type StartSandbox = (options: SandboxOptions) => Promise<ConnectorSandbox>;

/** Loads `connectors/<id>/sandbox` by convention: every connector folder may ship one exporting startSandbox. */
export function loadSandboxStarter(connectorId: string, connectorsDir = defaultConnectorsDir()): StartSandbox {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is found by convention at run time
  const loaded = require(path.join(connectorsDir, connectorId, 'sandbox')) as { startSandbox?: unknown };
  if (typeof loaded.startSandbox !== 'function')
    throw new Error(`connectors/${connectorId}/sandbox does not export startSandbox(options)`);
  return loaded.startSandbox as StartSandbox;
}

/** The hub is new: no connection and no flow yet. */
export async function storeIsEmpty(hub: Hub): Promise<boolean> {
  const [connections, flows] = await Promise.all([hub.repos.connections.list(), hub.repos.flows.list()]);
  return connections.length === 0 && flows.length === 0;
}

export async function readWorkspace(hub: Hub): Promise<WorkspaceRecord | undefined> {
  const raw = await hub.repos.meta.get(WORKSPACE_META_KEY);
  return raw === undefined ? undefined : (JSON.parse(raw) as WorkspaceRecord);
}

/** Ids of the connections that talk to a sandbox (empty when there is no workspace). */
export async function sandboxConnectionIds(hub: Hub): Promise<Set<string>> {
  const record = await readWorkspace(hub);
  return new Set(record?.entries.map((e) => e.connectionId) ?? []);
}

/**
 * The CRM holds everyone; each e-mail tool (Mailchimp, SendGrid) already has a fifth of the same people (some
 * unsubscribed, some bounced); the ERP's customers are the first of them (same seed, same people); the ad
 * platforms start empty.
 */
function seedFor(connector: string, seedContacts: number): number {
  if (connector === 'hubspot') return seedContacts;
  if (connector === 'odoo') return Math.min(ODOO_CUSTOMERS, seedContacts);
  if (connector === 'google' || connector === 'meta') return 0;
  return Math.round(seedContacts / 5);
}

/** What a sandbox seeds beyond its contacts: Odoo their orders; SendGrid their unsubscribes and bounces. */
const SEED_EXTRAS: Partial<Record<string, Record<string, unknown>>> = {
  odoo: { seedOrders: SEED_ORDERS },
  sendgrid: { seedSuppressions: true },
};

async function startOne(connector: string, port: number, contacts: number): Promise<ConnectorSandbox> {
  const start = loadSandboxStarter(connector);
  const options = { seedContacts: seedFor(connector, contacts), seed: SEED, ...SEED_EXTRAS[connector] };
  try {
    return await start({ port, ...options });
  } catch (error) {
    // the port of the last start is taken: any free port will do, the connection is pointed at it
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') return start({ port: 0, ...options });
    throw error;
  }
}

/**
 * `sandbox-<connector>`, or `sandbox-<connector>-2`… when the user has a connection of that name already (a
 * connector added to an existing workspace by a newer version: the start must not fail over a name).
 */
async function freeName(hub: Hub, base: string): Promise<string> {
  let name = base;
  for (let n = 2; (await hub.repos.connections.get(name)) !== undefined; n++) name = `${base}-${n}`;
  return name;
}

/** Forgets what the hub synced with sandbox connections, so flows start over against the re-seeded sandboxes. */
async function resetSyncState(hub: Hub, connectionIds: readonly string[]): Promise<void> {
  if (connectionIds.length === 0) return;
  const ids = [...connectionIds];
  const flows = (await hub.repos.flows.list()).filter(
    (f) => ids.includes(f.sourceConnectionId ?? '') || ids.includes(f.targetConnectionId ?? ''),
  );
  for (const flow of flows) await hub.repos.checkpoints.clear(flow.id);
  await hub.repos.recordLinks.deleteInConnections(ids);
}

/** Flows created from the workspace template over the sandbox connections (the template is enabled already). */
async function workspaceTemplateFlows(hub: Hub, entries: readonly WorkspaceEntry[]): Promise<string[]> {
  const ids = new Set(entries.map((e) => e.connectionId));
  return (await hub.repos.flows.list())
    .filter((f) => f.template === WORKSPACE_TEMPLATE)
    .filter((f) => ids.has(f.sourceConnectionId ?? '') || ids.has(f.targetConnectionId ?? ''))
    .map((f) => f.name);
}

/**
 * Starts the sandbox workspace: on an empty store creates it (sandboxes, seeded, and connections named
 * `sandbox-<connector>`); when one exists, restarts its sandboxes and points the connections at them. Returns
 * undefined when the hub has real connections but no workspace (nothing to start).
 */
export async function startSandboxWorkspace(
  hub: Hub,
  options: { seedContacts?: number } = {},
): Promise<SandboxWorkspace | undefined> {
  const existing = await readWorkspace(hub);
  if (existing === undefined && !(await storeIsEmpty(hub))) return undefined;
  const seedContacts = existing?.seedContacts ?? options.seedContacts ?? DEFAULT_SEED_CONTACTS;
  const sandboxes = new Map<string, ConnectorSandbox>();
  const close = async () => {
    await Promise.all([...sandboxes.values()].map((s) => s.close()));
  };
  try {
    const connections = connectionServiceFor(hub);
    const entries: WorkspaceEntry[] = [];
    // the sandboxes start side by side (start-up time is the slowest one's, not the sum)
    const previousOf = (connector: string) => existing?.entries.find((e) => e.connector === connector);
    const started = await Promise.allSettled(
      WORKSPACE_CONNECTORS.map((c) => startOne(c, previousOf(c)?.port ?? 0, seedContacts)),
    );
    started.forEach((result, i) => {
      if (result.status === 'fulfilled') sandboxes.set(WORKSPACE_CONNECTORS[i]!, result.value);
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    for (const connector of WORKSPACE_CONNECTORS) {
      // a workspace made by an older version lacks the newer connectors: their connections are added now
      const previous = previousOf(connector);
      const sandbox = sandboxes.get(connector)!;
      const port = Number(new URL(sandbox.url).port);
      const stored = previous && (await hub.repos.connections.get(previous.connectionId));
      const connection = stored
        ? await connections.update(stored.id, { settings: sandbox.settings }, { actor: 'system' })
        : await connections.create(
            { name: await freeName(hub, `sandbox-${connector}`), connectorId: connector, settings: sandbox.settings },
            { actor: 'system' },
          );
      entries.push({ connector, connectionId: connection.id, connectionName: connection.name, port });
    }
    if (existing)
      await resetSyncState(
        hub,
        existing.entries.map((e) => e.connectionId),
      );
    const record: WorkspaceRecord = {
      createdAt: existing?.createdAt ?? new Date().toISOString(),
      seedContacts,
      entries,
    };
    await hub.repos.meta.set(WORKSPACE_META_KEY, JSON.stringify(record));
    const templateFlows = await workspaceTemplateFlows(hub, entries);
    const sendgridTemplateFree = !(await hub.repos.flows.list()).some((f) => f.template === SENDGRID_TEMPLATE);
    return { record, sandboxes, created: existing === undefined, templateFlows, sendgridTemplateFree, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What `hub serve` prints about the workspace: what it is and how to enable the template against it. */
export function workspaceNotice(workspace: SandboxWorkspace): string {
  const lines = workspace.record.entries.map((e) => {
    const sandbox = workspace.sandboxes.get(e.connector);
    return `    ${e.connectionName.padEnd(18)} ${e.connector.padEnd(10)} ${sandbox?.url ?? ''}`;
  });
  const role = (connector: string) =>
    workspace.record.entries.find((e) => e.connector === connector)?.connectionName ?? `sandbox-${connector}`;
  return [
    '',
    workspace.created
      ? `Sandbox workspace created: local stand-ins for HubSpot (${workspace.record.seedContacts} messy contacts), Mailchimp and SendGrid (${seedFor('mailchimp', workspace.record.seedContacts)} of the same people already in each), Odoo (${SEED_ORDERS} sales orders of some of them), Google Ads and Meta. HUB_SANDBOX=off turns this off.`
      : `Sandbox workspace restarted and re-seeded with ${workspace.record.seedContacts} contacts (sandboxes keep data in memory; their sync state was reset).`,
    'Sandbox connections (marked "sandbox" in `hub connections list`):',
    ...lines,
    '',
    // the enable command only while the template is not enabled (a second enable would fail: the flows exist)
    ...(workspace.templateFlows.length === 0
      ? [
          'Try the two-way contact sync against them:',
          `    npx hub flows enable ${WORKSPACE_TEMPLATE} --connection hubspot=${role('hubspot')} --connection mailchimp=${role('mailchimp')}`,
          '    npx hub flows run hubspot-contacts-to-mailchimp',
          '    npx hub flows run mailchimp-members-to-hubspot',
        ]
      : [
          `Template ${WORKSPACE_TEMPLATE} is enabled against them (flows ${workspace.templateFlows.join(', ')}); run one with:`,
          ...workspace.templateFlows.map((name) => `    npx hub flows run ${name}`),
        ]),
    // on a new workspace no order flow exists yet, so the enable command cannot clash with one
    ...(workspace.created
      ? [
          'Send Odoo orders to Google Ads (customers with marketing consent and a click id only):',
          `    npx hub flows enable ${ORDER_TEMPLATES[1]} --connection odoo=${role('odoo')} --connection google=${role('google')}`,
        ]
      : []),
    // while no flow comes from the SendGrid template (also on a workspace that just gained SendGrid on an upgrade)
    ...(workspace.sendgridTemplateFree
      ? [
          'Keep the same contacts in sync with SendGrid (unsubscribes and bounces come back to HubSpot):',
          `    npx hub flows enable ${SENDGRID_TEMPLATE} --connection hubspot=${role('hubspot')} --connection sendgrid=${role('sendgrid')}`,
        ]
      : []),
    'or run the whole tour in one go (contacts, then orders from Odoo to HubSpot, Google Ads and Meta): npx hub demo',
    '',
  ].join('\n');
}
