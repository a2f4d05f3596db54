import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { findBuiltinModules, loadBuiltin } from '../../registry/discover';
import { findPackageRoot, isPathSpec, loadPlugin, type LoadedPlugin } from '../../registry/load-plugin';
import { isTarballSpec } from '../../registry/tarball';
import { ConfigError } from '../../sdk/errors';
import { HUB_VERSION } from '../../version';
import type { ConnectorDefinition } from '../../sdk/define';
import { conformanceSetupOf, formatRuleResult, runConnectorConformance } from '../../sdk/testing';
import { json, type Output } from '../output';

/**
 * `hub plugins check <package|path|tarball>`: loads a connector the way the hub would (core/registry
 * load-plugin), finds its sandbox and conformance options by the convention in core/sdk/testing/plugin.ts, runs
 * every conformance rule and prints one line per rule. Exit code 1 when a rule fails; skipped rules do not fail.
 */

interface Loaded {
  /** Package name and version for the report (a built-in: `builtin connectors/<id>`, the hub's version). */
  name: string;
  version: string | undefined;
  definition: unknown;
  entry: string;
  exported: unknown;
  cleanup(): void;
}

/** A built-in connector named by its id (`hub plugins check hubspot`), or undefined. */
function loadBuiltinById(spec: string): Loaded | undefined {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(spec)) return undefined;
  const module = findBuiltinModules().find((m) => m.folder === spec);
  if (module === undefined) return undefined;
  const loaded = loadBuiltin(module);
  const requireHere = createRequire(module.file);
  // a built-in keeps its conformance setup (sandbox, samples, hooks) in a `conformance` module beside its index
  const setupModule = path.join(path.dirname(module.file), 'conformance');
  let conformance: unknown;
  try {
    conformance = (requireHere(setupModule) as { conformance?: unknown }).conformance;
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'MODULE_NOT_FOUND';
    if (!missing || !String((error as Error).message).includes(setupModule)) throw error;
  }
  const exported = requireHere(module.file) as Record<string, unknown>;
  return {
    name: `builtin connectors/${module.folder}`,
    version: HUB_VERSION,
    definition: loaded.definition,
    entry: module.file,
    exported: conformance === undefined ? exported : { ...exported, conformance },
    cleanup: () => undefined,
  };
}

function fromPlugin(plugin: LoadedPlugin, cleanup: () => void): Loaded {
  return {
    name: plugin.name,
    version: plugin.version,
    definition: plugin.definition,
    entry: plugin.entry,
    // the module is already loaded (cached): read its other exports, e.g. `conformance`
    exported: createRequire(plugin.entry)(plugin.entry),
    cleanup,
  };
}

/**
 * Loads what `spec` names, in this order: a built-in connector id; a tarball (unpacked and its dependencies linked
 * exactly as HUB_PLUGINS does, into a temporary data folder); a folder (its TypeScript sources through tsx when it
 * has not been built); an installed npm package.
 */
function load(spec: string, cwd: string): Loaded {
  const builtin = isPathSpec(spec) || isTarballSpec(spec) ? undefined : loadBuiltinById(spec);
  if (builtin !== undefined) return builtin;
  if (!isPathSpec(spec) && !isTarballSpec(spec) && findPackageRoot(spec, cwd) === undefined) {
    const ids = findBuiltinModules()
      .map((m) => m.folder)
      .join(', ');
    throw new ConfigError(
      `"${spec}" is not a built-in connector (${ids}), and no package of that name is installed here; ` +
        'give the folder of your plugin (./my-connector), its tarball (./my-connector-0.1.0.tgz), or a package name installed in node_modules',
      { field: 'plugin' },
    );
  }
  const dataDir = isTarballSpec(spec) ? fs.mkdtempSync(path.join(os.tmpdir(), 'hub-plugin-check-')) : undefined;
  const cleanup = () => {
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    return fromPlugin(loadPlugin(spec, cwd, { dataDir, fromSources: true }), cleanup);
  } catch (error) {
    cleanup();
    throw error;
  }
}

export function registerPluginsCheck(group: Command, output: Output): void {
  group
    .command('check <plugin>')
    .description(
      'Run the conformance rules against a connector (built-in id, npm package, folder or tarball) and its sandbox',
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
        '  $ hub plugins check hubspot                 # a built-in connector, by id',
      ].join('\n'),
    )
    .action(async (spec: string, opts: { json?: boolean }) => {
      const plugin = load(spec, process.cwd());
      try {
        const definition = plugin.definition as ConnectorDefinition<Record<string, unknown>>;
        const setup = await conformanceSetupOf(plugin.exported, plugin.entry);
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
        plugin.cleanup();
      }
    });
}
