import path from 'node:path';
import type { Command } from 'commander';
import { scaffoldPlugin } from '../../plugins';
import { json, type Output } from '../output';

/** `hub plugins new <name>`: scaffolds a connector package that passes `npm install && npm test` as generated. */
export function registerPluginsNew(group: Command, output: Output): void {
  group
    .command('new <name>')
    .description(
      'Scaffold a connector plugin package: connector, client, stream, action, webhook, schemas, a local sandbox, tests wired to the conformance rules, README, package.json with the manifest',
    )
    .option('--dir <path>', 'folder to create (default: ./<name without scope>); must be empty or absent')
    .option('--id <id>', 'connector id (default: from the name, hub-connector-acme → acme)')
    .option(
      '--sdk <path>',
      "connector-hub package folder or `npm pack` tarball the plugin's tests build against, as a file: dev dependency (default: this hub's package folder, which needs its dist/ built)",
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The SDK is not on a registry: the package names `connector-hub` as a peer dependency (the hub that loads it',
        'provides it) and as a `file:` dev dependency for its own tests (--sdk).',
        '',
        'Examples:',
        '  $ hub plugins new hub-connector-acme',
        '  $ hub plugins new @acme/hub-connector --id acme --dir ./plugins/acme',
        '  $ hub plugins new hub-connector-acme --sdk ./connector-hub-0.1.0.tgz',
      ].join('\n'),
    )
    .action((name: string, opts: { dir?: string; id?: string; sdk?: string; json?: boolean }) => {
      const result = scaffoldPlugin({ name, dir: opts.dir, id: opts.id, sdk: opts.sdk });
      if (opts.json) {
        output.out(json(result));
        return;
      }
      const shown = path.relative(process.cwd(), result.dir) || '.';
      output.out(
        [
          `Created ${result.packageName} (connector id ${result.id}) in ${result.dir}:`,
          ...result.files.map((f) => `  ${f}`),
          '',
          `SDK: connector-hub from ${result.sdkSpec} (${result.sdkKind}) as a dev dependency; a peer dependency at run time`,
          '',
          'Next:',
          `  cd ${shown} && npm install && npm test`,
          `  npm pack && HUB_PLUGINS=$PWD/${result.packageName.replace(/^@/, '').replace('/', '-')}-0.1.0.tgz hub connectors list`,
        ].join('\n'),
      );
      for (const warning of result.warnings) output.err(`warning: ${warning}`);
    });
}
