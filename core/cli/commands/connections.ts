import type { Command } from 'commander';
import { ConfigError } from '../../sdk/errors';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { connectionServiceFor, type ConnectionService } from '../../connections';
import { openHub } from '../../runtime/hub';
import { mergeSettings, secretStates, type SecretState } from '../../connections/settings-view';
import { REDACTED, getAt, setAt, type Settings } from '../../security/secrets';
import { StoreConflictError } from '../../store/errors';
import type { Connection } from '../../store/repos';
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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The settings with each secret field shown as "(set)" instead of the placeholder, and the set/unset states. */
export function settingsView(
  connection: Connection,
  settingsSchema: unknown,
): { settings: Settings; secrets: Record<string, SecretState> } {
  const settings = structuredClone(connection.settings);
  const secrets = secretStates(settings, settingsSchema);
  for (const [path, state] of Object.entries(secrets)) if (state === 'set') setAt(settings, path, '(set)');
  return { settings, secrets };
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

function describeConnection(
  connection: Connection,
  view: ReturnType<typeof settingsView>,
  sandbox: boolean,
  flows: string[],
): string {
  const lines = [
    `connection ${connection.name} (${connection.id}): ${connection.connectorId}, ${sandbox ? 'sandbox' : 'real'}`,
    `  status: ${connection.status}${connection.lastCheckedAt ? ` (checked ${iso(connection.lastCheckedAt)})` : ''}`,
  ];
  if (connection.lastCheckError) lines.push(`  last check: ${connection.lastCheckError}`);
  const secrets = Object.entries(view.secrets);
  if (secrets.length > 0) lines.push(`  secrets: ${secrets.map(([path, state]) => `${path} ${state}`).join(', ')}`);
  lines.push(`  used by flows: ${flows.length > 0 ? flows.join(', ') : '(none)'}`);
  lines.push(`  updated: ${iso(connection.updatedAt)}`, 'settings:', json(view.settings));
  return lines.join('\n');
}

/** Secret placeholders in the stored settings that the change did not give anew (the service keeps them). */
function keptSecrets(stored: Settings, given: Settings): string[] {
  const found: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value === REDACTED && getAt(given, prefix) === undefined) found.push(prefix);
    else if (isObject(value)) for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(stored, '');
  return found;
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
    .command('show <connection>')
    .description('Show a connection: settings (secret fields only as set/unset), status and the flows using it')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  $ hub connections show exports\n  $ hub connections show exports --json')
    .action(async (name: string, opts: { json?: boolean }) =>
      withService(async (service, hub) => {
        const connection = await service.show(name);
        const schema = hub.registry.has(connection.connectorId)
          ? hub.registry.get(connection.connectorId).settingsSchema
          : {};
        const view = settingsView(connection, schema);
        const sandbox = (await sandboxConnectionIds(hub)).has(connection.id);
        const flows = (await hub.repos.flows.list({ connectionId: connection.id })).map((f) => f.name);
        output.out(
          opts.json
            ? json({ ...connection, settings: view.settings, secrets: view.secrets, sandbox, flows })
            : describeConnection(connection, view, sandbox, flows),
        );
      }),
    );

  connections
    .command('update <connection>')
    .description(
      'Change settings: the given ones are merged over the stored ones (null removes one); secrets are kept unless given',
    )
    .option('--settings <file>', 'JSON file with the settings to change, or - to read them from standard input')
    .option('--name <name>', 'rename the connection')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ echo \'{"delimiter":";"}\' | hub connections update contacts --settings -\n  $ hub connections update crm --settings new-token.json\n  $ hub connections update crm --name crm-eu',
    )
    .action(async (name: string, opts: { settings?: string; name?: string; json?: boolean }) =>
      withService(async (service) => {
        if (opts.settings === undefined && opts.name === undefined)
          throw new ConfigError('nothing to change: give --settings <file|-> and/or --name <name>', {
            field: '--settings',
          });
        const given = opts.settings === undefined ? undefined : readSettings(opts.settings);
        const before = await service.show(name);
        const settings = given === undefined ? undefined : mergeSettings(before.settings, given);
        const updated = await service.update(
          before.id,
          { ...(opts.name === undefined ? {} : { name: opts.name }), ...(settings === undefined ? {} : { settings }) },
          { actor: 'cli' },
        );
        if (opts.json) return output.out(json(updated));
        const changed = given === undefined ? [] : Object.keys(given);
        const kept = keptSecrets(before.settings, given ?? {});
        const lines = [
          `updated connection ${updated.name} (${updated.id})${changed.length > 0 ? `: ${changed.join(', ')} changed` : ''}`,
        ];
        const cleared = updated.secretsCleared ?? [];
        if (cleared.length > 0) lines.push(`secrets cleared: ${updated.notice ?? cleared.join(', ')}`);
        else if (kept.length > 0) lines.push(`secrets kept: ${kept.join(', ')}`);
        lines.push(`status: ${updated.status}; check it with \`hub connections check ${updated.name}\``);
        output.out(lines.join('\n'));
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
        try {
          const before = await service.remove(name, { actor: 'cli' });
          output.out(`removed connection ${before.name} (${before.id})`);
        } catch (error) {
          if (!(error instanceof StoreConflictError)) throw error;
          throw new StoreConflictError(
            `${error.message} (\`hub flows delete <flow>\` deletes a flow; \`hub flows update <flow> --file <flow.json>\` points it elsewhere)`,
            error.entity,
            error.field,
          );
        }
      }),
    );
}
