import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { connectionServiceFor, type ConnectionService } from '../../connections';
import { openHub } from '../../runtime/hub';
import { readSettings } from '../settings-input';
import { json, table, type Output } from '../output';
import type { Hub } from '../../runtime/hub';
import { sandboxConnectionIds } from '../../sandbox/workspace';

async function withService<T>(fn: (service: ConnectionService, hub: Hub) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const hub = await openHub(config, {
    logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
  });
  try {
    return await fn(connectionServiceFor(hub), hub);
  } finally {
    await hub.close();
  }
}

export function registerConnections(program: Command, output: Output): void {
  const connections = program
    .command('connections')
    .description('Configure connections: connectors with their settings');

  connections
    .command('add <connector>')
    .description('Add a connection; secret settings are encrypted at rest and never printed')
    .requiredOption('--name <name>', 'a unique name for the connection')
    .requiredOption('--settings <file>', 'JSON file with the settings, or - to read them from standard input')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub connections add file --name exports --settings exports.json\n  $ echo \'{"directory":"./data/files"}\' | hub connections add file --name files --settings -',
    )
    .action(async (connectorId: string, opts: { name: string; settings: string; json?: boolean }) =>
      withService(async (service) => {
        const settings = readSettings(opts.settings);
        const created = await service.create({ name: opts.name, connectorId, settings }, { actor: 'cli' });
        output.out(
          opts.json
            ? json(created)
            : `added connection ${created.name} (${created.id}) for connector ${created.connectorId}`,
        );
      }),
    );

  connections
    .command('list')
    .description('List connections (secrets are never shown)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub connections list --json')
    .action(async (opts: { json?: boolean }) =>
      withService(async (service, hub) => {
        const sandboxes = await sandboxConnectionIds(hub);
        const list = (await service.list()).map((c) => ({ ...c, sandbox: sandboxes.has(c.id) }));
        if (opts.json) output.out(json(list));
        else
          output.out(
            table(
              list.map((c) => ({
                ...c,
                connector: c.connectorId,
                kind: c.sandbox ? 'sandbox' : 'real',
                checked: c.lastCheckedAt ? new Date(c.lastCheckedAt).toISOString() : '',
              })),
              ['id', 'name', 'connector', 'kind', 'status', 'checked'],
            ),
          );
      }),
    );

  connections
    .command('check <connection>')
    .description('Check that a connection works (credentials, reachability); exit 1 when it does not')
    .addHelpText('after', '\nExample:\n  $ hub connections check exports')
    .action(async (name: string) =>
      withService(async (service) => {
        const result = await service.check(name, { actor: 'cli' });
        output.out(`${result.connection.name}: ${result.ok ? 'ok' : 'FAILED'} — ${result.message}`);
        if (!result.ok) process.exitCode = 1;
      }),
    );

  connections
    .command('remove <connection>')
    .description('Remove a connection (refused while a flow uses it)')
    .addHelpText('after', '\nExample:\n  $ hub connections remove exports')
    .action(async (name: string) =>
      withService(async (service) => {
        const before = await service.remove(name, { actor: 'cli' });
        output.out(`removed connection ${before.name} (${before.id})`);
      }),
    );
}
