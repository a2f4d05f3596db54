import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/sdk';

/**
 * The folders the file connector may read and write: `HUB_FILES_ROOT` (comma-separated folders; default
 * `<HUB_DATA_DIR>/files`, i.e. `./data/files`) plus the working folder's `imports/` (the README's walkthrough).
 * A file is allowed only when its real path — every symlink followed, for the folder and for the file — lies inside
 * one of them. Checked when a connection is saved and again at every read and write (a symlink may be swapped later).
 */

export const FILES_ROOT_VARIABLE = 'HUB_FILES_ROOT';

/** The allowed roots as absolute paths (not yet resolved through symlinks), in the order they are configured. */
export function allowedRoots(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string[] {
  const configured = (env[FILES_ROOT_VARIABLE] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const dataDir = env.HUB_DATA_DIR !== undefined && env.HUB_DATA_DIR !== '' ? env.HUB_DATA_DIR : './data';
  const roots = configured.length > 0 ? configured : [path.join(dataDir, 'files')];
  return [...new Set([...roots, 'imports'].map((p) => path.resolve(cwd, p)))];
}

export function isWithin(base: string, target: string): boolean {
  const rel = path.relative(base, target);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The real path of `target`: symlinks of its existing part followed, the part that does not exist yet appended. */
export function realPathOf(target: string): string {
  let probe = path.resolve(target);
  const missing: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(probe), ...missing.reverse());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // a dangling symlink: where it points decides, not whether the target exists
      if (code === 'ENOENT' && fs.lstatSync(probe, { throwIfNoEntry: false })?.isSymbolicLink()) {
        return realPathOf(path.resolve(path.dirname(probe), fs.readlinkSync(probe)));
      }
      const parent = path.dirname(probe);
      if (parent === probe) return path.join(probe, ...missing.reverse());
      missing.push(path.basename(probe));
      probe = parent;
    }
  }
}

/**
 * Refuses `target` (named by setting `field`, written there as `given`) unless its real path is inside an allowed
 * root. The message names the setting, the allowed roots and how to allow another folder.
 */
export function assertInRoots(
  target: string,
  field: string,
  given: string,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const roots = allowedRoots(env);
  const real = realPathOf(target);
  if (roots.some((root) => isWithin(realPathOf(root), real))) return;
  throw new ConfigError(
    `${field} "${given}" is outside the folders the hub may read and write (${roots.join(', ')}); move the file into one of them, or add its folder to ${FILES_ROOT_VARIABLE} (comma-separated folders)`,
    { field },
  );
}
