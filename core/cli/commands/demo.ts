import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { openEngine } from '../../runtime/engine';
import { flowServiceFor } from '../../runtime/flow-service';
import { openHub } from '../../runtime/hub';
import { formatDemoStep, runDemo } from '../../sandbox/demo';
import { DEFAULT_SEED_CONTACTS, ORDER_TEMPLATES, SEED_ORDERS, startSandboxWorkspace } from '../../sandbox/workspace';
import type { Output } from '../output';

export function registerDemo(program: Command, output: Output): void {
  program
    .command('demo')
    .description(
      'Run the whole tour against local sandboxes, without questions: enable the HubSpot ↔ Mailchimp template, sync both ways, change a contact on each side, sync again; then send Odoo orders to HubSpot, Google Ads and Meta, refund one, and print what happened. Uses a temporary workspace; your own data is not touched',
    )
    .option('--contacts <n>', 'messy contacts seeded in the HubSpot sandbox', String(DEFAULT_SEED_CONTACTS))
    .option('--keep', 'keep the temporary workspace folder (its path is printed) to look around with HUB_DATA_DIR')
    .addHelpText('after', '\nExamples:\n  $ hub demo\n  $ hub demo --contacts 200 --keep')
    .action(async (opts: { contacts: string; keep?: boolean }) => {
      const contacts = Number(opts.contacts);
      if (!Number.isInteger(contacts) || contacts < 10 || contacts > 100_000)
        throw new Error('--contacts must be a whole number from 10 to 100000');
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'connector-hub-demo-'));
      // the demo always runs on the embedded defaults in its own folder, whatever HUB_* points at
      const config = loadConfig({
        ...process.env,
        HUB_DATA_DIR: dataDir,
        HUB_DATABASE_URL: undefined,
        HUB_REDIS_URL: undefined,
        HUB_ENCRYPTION_KEY: undefined,
        HUB_SANDBOX: 'on',
      });
      const hub = await openHub(config, { logger: createLogger({ level: 'error' }) });
      const workspace = await startSandboxWorkspace(hub, { seedContacts: contacts });
      const engine = await openEngine(hub, { scheduler: false });
      try {
        if (workspace === undefined) throw new Error('the demo workspace could not be created');
        output.out(
          [
            'Connector Hub demo: two-way contact sync between a HubSpot and a Mailchimp sandbox, then orders from an Odoo sandbox to HubSpot, Google Ads and Meta',
            `  HubSpot sandbox   ${workspace.sandboxes.get('hubspot')?.url ?? ''} (${contacts} messy contacts)`,
            `  Mailchimp sandbox ${workspace.sandboxes.get('mailchimp')?.url ?? ''}`,
            `  Odoo sandbox      ${workspace.sandboxes.get('odoo')?.url ?? ''} (${SEED_ORDERS} sales orders)`,
            `  Google sandbox    ${workspace.sandboxes.get('google')?.url ?? ''}`,
            `  Meta sandbox      ${workspace.sandboxes.get('meta')?.url ?? ''}`,
            `  SendGrid sandbox  ${workspace.sandboxes.get('sendgrid')?.url ?? ''} (not in this tour: its template is hubspot-sendgrid-contacts)`,
            `  templates         hubspot-mailchimp-contacts, ${ORDER_TEMPLATES.join(', ')}`,
            '',
          ].join('\n'),
        );
        const result = await runDemo(hub, engine, flowServiceFor(hub), workspace, {
          onStep: (step) => output.out(formatDemoStep(step)),
        });
        output.out(['', 'What happened:', ...result.changes.map((c) => `  ${c}`)].join('\n'));
        output.out(
          '\nEvery change travelled once and nothing echoed back. Try it on your own accounts: `npx hub flows templates`.',
        );
      } finally {
        await engine.close();
        await workspace?.close();
        await hub.close();
        if (opts.keep) output.out(`workspace kept in ${dataDir} (HUB_DATA_DIR=${dataDir} npx hub runs list)`);
        else fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
}
