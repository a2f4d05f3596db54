import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { settingsStringProblems } from '../api/schemas/strings';
import { ConfigError } from '../sdk/errors';
import { assertOutboundUrlAllowed } from '../security/outbound-guard';

/** `settings.path.to.field: what it must be` (a missing required field is named too). */
function describe(error: ErrorObject): string {
  const { missingProperty: missing, additionalProperty: extra } = error.params as {
    missingProperty?: string;
    additionalProperty?: string;
  };
  if (extra !== undefined)
    return `settings${`${error.instancePath}/${extra}`.replace(/\//g, '.')}: is not a known setting; remove it (or check its spelling)`;
  const at = missing ? `${error.instancePath}/${missing}` : error.instancePath;
  return `settings${at.replace(/\//g, '.')}: ${error.message ?? 'is invalid'}`;
}

/**
 * Validates settings against the connector's settings schema. The message names the field and what it must be;
 * it never quotes the value (it may be a secret).
 */
export function validateSettings(connectorId: string, schema: unknown, settings: Record<string, unknown>): void {
  const oversized = settingsStringProblems(settings);
  if (oversized.length > 0) {
    throw new ConfigError(
      `invalid settings for connector ${connectorId}: ${oversized.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
      { field: oversized[0].field },
    );
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema as object);
  if (validate(settings)) {
    // URL settings the outbound door would refuse are refused now, naming the field (file:, gopher:, private hosts)
    assertOutboundUrlAllowed(settings, schema);
    return;
  }
  const problems = (validate.errors ?? []).map(describe);
  throw new ConfigError(`invalid settings for connector ${connectorId}: ${problems.join('; ')}`, {
    field: problems[0]?.split(':')[0],
  });
}
