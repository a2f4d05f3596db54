import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { openHub, type Hub } from '../../runtime/hub';
import { toErrorInfo } from '../../sdk/errors';
import { readSettings, validateSettings } from '../settings-input';
import { json, table, type Output } from '../output';

async function withHub<T>(fn: (hub: Hub) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const hub = await openHub(config, {
    logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
  });
  try {
    return await fn(hub);
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
      withHub(async (hub) => {
        const connector = hub.registry.get(connectorId);
        const settings = readSettings(opts.settings);
        validateSettings(connector.id, connector.settingsSchema, settings);
        const created = await hub.repos.connections.create({
          name: opts.name,
          connectorId: connector.id,
          settings,
          settingsSchema: connector.settingsSchema,
        });
        await hub.repos.auditLog.record({
          actor: 'cli',
          action: 'connection.create',
          entity: 'connection',
          entityId: created.id,
          after: created,
        });
        output.out(
          opts.json ? json(created) : `added connection ${created.name} (${created.id}) for connector ${connector.id}`,
        );
      }),
    );

  connections
    .command('list')
    .description('List connections (secrets are never shown)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub connections list --json')
    .action(async (opts: { json?: boolean }) =>
      withHub(async (hub) => {
        const list = await hub.repos.connections.list();
        if (opts.json) output.out(json(list));
        else
          output.out(
            table(
              list.map((c) => ({
                ...c,
                connector: c.connectorId,
                checked: c.lastCheckedAt ? new Date(c.lastCheckedAt).toISOString() : '',
              })),
              ['id', 'name', 'connector', 'status', 'checked'],
            ),
          );
      }),
    );

  connections
    .command('check <connection>')
    .description('Check that a connection works (credentials, reachability); exit 1 when it does not')
    .addHelpText('after', '\nExample:\n  $ hub connections check exports')
    .action(async (name: string) =>
      withHub(async (hub) => {
        const connection = await hub.repos.connections.require(name, { decrypt: true });
        const connector = hub.registry.get(connection.connectorId);
        let result: { ok: boolean; message: string };
        try {
          result = await connector.check({
            id: connection.id,
            name: connection.name,
            settings: connection.settings,
            log: hub.logger,
          });
        } catch (error) {
          result = { ok: false, message: toErrorInfo(error).message };
        }
        await hub.repos.connections.recordCheck(
          connection.id,
          result.ok ? { ok: true } : { ok: false, error: result.message },
        );
        output.out(`${connection.name}: ${result.ok ? 'ok' : 'FAILED'} — ${result.message}`);
        if (!result.ok) process.exitCode = 1;
      }),
    );

  connections
    .command('remove <connection>')
    .description('Remove a connection (refused while a flow uses it)')
    .addHelpText('after', '\nExample:\n  $ hub connections remove exports')
    .action(async (name: string) =>
      withHub(async (hub) => {
        const before = await hub.repos.connections.require(name);
        await hub.repos.connections.delete(before.id);
        await hub.repos.auditLog.record({
          actor: 'cli',
          action: 'connection.delete',
          entity: 'connection',
          entityId: before.id,
          before,
        });
        output.out(`removed connection ${before.name} (${before.id})`);
      }),
    );
}
