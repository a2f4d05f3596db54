import fs from 'node:fs';
import path from 'node:path';
import { CONNECTOR_ID_PATTERN } from '../sdk/contracts';
import { ConfigError } from '../sdk/errors';
import { SDK_VERSION } from '../sdk/version';
import { PROJECT_FILES } from './templates/project';
import { SANDBOX_FILES } from './templates/sandbox';
import { SOURCE_FILES } from './templates/source';
import { TEST_FILES } from './templates/tests';

/**
 * `hub plugins new`: writes a complete connector package (the built-in connector shape, a sandbox, tests wired to
 * the conformance kit) that passes `npm install && npm test` as generated.
 *
 * The SDK is not on a registry, so the package reaches it by one explicit mechanism: `connector-hub` is a peer
 * dependency (the loading hub provides it at run time) and a `file:` dev dependency on a hub package — a folder
 * (default: the running hub's own package root; npm links it) or a tarball made by `npm pack` in the hub. The
 * folder must hold the built SDK (`dist/`, from `npm run build`), which is what the package's "exports" point at.
 */

const NPM_NAME = /^(?:@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;
const NAME_PREFIXES = /^(?:hub-connector-|connector-hub-|hub-plugin-|connector-)/;
const TARBALL = /\.(?:tgz|tar\.gz)$/i;
const SDK_ENTRY = path.join('dist', 'core', 'sdk', 'index.js');

/** Tool versions of the scaffold when the hub's own package.json does not name them. */
const FALLBACK_DEV_VERSIONS: Record<string, string> = {
  '@swc/core': '^1.16.22',
  '@swc/jest': '^0.2.39',
  '@types/jest': '^30.0.0',
  '@types/node': '^24.19.2',
  jest: '^30.5.2',
  typescript: '^6.0.3',
};

export interface ScaffoldOptions {
  /** npm package name, e.g. `hub-connector-acme` or `@acme/hub-connector`. */
  name: string;
  /** Target folder (created; must be empty or absent). Default: `<cwd>/<name without scope>`. */
  dir?: string;
  /** Connector id; default derived from the package name (`hub-connector-acme` → `acme`). */
  id?: string;
  /** A connector-hub package folder or tarball for the `file:` dev dependency; default the running hub's root. */
  sdk?: string;
  cwd?: string;
}

export interface ScaffoldResult {
  dir: string;
  packageName: string;
  id: string;
  displayName: string;
  /** What package.json's devDependencies say for connector-hub, e.g. `file:/opt/hub`. */
  sdkSpec: string;
  sdkKind: 'folder' | 'tarball';
  /** Relative paths of the files written, sorted. */
  files: string[];
  /** Things the user must do before `npm test` passes (e.g. build the hub's SDK). */
  warnings: string[];
}

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function readJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** The connector-hub package folder this code runs from (sources or dist/), found by its package.json. */
export function hubPackageRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (readJson(path.join(dir, 'package.json'))?.name === 'connector-hub') return dir;
    if (path.dirname(dir) === dir) throw new Error(`no connector-hub package.json above ${start}`);
  }
}

/** `hub-connector-acme` → `acme`; `@acme/hub-plugin-crm` → `crm`. */
export function connectorIdFor(packageName: string): string {
  const base = packageName
    .toLowerCase()
    .replace(/^@[^/]+\//, '')
    .replace(NAME_PREFIXES, '');
  return base
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 50);
}

export function displayNameFor(id: string): string {
  return id
    .split('-')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

/** The installed version of a package, looked up the way Node does: node_modules of `start` and its ancestors. */
function installedVersion(name: string, start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const version = readJson(path.join(dir, 'node_modules', name, 'package.json'))?.version;
    if (version !== undefined) return version;
    if (path.dirname(dir) === dir) return undefined;
  }
}

interface SdkChoice {
  spec: string;
  kind: 'folder' | 'tarball';
  /** Where its dependencies are looked up (the folder, else the running hub). */
  lookupFrom: string;
  warnings: string[];
}

function chooseSdk(sdk: string | undefined, cwd: string, hubRoot: string): SdkChoice {
  const target = sdk === undefined ? hubRoot : path.resolve(cwd, sdk);
  if (!fs.existsSync(target)) throw new ConfigError(`--sdk ${target} does not exist`, { field: '--sdk' });
  if (fs.statSync(target).isFile()) {
    if (!TARBALL.test(target))
      throw new ConfigError(`--sdk ${target} is neither a folder nor a .tgz tarball`, { field: '--sdk' });
    return { spec: `file:${target}`, kind: 'tarball', lookupFrom: hubRoot, warnings: [] };
  }
  const pkg = readJson(path.join(target, 'package.json'));
  if (pkg?.name !== 'connector-hub')
    throw new ConfigError(`--sdk ${target} is not the connector-hub package (its package.json name differs)`, {
      field: '--sdk',
    });
  const warnings = fs.existsSync(path.join(target, SDK_ENTRY))
    ? []
    : [
        `${target} has no built SDK (${SDK_ENTRY}): run \`npm install\` (or \`npm run build\`) there before \`npm install && npm test\` in the new package`,
      ];
  return { spec: `file:${target}`, kind: 'folder', lookupFrom: target, warnings };
}

function packageJson(options: {
  name: string;
  displayName: string;
  sdk: SdkChoice;
  hub: PackageJson;
  typebox: string;
}): string {
  const devVersions = { ...FALLBACK_DEV_VERSIONS };
  for (const tool of Object.keys(devVersions)) {
    const declared = options.hub.devDependencies?.[tool];
    if (declared !== undefined) devVersions[tool] = declared;
  }
  const pkg = {
    name: options.name,
    version: '0.1.0',
    description: `${options.displayName} connector for Connector Hub`,
    license: 'UNLICENSED',
    type: 'commonjs',
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist', 'README.md'],
    keywords: ['connector-hub', 'connector-hub-plugin'],
    engines: { node: '>=20' },
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      typecheck: 'tsc --noEmit -p tsconfig.json',
      test: 'npm run typecheck && jest',
      prepack: 'npm run build',
    },
    connectorHub: { export: 'connector', sdk: `^${SDK_VERSION}` },
    peerDependencies: { 'connector-hub': `>=${options.hub.version ?? '0.1.0'}` },
    dependencies: { '@sinclair/typebox': options.typebox },
    devDependencies: Object.fromEntries(
      Object.entries({ ...devVersions, 'connector-hub': options.sdk.spec }).sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function render(template: string, values: Record<string, string>): string {
  return template.replace(/__(PACKAGE|ID|DISPLAY_NAME)__/g, (token, key: string) => values[key] ?? token);
}

/** Writes the package; refuses a non-empty target folder and names it. */
export function scaffoldPlugin(options: ScaffoldOptions): ScaffoldResult {
  const cwd = options.cwd ?? process.cwd();
  const name = options.name.trim();
  if (!NPM_NAME.test(name) || name.length > 214)
    throw new ConfigError(`"${name}" is not a valid npm package name (lowercase, e.g. hub-connector-acme)`, {
      field: 'name',
    });
  const id = options.id ?? connectorIdFor(name);
  if (!new RegExp(CONNECTOR_ID_PATTERN).test(id))
    throw new ConfigError(
      `connector id "${id}" must match ${CONNECTOR_ID_PATTERN} (lowercase letters, digits, dashes); pass --id`,
      { field: '--id' },
    );
  const dir = path.resolve(cwd, options.dir ?? name.replace(/^@[^/]+\//, ''));
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0))
    throw new ConfigError(`${dir} already exists and is not an empty folder; choose another --dir`, {
      field: '--dir',
    });

  const hubRoot = hubPackageRoot();
  const hub = readJson(path.join(hubRoot, 'package.json')) ?? {};
  const sdk = chooseSdk(options.sdk, cwd, hubRoot);
  // pinned to the SDK's own TypeBox so the schema types are the SDK's (TypeScript merges identical versions)
  const typebox =
    installedVersion('@sinclair/typebox', sdk.lookupFrom) ??
    installedVersion('@sinclair/typebox', hubRoot) ??
    hub.dependencies?.['@sinclair/typebox'] ??
    '^0.34.0';
  const displayName = displayNameFor(id);
  const values = { PACKAGE: name, ID: id, DISPLAY_NAME: displayName };

  const files: Record<string, string> = { 'package.json': packageJson({ name, displayName, sdk, hub, typebox }) };
  for (const group of [SOURCE_FILES, SANDBOX_FILES, TEST_FILES, PROJECT_FILES])
    for (const [file, template] of Object.entries(group)) files[file] = render(template, values);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  return {
    dir,
    packageName: name,
    id,
    displayName,
    sdkSpec: sdk.spec,
    sdkKind: sdk.kind,
    files: Object.keys(files).sort(),
    warnings: sdk.warnings,
  };
}
