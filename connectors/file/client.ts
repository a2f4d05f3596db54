import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, RetryableError, type CheckResult, type HubError } from '../../core/sdk';
import type { Encoding } from './formats/text';
import { assertInRoots, isWithin, realPathOf } from './roots';
import type { FileSettings } from './schemas/settings';

/**
 * The file connector's "vendor client": where files are, what format they have, and what a file-system error
 * means for the runner. Every file name from the settings is resolved inside `directory`; a name that escapes it
 * (`..`, an absolute path elsewhere, a symlink pointing out) is refused with a ConfigError naming the field.
 */

export type FileFormat = 'csv' | 'ndjson';
export type FileField = 'path' | 'output';

export interface FileOptions {
  /** Absolute base folder. */
  directory: string;
  /** Set in the settings (or a .tsv name); undefined: detected when reading, a comma for a new file. */
  delimiter?: string;
  encoding?: Encoding;
  header: boolean;
  columns?: string[];
  pageSize: number;
  idField: string;
  modifiedField?: string;
}

export interface TargetFile {
  /** The setting that names the file. */
  field: FileField;
  /** As written in the settings, relative to the directory; stored in checkpoints. */
  name: string;
  absolute: string;
  format: FileFormat;
  options: FileOptions;
}

export function fileOptions(settings: FileSettings, fileName?: string): FileOptions {
  const tsv = fileName !== undefined && path.extname(fileName).toLowerCase() === '.tsv';
  const options: FileOptions = {
    directory: path.resolve(settings.directory),
    header: settings.header ?? true,
    pageSize: settings.pageSize ?? 500,
    idField: settings.idField ?? 'id',
  };
  const delimiter = settings.delimiter ?? (tsv ? '\t' : undefined);
  if (delimiter !== undefined) options.delimiter = delimiter;
  if (settings.encoding !== undefined) options.encoding = settings.encoding;
  if (settings.columns !== undefined) options.columns = settings.columns;
  if (settings.modifiedField !== undefined) options.modifiedField = settings.modifiedField;
  return options;
}

function isInside(base: string, target: string): boolean {
  return target !== base && isWithin(base, target);
}

/** Resolves `name` inside `directory`, following symlinks of the parts that exist; refuses any escape. */
export function resolveInDirectory(directory: string, name: string, field: FileField): string {
  const base = path.resolve(directory);
  const outside = () =>
    new ConfigError(`${field} "${name}" resolves outside directory "${directory}"; name a file inside that folder`, {
      field,
    });
  if (name.includes('\0')) throw new ConfigError(`${field} contains a NUL character`, { field });
  const target = path.resolve(base, name);
  if (!isInside(base, target)) throw outside();
  let realBase: string;
  try {
    realBase = fs.realpathSync(base);
  } catch {
    throw new ConfigError(`directory "${directory}" does not exist`, { field: 'directory' });
  }
  if (!isInside(realBase, realPathOf(target))) throw outside();
  return target;
}

/** Refuses a directory outside the hub's file roots (HUB_FILES_ROOT, ./imports), symlinks followed. */
export function checkDirectory(settings: FileSettings): void {
  assertInRoots(path.resolve(settings.directory), 'directory', settings.directory);
}

export function formatOf(format: FileFormat | undefined, name: string, field: FileField): FileFormat {
  if (format !== undefined) return format;
  const ext = path.extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  throw new ConfigError(
    `cannot tell the format of ${field} "${name}" from its extension; set format to "csv" or "ndjson"`,
    {
      field: 'format',
    },
  );
}

/** The file a setting names, resolved and with its format; ConfigError when the setting is missing or unsafe. */
export function targetFile(settings: FileSettings, field: FileField): TargetFile {
  const name = settings[field];
  if (name === undefined || name === '') {
    throw new ConfigError(
      `${field} is not set: name the file (relative to directory) this connection ${field === 'path' ? 'reads' : 'writes'}`,
      {
        field,
      },
    );
  }
  const options = fileOptions(settings, name);
  const format = formatOf(settings.format, name, field);
  if (format === 'csv' && !options.header && options.columns === undefined) {
    throw new ConfigError('columns must be set when header is false (the CSV file does not name its columns)', {
      field: 'columns',
    });
  }
  checkDirectory(settings);
  const absolute = resolveInDirectory(options.directory, name, field);
  assertInRoots(absolute, field, name);
  return { field, name, absolute, format, options };
}

/** What a file-system error means for the runner: the user's to fix (ConfigError) or worth retrying. */
export function fileError(error: unknown, file: TargetFile, doing: string): HubError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const field = file.field;
  const message = `${doing} ${file.name} failed: ${error instanceof Error ? error.message : String(error)}`;
  switch (code) {
    case 'ENOENT':
      return new ConfigError(`${file.name} does not exist in ${file.options.directory}`, { field, cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EROFS':
      return new ConfigError(message, { field, cause: error });
    default:
      return new RetryableError(message, { cause: error });
  }
}

/** Appends to one file are serialised within the process, so batches never interleave. */
const locks = new Map<string, Promise<unknown>>();

export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const previous = locks.get(file) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const tail = run.catch(() => undefined);
  locks.set(file, tail);
  try {
    return await run;
  } finally {
    if (locks.get(file) === tail) locks.delete(file);
  }
}

/**
 * Runs when a connection is saved: the directory and every named file must lie inside the hub's file roots and
 * stay inside the directory (symlinks followed). A folder or file that does not exist yet is fine.
 */
export function checkSettings(settings: FileSettings): void {
  checkDirectory(settings);
  const base = path.resolve(settings.directory);
  for (const field of ['path', 'output'] as const) {
    const name = settings[field];
    if (name === undefined) continue;
    if (name.includes('\0')) throw new ConfigError(`${field} contains a NUL character`, { field });
    const target = path.resolve(base, name);
    if (!isInside(base, target) || (fs.existsSync(base) && !isInside(realPathOf(base), realPathOf(target))))
      throw new ConfigError(
        `${field} "${name}" resolves outside directory "${settings.directory}"; name a file inside that folder`,
        { field },
      );
    assertInRoots(target, field, name);
  }
}

export async function checkFiles(settings: FileSettings): Promise<CheckResult> {
  const directory = path.resolve(settings.directory);
  try {
    checkDirectory(settings);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  try {
    const stat = await fs.promises.stat(directory);
    if (!stat.isDirectory()) return { ok: false, message: `directory "${settings.directory}" is not a folder` };
    await fs.promises.access(directory, fs.constants.R_OK | fs.constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable and writable' : String(error);
    return { ok: false, message: `directory "${settings.directory}" ${why}` };
  }
  const notes: string[] = [];
  for (const field of ['path', 'output'] as const) {
    if (settings[field] === undefined) continue;
    try {
      const file = targetFile(settings, field);
      if (field === 'path' && !fs.existsSync(file.absolute)) notes.push(`${file.name} does not exist yet`);
    } catch (error) {
      return { ok: false, message: error instanceof Error ? error.message : String(error) };
    }
  }
  return { ok: true, message: [`directory ${directory} is readable and writable`, ...notes].join('; ') };
}
