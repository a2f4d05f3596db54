import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectionServiceFor } from '../../core/connections';
import { openEngine } from '../../core/runtime/engine';
import { flowServiceFor } from '../../core/runtime/flow-service';
import { runToEnd } from '../../core/sandbox/demo';
import { startSandbox as startHubSpot, type HubSpotSandbox } from '../../connectors/hubspot/sandbox';
import { CliBed, ROOT, type CliResult } from '../core/cli/helpers';
import { allowLoopbackForTests } from '../helpers/outbound';

/**
 * The Unisender plugin the way a partner ships it: `npm pack` of examples/unisender-plugin, a hub started with
 * HUB_PLUGINS=<that tarball> and a throwaway data dir, `hub plugins check <tarball>`, and a flow from the HubSpot
 * sandbox to the plugin's own sandbox with per-record outcomes and a rerun that writes nothing.
 */

// jest runs modules through its own loader, which does not consult the hub's Module._resolveFilename alias (see
// core/registry/sdk-alias.ts; test/core/registry/tarball.test.ts checks the real hook in a Node process).
jest.mock('connector-hub/sdk', () => jest.requireActual('../../core/sdk'), { virtual: true });

const PLUGIN_DIR = path.join(ROOT, 'examples', 'unisender-plugin');
const MAPPINGS = path.join(ROOT, 'test', 'fixtures', 'unisender-plugin', 'mappings');
const FLOW = 'hubspot-contacts-to-unisender';

interface UnisenderSandboxLike {
  settings: Record<string, unknown>;
  contacts: Map<string, { email_status: string; tags: Set<string>; fields: Map<string, string> }>;
  listEmails(listId?: number): string[];
  server: { count(filter?: { apiMethod?: string }): number };
  close(): Promise<void>;
}

/** Runs `hub plugins check …` in-process through the CLI, output captured. */
function pluginsCheck(bed: CliBed, ...args: string[]): Promise<CliResult> {
  return bed.hub('plugins', 'check', ...args);
}

describe('the Unisender plugin as an npm pack tarball', () => {
  // the plugin's own sandbox is a local server the hub did not start: allowed as an on-premise host would be
  allowLoopbackForTests();
  let packDir: string;
  let tarball: string;
  let bed: CliBed;
  let hubspot: HubSpotSandbox;
  let unisender: UnisenderSandboxLike | undefined;
  let builtHere = false;

  beforeAll(async () => {
    packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-unisender-pack-'));
    // prepack writes examples/unisender-plugin/dist; leave the checkout as found (lint does not expect built files)
    builtHere = !fs.existsSync(path.join(PLUGIN_DIR, 'dist'));
    // prepack builds dist/ against the hub's sources next door (examples/unisender-plugin/scripts/build.mjs)
    const printed = execFileSync('npm', ['pack', '--pack-destination', packDir, '--silent'], {
      cwd: PLUGIN_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    tarball = path.join(packDir, printed.trim().split('\n').at(-1)!);
    bed = new CliBed({ HUB_PLUGINS: tarball, HUB_MAPPINGS_DIR: MAPPINGS, HUB_SANDBOX: 'off' });
    hubspot = await startHubSpot({ seedContacts: 0 });
    const at = Date.now() - 60 * 60_000;
    for (const [i, contact] of hubspot.addContacts(30, { modifiedAt: at, prefix: 'Person.' }).entries()) {
      contact.properties.email = i % 4 === 0 ? `  Person.${i}@Example.com ` : contact.properties.email!;
      contact.properties.firstname = `first${i}`;
      if (i % 3 === 0) contact.properties.city = 'Питер';
    }
    // Unisender refuses this row: it must come back as one failed/permanent outcome, the rest still imported
    await hubspot.upsertContact({ email: 'no-at-sign.example.com', firstname: 'Broken' });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([hubspot?.close(), unisender?.close()]);
    bed?.cleanup();
    if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
    if (builtHere) fs.rmSync(path.join(PLUGIN_DIR, 'dist'), { recursive: true, force: true });
  });

  it('holds the built plugin (dist/, README, package.json) and its bundled TypeBox, nothing of the hub', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
    // TypeBox is bundled (bundleDependencies), so the tarball loads without npm install
    expect(files).toContain('package/node_modules/@sinclair/typebox/package.json');
    const own = files.filter((f) => !f.startsWith('package/node_modules/@sinclair/typebox/'));
    expect(own.filter((f) => !/^package\/(dist\/.+\.(js|d\.ts)|README\.md|package\.json)$/.test(f))).toEqual([]);
    // nothing of the hub's SDK is inside: the plugin requires it by name
    const index = execFileSync('tar', ['-xzOf', tarball, 'package/dist/index.js'], { encoding: 'utf8' });
    expect(index).toContain('require("connector-hub/sdk")');
  });

  it('a hub with HUB_PLUGINS=<tarball> lists the connector, unpacked into its data dir', async () => {
    const listed = await bed.hub('connectors', 'list', '--json');
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('"unisender"');
    await bed.withHub(async (hub) => {
      expect(hub.registry.problems).toEqual([]);
      expect(hub.registry.describe('unisender')).toMatchObject({ id: 'unisender', source: 'hub-connector-unisender' });
    });
    const unpacked = fs.readdirSync(path.join(bed.dir, 'data', 'plugins'));
    expect(unpacked).toEqual([expect.stringMatching(/^hub-connector-unisender-1\.0\.0-[0-9a-f]{8}$/)]);
  });

  it('hub plugins check <tarball> loads it from the tarball and runs every rule against its sandbox', async () => {
    const result = await pluginsCheck(bed, tarball);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('hub-connector-unisender@1.0.0 (connector unisender), options from conformance export');
    const passed = lines.filter((l) => l.startsWith('pass')).map((l) => l.split(/\s+/)[1]);
    expect(passed).toEqual(
      expect.arrayContaining([
        'definition.valid',
        'definition.settings-schema',
        'definition.secrets-marked',
        'definition.api-policy',
        'definition.record-schemas',
        'definition.erase-declared',
        'check.accepts-good-credentials',
        'stream.pages-end',
        'stream.records-valid',
        'check.rejects-bad-credentials',
        'check.secret-not-in-message',
        'stream.resumable',
        'action.max-batch-accepted',
        'action.documented-rejection',
        'action.idempotent',
      ]),
    );
    // the package exports its `conformance` setup, so every rule runs with its hooks: none fails
    expect(lines.filter((l) => l.startsWith('fail'))).toEqual([]);
    expect(result.code).toBe(0);
  }, 90_000);

  it('a flow HubSpot sandbox → Unisender sandbox moves contacts with per-record outcomes; a rerun writes nothing', async () => {
    await bed.withHub(async (hub) => {
      // the plugin's sandbox, from the module the registry loaded out of the tarball
      const entry = hub.registry.describe('unisender').source;
      expect(entry).toBe('hub-connector-unisender');
      const unpacked = path.join(bed.dir, 'data', 'plugins', fs.readdirSync(path.join(bed.dir, 'data', 'plugins'))[0]!);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the unpacked plugin is found at run time
      const plugin = require(path.join(unpacked, 'dist', 'index.js')) as {
        startSandbox(options?: { seedContacts?: number }): Promise<UnisenderSandboxLike>;
      };
      unisender = await plugin.startSandbox({ seedContacts: 0 });
      const imports = () => unisender!.server.count({ apiMethod: 'importContacts' });

      const engine = await openEngine(hub, { scheduler: false });
      try {
        await engine.runner.startWorker();
        const connections = connectionServiceFor(hub);
        await connections.create({ name: 'crm', connectorId: 'hubspot', settings: hubspot.settings });
        await connections.create({ name: 'mail', connectorId: 'unisender', settings: unisender.settings });
        await flowServiceFor(hub).create({
          name: FLOW,
          source: { connection: 'crm', stream: 'contacts' },
          mapping: { id: 'hubspot-contact-to-unisender-contact' },
          target: { connection: 'mail', action: 'importContacts' },
          trigger: { type: 'manual' },
          mode: 'upsert',
          identity: { source: ['id'], target: 'email' },
        });

        const first = await runToEnd(hub, engine, FLOW);
        expect(first.status).toBe('partial');
        expect(first.counts).toMatchObject({ read: 31, created: 30, failed: 1 });
        const failures = await hub.repos.runs.failures(first.id);
        expect(failures).toEqual([
          expect.objectContaining({
            failureKind: 'permanent',
            reason: expect.stringContaining('no-at-sign.example.com'),
          }),
        ]);
        expect(unisender.listEmails()).toHaveLength(30);
        const padded = unisender.contacts.get('person.0@example.com');
        expect(Object.fromEntries(padded?.fields ?? [])).toMatchObject({ Name: 'first0', City: 'Питер' });
        expect([...(padded?.tags ?? [])]).toEqual(['lifecycle-lead']);
        expect(padded?.email_status).toBe('active');
        expect(imports()).toBeGreaterThan(0);

        // the rerun writes nothing: only the refused row (modified inside the look-back) is tried once more and dead-lettered
        const callsBefore = imports();
        const rerun = await runToEnd(hub, engine, FLOW);
        expect(rerun.counts).toMatchObject({ read: 1, created: 0, updated: 0, deleted: 0, failed: 1, deadLettered: 1 });
        expect(imports()).toBe(callsBefore + 1);
        expect(unisender.listEmails()).toHaveLength(30);
      } finally {
        await engine.close();
      }
    });
  }, 90_000);
});
