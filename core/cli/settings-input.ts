import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../sdk/errors';

/** Reads connection settings from a JSON file or standard input ("-"). */
export function readSettings(source: string): Record<string, unknown> {
  const text = source === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path.resolve(source), 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    // The parser's message can quote the text, which may hold a secret: say only where it broke.
    const where = error instanceof Error ? /position \d+/.exec(error.message)?.[0] : undefined;
    throw new ConfigError(`--settings ${source} is not valid JSON${where ? ` (at ${where})` : ''}`, {
      field: '--settings',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`--settings ${source} must hold a JSON object`, { field: '--settings' });
  }
  return parsed as Record<string, unknown>;
}
