import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../sdk/errors';

/** The most a `--file`/`--settings` input may hold: flow definitions and settings are small documents. */
export const MAX_INPUT_BYTES = 1024 * 1024;

const limitText = (max: number) => (max % 1024 === 0 ? `${max / 1024 / 1024} MiB` : `${max} bytes`);

function tooLarge(flag: string, source: string, max: number): ConfigError {
  return new ConfigError(`${flag} ${source} is larger than ${limitText(max)}; give a file up to that size`, {
    field: flag,
  });
}

/** Reads fd up to `max` bytes (one more byte means too large); waits out EAGAIN on a non-blocking stdin. */
function readCapped(fd: number, max: number, onTooLarge: () => Error): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (n === 0) return Buffer.concat(chunks, total);
    total += n;
    if (total > max) throw onTooLarge();
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
}

/**
 * Reads a command's input file: a regular file up to `max` bytes, or standard input for "-" (also capped).
 * Devices (/dev/zero), FIFOs, sockets and folders are refused with a message naming the flag, so a typo cannot
 * hang the command or fill the memory.
 */
export function readInputFile(source: string, flag: string, max: number = MAX_INPUT_BYTES): string {
  if (source === '-') return readCapped(0, max, () => tooLarge(flag, 'on standard input', max)).toString('utf8');
  const file = path.resolve(source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new ConfigError(`${flag} ${source}: no such file`, { field: flag });
    throw error;
  }
  if (!stat.isFile()) {
    const kind = stat.isDirectory()
      ? 'a folder'
      : stat.isFIFO()
        ? 'a named pipe (FIFO)'
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
    throw new ConfigError(
      `${flag} ${source} is ${kind}; give a regular file (up to ${limitText(max)}), or - to read standard input`,
      { field: flag },
    );
  }
  if (stat.size > max) throw tooLarge(flag, source, max);
  const fd = fs.openSync(file, 'r');
  try {
    return readCapped(fd, max, () => tooLarge(flag, source, max)).toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Parses `text` as JSON; a failure says only where it broke (the text may hold a secret). */
export function parseJsonInput(text: string, flag: string, source: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const where = error instanceof Error ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new ConfigError(`${flag} ${source} is not valid JSON${where ? ` (at ${where})` : ''}`, { field: flag });
  }
}

/** Reads connection settings from a JSON file or standard input ("-"). */
export function readSettings(source: string): Record<string, unknown> {
  const parsed = parseJsonInput(readInputFile(source, '--settings'), '--settings', source);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`--settings ${source} must hold a JSON object`, { field: '--settings' });
  }
  return parsed as Record<string, unknown>;
}

/** Reads a JSON document given with `--file` (a flow definition, a sample, …). */
export function readJsonFile(source: string, flag = '--file'): unknown {
  return parseJsonInput(readInputFile(source, flag), flag, source);
}
