import { createRequire } from 'node:module';
import path from 'node:path';
import type { ConformanceOptions } from './options';

/**
 * How `hub plugins check` finds what a plugin's rules run against. The convention, first match wins:
 *
 * 1. The plugin's entry module exports `conformance`: a function returning (a promise of)
 *    `{ options, close? }` — `options` are the ConformanceOptions its own conformance test uses (settings of a
 *    freshly started sandbox, sample records, hooks), `close` stops what it started. A plain ConformanceOptions
 *    object is accepted too.
 *
 *        export const conformance: ConformanceSetup<Settings> = async () => {
 *          const sandbox = await startSandbox({ seedContacts: 50 });
 *          return { options: { settings: () => sandbox.settings, sampleRecords: { … } }, close: () => sandbox.close() };
 *        };
 *
 * 2. The entry exports `startSandbox` (or `sandbox.startSandbox`), or a `sandbox` module next to the entry does:
 *    the sandbox is started and its `settings` used (the rules that need hooks then report `skip`).
 * 3. Otherwise the rules run without settings; check() and the streams will most likely fail.
 */

export interface PluginConformance<S = Record<string, unknown>> {
  options: ConformanceOptions<S>;
  close?(): void | Promise<void>;
  /** Where the options came from, for the report: "conformance export", "sandbox module", "none". */
  source?: string;
}

export type ConformanceSetup<S = Record<string, unknown>> = () => PluginConformance<S> | Promise<PluginConformance<S>>;

interface StartedSandbox {
  settings: Record<string, unknown>;
  close?(): void | Promise<void>;
}
type StartSandbox = (options?: object) => Promise<StartedSandbox>;

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function startSandboxIn(exported: unknown): StartSandbox | undefined {
  const direct = field(exported, 'startSandbox') ?? field(field(exported, 'sandbox'), 'startSandbox');
  return typeof direct === 'function' ? (direct as StartSandbox) : undefined;
}

/** The sandbox module next to the plugin's entry (`sandbox.js`, `sandbox/index.js`…), when there is one. */
function siblingSandbox(entry: string): StartSandbox | undefined {
  const requireFromEntry = createRequire(entry);
  let file: string;
  try {
    file = requireFromEntry.resolve(path.join(path.dirname(entry), 'sandbox'));
  } catch {
    return undefined;
  }
  return startSandboxIn(requireFromEntry(file));
}

/** Finds and starts the conformance setup of a loaded plugin (see the convention above). */
export async function conformanceSetupOf(exported: unknown, entry?: string): Promise<PluginConformance> {
  const conformance = field(exported, 'conformance');
  if (typeof conformance === 'function') {
    const setup = await (conformance as ConformanceSetup)();
    return { ...setup, source: 'conformance export' };
  }
  if (typeof conformance === 'object' && conformance !== null)
    return { options: conformance as ConformanceOptions<Record<string, unknown>>, source: 'conformance export' };
  const start = startSandboxIn(exported) ?? (entry === undefined ? undefined : siblingSandbox(entry));
  if (start !== undefined) {
    const sandbox = await start({ seedContacts: 25, seed: 1 });
    return {
      options: { settings: () => sandbox.settings },
      close: () => sandbox.close?.(),
      source: 'sandbox module',
    };
  }
  return { options: {}, source: 'none' };
}
