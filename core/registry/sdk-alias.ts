import Module from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A plugin must share the hub's SDK instance: the definition it builds with `defineConnector` and the errors it
 * throws are read by this hub's runner, so `connector-hub/sdk` inside a plugin has to be THIS hub's module, whether
 * the plugin sits in node_modules, in a folder next to the hub or anywhere else on disk, and whether the hub runs
 * from its sources (tsx) or from dist/.
 *
 * Node resolves every `require()` through `Module._resolveFilename`; we wrap it once and answer the hub's own
 * package ids (`connector-hub`, `connector-hub/sdk`, `connector-hub/sdk/testing`) with the hub's module files,
 * but only for modules that live inside a registered plugin's folder. The wrapper stays installed after loading
 * so a plugin that requires the SDK lazily (inside `read`) gets the same instance; nothing else in the process is
 * affected. Errors are branded with a global symbol (see `isHubError`), so even a plugin that bundles its own copy
 * of the SDK is classified correctly by the runner.
 *
 * Under jest the module system is jest's own and this hook is not consulted; tests map the ids with
 * `jest.mock('connector-hub/sdk', …, { virtual: true })` and exercise this hook in a real Node child process.
 */

type ResolveFilename = (
  request: string,
  parent: { filename?: string | null } | null | undefined,
  ...rest: unknown[]
) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
}

/** The request ids a plugin may use for the SDK, and the hub module each one means. */
function aliasTargets(): Record<string, string> {
  const sdk = require.resolve('../sdk');
  const testing = require.resolve('../sdk/testing');
  return {
    'connector-hub': sdk,
    'connector-hub/sdk': sdk,
    'connector-hub/sdk/testing': testing,
    'connector-hub/testing': testing,
  };
}

const pluginRoots = new Set<string>();
let targets: Record<string, string> | undefined;
let installedOn: ModuleInternals | undefined;

function withSep(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}

function insidePlugin(filename: string | null | undefined): boolean {
  if (!filename) return false;
  for (const root of pluginRoots) if (filename.startsWith(root)) return true;
  return false;
}

/** The hub module a request from `parentFilename` is redirected to, or undefined when it resolves normally. */
export function sdkAliasFor(request: string, parentFilename: string | null | undefined): string | undefined {
  if (!insidePlugin(parentFilename)) return undefined;
  targets ??= aliasTargets();
  return Object.hasOwn(targets, request) ? targets[request] : undefined;
}

/** Makes `connector-hub/sdk` resolve to the hub's SDK for every module under `pluginRoot`; idempotent. */
export function shareSdkWith(pluginRoot: string): void {
  const resolved = path.resolve(pluginRoot);
  pluginRoots.add(withSep(resolved));
  try {
    pluginRoots.add(withSep(fs.realpathSync(resolved))); // node keys modules by their real path (npm link)
  } catch {
    // a missing folder fails later, with the plugin named
  }
  const internals = Module as unknown as ModuleInternals;
  if (installedOn === internals) return;
  const original = internals._resolveFilename;
  internals._resolveFilename = function resolveWithSdkAlias(this: unknown, request, parent, ...rest) {
    const target = typeof request === 'string' ? sdkAliasFor(request, parent?.filename) : undefined;
    return target ?? original.call(this, request, parent, ...rest);
  };
  installedOn = internals;
}
