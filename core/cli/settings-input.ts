import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
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

function describe(error: ErrorObject): string {
  const field = error.instancePath || (error.params as { missingProperty?: string }).missingProperty ? '' : '/';
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const at = missing ? `${error.instancePath}/${missing}` : error.instancePath || field;
  return `settings${at.replace(/\//g, '.')}: ${error.message ?? 'is invalid'}`;
}

/**
 * Validates settings against the connector's settings schema. The message names the field and what it must be;
 * it never quotes the value (it may be a secret).
 */
export function validateSettings(connectorId: string, schema: unknown, settings: Record<string, unknown>): void {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  if (validate(settings)) return;
  const problems = (validate.errors ?? []).map(describe);
  throw new ConfigError(`invalid settings for connector ${connectorId}: ${problems.join('; ')}`, {
    field: problems[0]?.split(':')[0],
  });
}
