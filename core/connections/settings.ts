import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { ConfigError } from '../sdk/errors';

/** `settings.path.to.field: what it must be` (a missing required field is named too). */
function describe(error: ErrorObject): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const at = missing ? `${error.instancePath}/${missing}` : error.instancePath;
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
