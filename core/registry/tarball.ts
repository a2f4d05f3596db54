import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';

/**
 * Plugins configured as a tarball (`HUB_PLUGINS=./hub-connector-x-1.0.0.tgz`, what `npm pack` writes) are unpacked
 * once into `<dataDir>/plugins/<name>-<version>-<sha8>/` and then loaded like a folder. The folder name carries the
 * first 8 hex digits of the tarball's sha256, so a rebuilt tarball with the same version gets a fresh folder and an
 * unchanged one is reused on every start. Unpacking goes to a temporary sibling that is renamed into place, so a
 * crash or a second process starting at the same time never leaves (or loads) a half-written folder.
 *
 * `npm pack` does not include dependencies. Those the hub itself ships (TypeBox, …) are linked from the hub's
 * node_modules when the version fits the declared range; anything else must be bundled (`bundleDependencies`) or
 * the plugin installed with npm and configured by name, and the tarball is refused with that advice.
 */

export const TARBALL = /\.(tgz|tar\.gz)$/i;

export class TarballError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TarballError';
  }
}

export function isTarballSpec(spec: string): boolean {
  return TARBALL.test(spec);
}

/** The hub's default data folder, for callers that were not handed the configured one. */
export function defaultDataDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.HUB_DATA_DIR;
  return path.resolve(cwd, configured !== undefined && configured !== '' ? configured : './data');
}

interface PackedManifest {
  name?: unknown;
  version?: unknown;
  dependencies?: unknown;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('Command failed')) ?? text;
}

function readPackedManifest(file: string): PackedManifest {
  let text: string;
  try {
    text = execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new TarballError(
      `${file} is not an npm package tarball (no package/package.json inside): ${firstLine(error)}`,
      { cause: error },
    );
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return parsed as PackedManifest;
  } catch {
    // reported below
  }
  throw new TarballError(`${file}: package/package.json is not a JSON object`);
}

/** `@acme/hub-x` → `acme-hub-x`: a folder name that is safe on every platform. */
function folderSafe(text: string): string {
  return text.replace(/^@/, '').replace(/[^A-Za-z0-9._-]+/g, '-');
}

/** The folder a tarball unpacks to (without unpacking it). */
export function tarballFolder(file: string, dataDir: string): { dir: string; manifest: PackedManifest } {
  const manifest = readPackedManifest(file);
  const name = typeof manifest.name === 'string' && manifest.name !== '' ? manifest.name : 'plugin';
  const version = typeof manifest.version === 'string' && manifest.version !== '' ? manifest.version : '0.0.0';
  const sha8 = createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 8);
  return { dir: path.join(dataDir, 'plugins', folderSafe(`${name}-${version}-${sha8}`)), manifest };
}

function unpackInto(file: string, target: string): void {
  const staging = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(staging, { recursive: true });
  try {
    // GNU and BSD tar both drop leading "/" and refuse ".." members; ownership stays the hub's user
    execFileSync('tar', ['-xzf', file, '-C', staging, '--no-same-owner'], { stdio: 'pipe' });
    const packaged = path.join(staging, 'package');
    if (!fs.existsSync(path.join(packaged, 'package.json'))) {
      throw new TarballError(`${file} has no package/ folder (not written by npm pack)`);
    }
    try {
      fs.renameSync(packaged, target);
    } catch (error) {
      // another process unpacked the same tarball first: use its folder
      if (!fs.existsSync(path.join(target, 'package.json'))) throw error;
    }
  } catch (error) {
    if (error instanceof TarballError) throw error;
    throw new TarballError(`cannot unpack ${file}: ${firstLine(error)}`, { cause: error });
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function resolvableFrom(dir: string, name: string): boolean {
  for (let at = dir; ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, 'node_modules', name, 'package.json'))) return true;
    if (path.dirname(at) === at) return false;
  }
}

/** The hub's own copy of a package, when its version satisfies `range`. */
function hubCopy(name: string, range: string, hubDir: string): string | undefined {
  for (let at = hubDir; ; at = path.dirname(at)) {
    const candidate = path.join(at, 'node_modules', name);
    const pkgFile = path.join(candidate, 'package.json');
    if (fs.existsSync(pkgFile)) {
      const { version } = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version?: unknown };
      const fits = typeof version === 'string' && semver.satisfies(version, range, { includePrerelease: true });
      return fits ? candidate : undefined;
    }
    if (path.dirname(at) === at) return undefined;
  }
}

/** Links each missing runtime dependency to the hub's copy; throws naming those the hub cannot provide. */
function provideDependencies(root: string, manifest: PackedManifest, file: string, hubDir: string): void {
  const deps =
    typeof manifest.dependencies === 'object' && manifest.dependencies !== null
      ? (manifest.dependencies as Record<string, unknown>)
      : {};
  const missing: string[] = [];
  for (const [name, range] of Object.entries(deps)) {
    if (resolvableFrom(root, name)) continue;
    const copy = typeof range === 'string' ? hubCopy(name, range, hubDir) : undefined;
    if (copy === undefined) {
      missing.push(`${name}@${String(range)}`);
      continue;
    }
    const link = path.join(root, 'node_modules', name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    try {
      fs.symlinkSync(copy, link, 'junction');
    } catch (error) {
      // a second process linked it at the same moment
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (missing.length > 0) {
    throw new TarballError(
      `${path.basename(file)} needs ${missing.join(', ')}, which the tarball does not bundle and this hub does not ` +
        'provide; list them in "bundleDependencies" before npm pack, or npm install the plugin and configure it by name',
    );
  }
}

/**
 * Unpacks a plugin tarball into `<dataDir>/plugins/<name>-<version>-<sha8>/` (or reuses that folder) and returns
 * the package folder. `hubDir` is where the hub's own node_modules lookup starts (tests point it elsewhere).
 */
export function extractPluginTarball(file: string, dataDir: string, hubDir: string = __dirname): string {
  if (!fs.existsSync(file)) throw new TarballError(`tarball ${file} does not exist`);
  if (!fs.statSync(file).isFile()) throw new TarballError(`${file} is not a file`);
  const { dir, manifest } = tarballFolder(file, dataDir);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    unpackInto(file, dir);
  }
  provideDependencies(dir, manifest, file, hubDir);
  return dir;
}
