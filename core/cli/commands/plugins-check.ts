import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { loadPlugin, type LoadedPlugin } from '../../registry/load-plugin';
import type { ConnectorDefinition } from '../../sdk/define';
import { conformanceSetupOf, formatRuleResult, runConnectorConformance } from '../../sdk/testing';
import { json, type Output } from '../output';

/**
 * `hub plugins check <package|path|tarball>`: loads a connector the way the hub would (core/registry
 * load-plugin), finds its sandbox and conformance options by the convention in core/sdk/testing/plugin.ts, runs
 * every conformance rule and prints one line per rule. Exit code 1 when a rule fails; skipped rules do not fail.
 */

const TARBALL = /\.(tgz|tar\.gz)$/i;

interface Loaded {
  plugin: LoadedPlugin;
  exported: unknown;
  cleanup(): void;
}

/** An `npm pack` tarball holds the package under `package/`; it is unpacked into a temporary folder. */
function unpack(file: string): { root: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-plugin-check-'));
  try {
    execFileSync('tar', ['-xzf', file, '-C', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new Error(`cannot unpack ${file}: ${detail}`, { cause: error });
  }
  const packaged = path.join(dir, 'package');
  return { root: fs.existsSync(path.join(packaged, 'package.json')) ? packaged : dir, dir };
}

function load(spec: string, cwd: string): Loaded {
  const file = path.resolve(cwd, spec);
  if (TARBALL.test(spec) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    const { root, dir } = unpack(file);
    try {
      const plugin = loadPlugin(root, cwd);
      return {
        plugin,
        exported: createRequire(plugin.entry)(plugin.entry),
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }
  const plugin = loadPlugin(spec, cwd);
  // the module is already loaded (cached): read its other exports, e.g. `conformance`
  return { plugin, exported: createRequire(plugin.entry)(plugin.entry), cleanup: () => undefined };
}

export function registerPluginsCheck(group: Command, output: Output): void {
  group
    .command('check <plugin>')
    .description(
      'Run the conformance rules against a connector plugin (npm package, folder or tarball) and its sandbox',
    )
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      [
        '',
        'The plugin is loaded as HUB_PLUGINS would load it. Its rules run against the options of its `conformance`',
        'export, or against its `startSandbox` (see connector-hub/sdk/testing). One line per rule: pass, fail (with',
        'what was expected and what was seen) or skip (why the rule does not apply). Exit code 1 when a rule fails.',
        '',
        'Examples:',
        '  $ hub plugins check ./my-connector',
        '  $ hub plugins check hub-connector-unisender --json',
        '  $ hub plugins check ./hub-connector-unisender-1.0.0.tgz',
      ].join('\n'),
    )
    .action(async (spec: string, opts: { json?: boolean }) => {
      const { plugin, exported, cleanup } = load(spec, process.cwd());
      try {
        const definition = plugin.definition as ConnectorDefinition<Record<string, unknown>>;
        const setup = await conformanceSetupOf(exported, plugin.entry);
        let report;
        try {
          report = await runConnectorConformance(definition, setup.options);
        } finally {
          await setup.close?.();
        }
        const connector = typeof definition === 'object' && definition !== null ? definition.id : undefined;
        const count = (status: string) => report.results.filter((r) => r.status === status).length;
        if (opts.json) {
          output.out(
            json({
              plugin: { name: plugin.name, version: plugin.version, connector },
              ok: report.ok,
              results: report.results,
            }),
          );
        } else {
          output.out(
            `${plugin.name}${plugin.version ? `@${plugin.version}` : ''} (connector ${connector ?? '?'}), options from ${setup.source ?? 'none'}`,
          );
          for (const result of report.results) output.out(formatRuleResult(result));
          output.out(`${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
        }
        if (!report.ok) process.exitCode = 1;
      } finally {
        cleanup();
      }
    });
}
