import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ConfigError } from '../sdk/errors';
import { findPackageRoot, isPathSpec } from './load-plugin';

/**
 * The set of plugins a hub process runs with, recorded in the store by `hub serve` and compared by every
 * `hub worker`: in a queue-mode cluster a plugin present on some processes only fails runs at random, so a worker
 * whose set differs refuses to start and names the difference. Integrity is a content hash, so two copies of
 * "the same version" built from different sources are told apart too.
 */

export const PLUGIN_SET_KEY = 'plugins.set';

export interface PluginSetEntry {
  /** Package name (from its package.json). */
  name: string;
  version: string | null;
  /** `sha256-<base64>` of the tarball, or of the package folder's package.json and main file. */
  integrity: string;
}

export interface RecordedPluginSet {
  recordedAt: string;
  plugins: PluginSetEntry[];
}

/** The store's meta table as this module needs it (`hub.repos.meta`). */
export interface MetaStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

const TARBALL = /\.(tgz|tar\.gz)$/i;

function sha256(parts: Buffer[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(part.length));
    hash.update(':');
    hash.update(part);
  }
  return `sha256-${hash.digest('base64')}`;
}

interface PackageFields {
  name?: unknown;
  version?: unknown;
  main?: unknown;
  connectorHub?: { entry?: unknown };
}

function parsePackage(text: string): PackageFields {
  const parsed = JSON.parse(text) as unknown;
  return typeof parsed === 'object' && parsed !== null ? (parsed as PackageFields) : {};
}

function versionOf(pkg: PackageFields): string | null {
  return typeof pkg.version === 'string' ? pkg.version : null;
}

/** A tarball as `npm pack` writes it: the hash of the file itself, name and version from package/package.json. */
function tarballEntry(file: string): PluginSetEntry {
  const manifest = execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' });
  const pkg = parsePackage(manifest);
  return {
    name: typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : path.basename(file),
    version: versionOf(pkg),
    integrity: sha256([fs.readFileSync(file)]),
  };
}

function folderEntry(root: string): PluginSetEntry {
  const pkgText = fs.readFileSync(path.join(root, 'package.json'));
  const pkg = parsePackage(pkgText.toString('utf8'));
  const declared = pkg.connectorHub?.entry ?? pkg.main;
  const entryField = typeof declared === 'string' && declared !== '' ? declared : 'index.js';
  const parts = [pkgText];
  try {
    parts.push(fs.readFileSync(createRequire(__filename).resolve(path.resolve(root, entryField))));
  } catch {
    // the registry refuses a plugin without its main file; the hash then covers package.json alone
  }
  return {
    name: typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : path.basename(root),
    version: versionOf(pkg),
    integrity: sha256(parts),
  };
}

/** The entry of one configured plugin (`HUB_PLUGINS` item), or undefined when it cannot be found. */
export function pluginSetEntry(spec: string, cwd: string = process.cwd()): PluginSetEntry | undefined {
  const local = path.resolve(cwd, spec);
  if (TARBALL.test(spec) && fs.existsSync(local) && fs.statSync(local).isFile()) return tarballEntry(local);
  const root = isPathSpec(spec) ? local : findPackageRoot(spec, cwd);
  if (root === undefined || !fs.existsSync(path.join(root, 'package.json'))) return undefined;
  return folderEntry(root);
}

/**
 * The set of plugins this process loaded: every configured plugin whose package provides a registered connector
 * (`loadedNames`: the registry's plugin sources), sorted by name. Refused plugins are not part of it.
 */
export function pluginSetOf(
  specs: readonly string[],
  loadedNames: ReadonlySet<string>,
  cwd?: string,
): PluginSetEntry[] {
  const entries = new Map<string, PluginSetEntry>();
  for (const spec of specs) {
    const entry = pluginSetEntry(spec, cwd);
    if (entry !== undefined && loadedNames.has(entry.name)) entries.set(entry.name, entry);
  }
  return [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Package names of the plugins a registry admitted (its connectors whose source is not `builtin`). */
export function loadedPluginNames(registry: {
  list(): Array<{ id: string }>;
  describe(id: string): { source: string };
}): Set<string> {
  const names = new Set<string>();
  for (const connector of registry.list()) {
    const source = registry.describe(connector.id).source;
    if (source !== 'builtin') names.add(source);
  }
  return names;
}

function label(entry: PluginSetEntry): string {
  return entry.version === null ? entry.name : `${entry.name}@${entry.version}`;
}

/** One phrase per difference between the recorded set and this process's own; empty when they are the same. */
export function comparePluginSets(recorded: readonly PluginSetEntry[], own: readonly PluginSetEntry[]): string[] {
  const mine = new Map(own.map((e) => [e.name, e]));
  const theirs = new Map(recorded.map((e) => [e.name, e]));
  const differences: string[] = [];
  for (const entry of recorded) {
    const here = mine.get(entry.name);
    if (here === undefined) differences.push(`missing here: ${label(entry)}`);
    else if (here.version !== entry.version)
      differences.push(
        `version differs: ${entry.name} (recorded ${entry.version ?? 'none'}, here ${here.version ?? 'none'})`,
      );
    else if (here.integrity !== entry.integrity)
      differences.push(`contents differ: ${label(entry)} (same version, different integrity)`);
  }
  for (const entry of own) if (!theirs.has(entry.name)) differences.push(`extra here: ${label(entry)}`);
  return differences;
}

/** Writes this process's plugin set to the store (what `hub serve` does on start). */
export async function recordPluginSet(meta: MetaStore, plugins: PluginSetEntry[], now = new Date()): Promise<void> {
  const value: RecordedPluginSet = { recordedAt: now.toISOString(), plugins };
  await meta.set(PLUGIN_SET_KEY, JSON.stringify(value));
}

export async function readPluginSet(meta: MetaStore): Promise<RecordedPluginSet | undefined> {
  const raw = await meta.get(PLUGIN_SET_KEY);
  if (raw === undefined) return undefined;
  const parsed = JSON.parse(raw) as Partial<RecordedPluginSet>;
  return { recordedAt: String(parsed.recordedAt ?? ''), plugins: Array.isArray(parsed.plugins) ? parsed.plugins : [] };
}

/**
 * What `hub worker` does before taking work: compares its own set with the recorded one and throws a ConfigError
 * naming every difference. Returns false when nothing is recorded yet (no `hub serve` has started on this store).
 */
export async function assertSamePluginSet(meta: MetaStore, own: PluginSetEntry[]): Promise<boolean> {
  const recorded = await readPluginSet(meta);
  if (recorded === undefined) return false;
  const differences = comparePluginSets(recorded.plugins, own);
  if (differences.length > 0) {
    throw new ConfigError(
      `this worker's plugins differ from the set \`hub serve\` recorded at ${recorded.recordedAt}: ${differences.join('; ')}. ` +
        'Install the same plugins (HUB_PLUGINS, same versions) on every hub process, then restart the worker',
      { field: 'HUB_PLUGINS' },
    );
  }
  return true;
}
