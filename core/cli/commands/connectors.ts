import type { Command } from 'commander';
import { loadConfig } from '../../config';
import { createLogger } from '../../logging/logger';
import { createRegistry } from '../../registry';
import { json, table, type Output } from '../output';
import { actionBatchSize } from '../../sdk/define';

async function openRegistry() {
  const config = loadConfig();
  // Commands print their own results; the log shows only warnings unless a more detailed level is asked for.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  return createRegistry({ plugins: config.plugins, logger });
}

export function registerConnectors(program: Command, output: Output): void {
  const connectors = program.command('connectors').description('List and inspect the installed connectors');

  connectors
    .command('list')
    .description('List built-in and plugin connectors')
    .option('--json', 'print JSON instead of a table')
    .addHelpText('after', '\nExamples:\n  $ hub connectors list\n  $ hub connectors list --json')
    .action(async (opts: { json?: boolean }) => {
      const registry = await openRegistry();
      const infos = registry.list().map((c) => registry.describe(c.id));
      if (opts.json) {
        output.out(json(infos));
      } else {
        const rows = infos.map((i) => ({
          id: i.id,
          name: i.displayName,
          version: i.version,
          category: i.category,
          source: i.source,
          streams: i.streams.map((s) => s.name).join(', '),
          actions: i.actions.map((a) => a.name).join(', '),
        }));
        output.out(table(rows, ['id', 'name', 'version', 'category', 'source', 'streams', 'actions']));
      }
      for (const problem of registry.problems) output.err(`refused plugin ${problem.source}: ${problem.message}`);
    });

  connectors
    .command('show <id>')
    .description('Show a connector: settings schema, streams, actions, webhooks and API policy')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExample:\n  $ hub connectors show file')
    .action(async (id: string, opts: { json?: boolean }) => {
      const registry = await openRegistry();
      const info = registry.describe(id);
      if (opts.json) {
        output.out(json(info));
        return;
      }
      const lines = [
        `${info.displayName} (${info.id}) ${info.version} — ${info.category}, ${info.source}`,
        info.description ?? '',
        '',
        'Settings schema:',
        json(info.settingsSchema),
        '',
        'Streams:',
        ...info.streams.map(
          (s) =>
            `  ${s.name}  identity=${s.identity.join('+')}${s.modifiedField ? ` modified=${s.modifiedField}` : ''}  ${s.description ?? ''}`,
        ),
        'Actions:',
        ...info.actions.map(
          (a) =>
            `  ${a.name}  mode=${a.mode}${a.replace === true ? ' replace' : ''}${a.idempotent === false ? ' not-idempotent' : ''} maxBatch=${actionBatchSize(info, a.name)}  ${a.description ?? ''}`,
        ),
        'Webhooks:',
        ...(info.webhooks.length ? info.webhooks.map((w) => `  ${w.name}  ${w.description ?? ''}`) : ['  (none)']),
        '',
        `API policy: ${info.policy.rateBudget.requests} requests / ${info.policy.rateBudget.intervalMs} ms, concurrency ${info.policy.concurrency}`,
      ];
      output.out(lines.join('\n'));
    });
}
