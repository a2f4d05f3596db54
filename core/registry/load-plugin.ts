import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import semver from 'semver';
import { PluginManifest } from '../sdk/contracts';
import { SDK_VERSION } from '../sdk/version';
import { shareSdkWith } from './sdk-alias';
import { defaultDataDir, extractPluginTarball, isTarballSpec, TarballError } from './tarball';
import { formatAjvErrors } from './validate';

/**
 * Finds, checks and loads one plugin named in configuration: an npm package name (resolved from `cwd` upwards,
 * then from the hub's own folder), a local folder (absolute, or relative to `cwd`) or a tarball written by
 * `npm pack` (`*.tgz`, unpacked once under `<dataDir>/plugins/`, see tarball.ts). Every refusal is a
 * PluginRefusedError whose message names the plugin and the problem.
 */

const validateManifest = new Ajv({ allErrors: true, strict: false }).compile(PluginManifest);
const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

export class PluginRefusedError extends Error {
  constructor(
    readonly spec: string,
    message: string,
  ) {
    super(message);
    this.name = 'PluginRefusedError';
  }
}

export interface LoadedPlugin {
  /** As written in configuration. */
  spec: string;
  /** The package name (from its package.json). */
  name: string;
  version: string | undefined;
  root: string;
  entry: string;
  manifest: PluginManifest;
  /** The exported value; validated by the registry like a built-in connector. */
  definition: unknown;
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  main?: unknown;
  connectorHub?: unknown;
}

export function isPathSpec(spec: string): boolean {
  if (spec.startsWith('.') || path.isAbsolute(spec)) return true;
  return !NPM_NAME.test(spec) && /[\\/]/.test(spec);
}

function ancestors(start: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    dirs.push(dir);
    if (path.dirname(dir) === dir) return dirs;
  }
}

/** The folder of an installed package, the way Node looks it up: node_modules of each ancestor folder. */
export function findPackageRoot(name: string, cwd: string): string | undefined {
  for (const start of [cwd, __dirname]) {
    for (const dir of ancestors(start)) {
      const candidate = path.join(dir, 'node_modules', name);
      if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    }
  }
  return undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `/sdk must be string` → `connectorHub.sdk must be string`: fields named as they are written in package.json. */
function manifestField(problem: string): string {
  const space = problem.indexOf(' ');
  const pointer = problem.slice(0, space);
  const field = ['connectorHub', ...pointer.split('/').filter((s) => s !== '')].join('.');
  return `${field}${problem.slice(space)}`;
}

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export interface LoadPluginOptions {
  /** Where tarballs are unpacked (`<dataDir>/plugins/`); defaults to HUB_DATA_DIR, else `./data`, from `cwd`. */
  dataDir?: string;
  /**
   * When the built entry (e.g. `dist/index.js`) is missing, load the TypeScript sources instead (`src/index.ts`,
   * through tsx): `hub plugins check` on a freshly scaffolded folder needs no build first. The hub itself never
   * does this for HUB_PLUGINS (a plugin runs built).
   */
  fromSources?: boolean;
}

/** The TypeScript source of a built entry: `dist/index.js` → `src/index.ts`, else `src/index.ts`, `index.ts`. */
function sourceEntryOf(root: string, entryField: string): string | undefined {
  const normalized = entryField.replace(/^\.\//, '');
  const candidates = [
    normalized.replace(/^(dist|lib|build)\//, 'src/').replace(/\.[cm]?js$/, '.ts'),
    'src/index.ts',
    'index.ts',
  ];
  return candidates.map((c) => path.resolve(root, c)).find((file) => inside(root, file) && fs.existsSync(file));
}

/** Lets require() load TypeScript (tsx's CommonJS hook), unless something already does (tsx, jest). */
function enableTypeScript(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (require.extensions['.ts'] === undefined) (require('tsx/cjs/api') as { register(): unknown }).register();
}

export function loadPlugin(spec: string, cwd: string, options: LoadPluginOptions = {}): LoadedPlugin {
  let label = spec;
  const refuse = (detail: string): PluginRefusedError =>
    new PluginRefusedError(spec, `plugin ${label} refused: ${detail}`);

  let root: string | undefined;
  const tarball = path.resolve(cwd, spec);
  if (isTarballSpec(spec) && (isPathSpec(spec) || fs.existsSync(tarball))) {
    try {
      root = extractPluginTarball(tarball, options.dataDir ?? defaultDataDir(cwd));
    } catch (error) {
      if (error instanceof TarballError) throw refuse(error.message);
      throw error;
    }
  } else if (isPathSpec(spec)) {
    root = path.resolve(cwd, spec);
    if (!fs.existsSync(root)) throw refuse(`folder ${root} does not exist`);
    if (!fs.statSync(root).isDirectory())
      throw refuse(`${root} is not a package folder (expected a folder with a package.json)`);
  } else if (NPM_NAME.test(spec)) {
    root = findPackageRoot(spec, cwd);
    if (root === undefined)
      throw refuse(
        `package not found (looked in node_modules from ${cwd} upwards); install it with npm install ${spec}`,
      );
  } else {
    throw refuse('not an npm package name nor a path');
  }

  const pkgFile = path.join(root, 'package.json');
  if (!fs.existsSync(pkgFile)) throw refuse(`${pkgFile} does not exist`);
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as PackageJson;
  } catch (error) {
    throw refuse(`package.json is not valid JSON: ${errorText(error)}`);
  }
  if (typeof pkg.name === 'string' && pkg.name !== '' && pkg.name !== spec) label = `${pkg.name} (${spec})`;
  const name = typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : path.basename(root);

  if (pkg.connectorHub === undefined) {
    throw refuse('package.json has no "connectorHub" manifest (expected { "export": "connector", "sdk": "^1.0.0" })');
  }
  if (!validateManifest(pkg.connectorHub)) {
    throw refuse(`invalid manifest: ${formatAjvErrors(validateManifest.errors).map(manifestField).join('; ')}`);
  }
  const manifest = pkg.connectorHub as PluginManifest;
  if (semver.validRange(manifest.sdk) === null) {
    throw refuse(`invalid manifest: connectorHub.sdk "${manifest.sdk}" is not a semver range (e.g. ^1.0.0)`);
  }
  if (!semver.satisfies(SDK_VERSION, manifest.sdk)) {
    throw new PluginRefusedError(spec, `plugin ${label} needs SDK ${manifest.sdk}, this hub provides ${SDK_VERSION}`);
  }

  const entryField = manifest.entry ?? (typeof pkg.main === 'string' && pkg.main !== '' ? pkg.main : 'index.js');
  const entryPath = path.resolve(root, entryField);
  if (!inside(root, entryPath)) throw refuse(`entry "${entryField}" points outside the package folder`);
  const requireFromHere = createRequire(__filename);
  let entry: string;
  try {
    entry = requireFromHere.resolve(entryPath);
  } catch {
    const source = options.fromSources ? sourceEntryOf(root, entryField) : undefined;
    if (source === undefined) {
      throw refuse(
        `entry module "${entryField}" not found in ${root}` +
          (sourceEntryOf(root, entryField) ? ' (build the plugin first: npm run build)' : ''),
      );
    }
    enableTypeScript();
    entry = source;
  }

  shareSdkWith(root);
  let exported: unknown;
  try {
    exported = requireFromHere(entry);
  } catch (error) {
    throw refuse(`loading ${path.relative(root, entry)} failed: ${errorText(error)}`);
  }
  const definition = pickExport(exported, manifest.export);
  if (definition === undefined) {
    const available = typeof exported === 'object' && exported !== null ? Object.keys(exported) : [];
    throw refuse(
      `export "${manifest.export}" (connectorHub.export) not found in ${path.relative(root, entry)}; it exports: ${available.join(', ') || 'nothing'}`,
    );
  }
  const version = typeof pkg.version === 'string' ? pkg.version : undefined;
  return { spec, name, version, root, entry, manifest, definition };
}

function pickExport(exported: unknown, name: string): unknown {
  if (typeof exported !== 'object' || exported === null) return name === 'default' ? exported : undefined;
  const bag = exported as Record<string, unknown>;
  if (name === 'default') return bag.default ?? exported;
  return bag[name];
}
