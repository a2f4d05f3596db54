import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import type { MappingError, MappingErrorDetail } from './types';

/**
 * JSON Schema validation of mapping input and output with ajv (allErrors, ajv-formats). Validators are compiled once
 * per distinct schema (by content) and reused across mappings; each schema gets its own Ajv instance so two schemas
 * with the same $id never collide.
 */

export type JsonSchema = Record<string, unknown>;
export type RecordValidator = (value: unknown) => MappingError | undefined;

const validators = new Map<string, ValidateFunction>();
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function createAjv(schema: JsonSchema): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { allErrors: true, strict: false, validateFormats: true };
  let ajv: Ajv;
  if (dialect.includes('2020-12')) ajv = new Ajv2020(options);
  else if (dialect.includes('2019-09')) ajv = new Ajv2019(options);
  else ajv = new Ajv(options);
  return addFormats(ajv);
}

/** Compiles (or reuses) the validator; throws `{ code: 'schema.invalid' }` for a broken schema. */
export function compileSchema(schema: JsonSchema): ValidateFunction {
  const key = createHash('sha256').update(JSON.stringify(schema)).digest('hex');
  const cached = validators.get(key);
  if (cached) return cached;
  let validate: ValidateFunction;
  try {
    validate = createAjv(schema).compile(schema);
  } catch (err) {
    const schemaError: MappingError = {
      code: 'schema.invalid',
      message: `invalid JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
    };
    throw schemaError;
  }
  validators.set(key, validate);
  return validate;
}

/** JSON pointer of the field an ajv error is about (the missing/extra property for required/additionalProperties). */
export function errorField(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : error.keyword === 'dependentRequired' || error.keyword === 'dependencies'
          ? params.missingProperty
          : undefined;
  const escaped = typeof child === 'string' ? `/${child.replace(/~/g, '~0').replace(/\//g, '~1')}` : '';
  return `${error.instancePath}${escaped}` || '/';
}

function errorDetail(error: ErrorObject): MappingErrorDetail {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? error.keyword;
  if (error.keyword === 'additionalProperties') message = 'is not allowed by the schema';
  else if (error.keyword === 'required') message = 'is required';
  else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { field: errorField(error), message };
}

/**
 * One detail per `anyOf` (or `oneOf`) a value failed, instead of one per branch ("must be string (and 2 more)"):
 * branches of constants (a union of literals, as TypeBox writes an enum) say "must be one of …", branches of types
 * "must be string or null", anything else "does not match any of its allowed forms". Other errors as they are.
 */
function foldAlternatives(errors: readonly ErrorObject[]): MappingErrorDetail[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const branchesOf = (union: ErrorObject) =>
    errors.filter(
      (e) => e !== union && e.instancePath === union.instancePath && e.schemaPath.startsWith(`${union.schemaPath}/`),
    );
  // a union folds into one detail when its branches are constants or types; otherwise its branches' own errors
  // (e.g. "/email is required" of "an e-mail or a phone") say more, and stay as ajv gave them
  const folded = new Map<ErrorObject, string>();
  for (const union of unions) {
    const branches = branchesOf(union);
    if (branches.some((e) => e.keyword !== 'const' && e.keyword !== 'enum' && e.keyword !== 'type')) continue;
    const constants = branches.flatMap((e) => {
      const params = e.params as Record<string, unknown>;
      if (e.keyword === 'const') return [params.allowedValue];
      if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) return params.allowedValues as unknown[];
      return [];
    });
    const types = branches.filter((e) => e.keyword === 'type').map((e) => String((e.params as { type: unknown }).type));
    // a literal's branch fails on its type and its constant alike (allErrors): the constants say it all
    folded.set(
      union,
      constants.length > 0
        ? `must be one of ${[...new Set(constants)].map((v) => JSON.stringify(v)).join(', ')}`
        : `must be ${[...new Set(types)].join(' or ')}`,
    );
  }
  const hidden = new Set([...folded.keys()].flatMap(branchesOf));
  return errors
    .filter((e) => !hidden.has(e))
    .map((e) => {
      const message = folded.get(e);
      return message === undefined ? errorDetail(e) : { field: errorField(e), message };
    });
}

/** A validator that turns ajv's errors into one MappingError (`code`), first field first, all fields in details. */
export function createRecordValidator(schema: JsonSchema, code: 'output.invalid' | 'input.invalid'): RecordValidator {
  const validate = compileSchema(schema);
  const what = code === 'output.invalid' ? 'Output' : 'Input';
  return (value) => {
    if (validate(value)) return undefined;
    const details = foldAlternatives((validate.errors ?? []).filter((e) => e.keyword !== 'if'));
    const unique = details.filter(
      (d, i) => details.findIndex((o) => o.field === d.field && o.message === d.message) === i,
    );
    const first = unique[0] ?? { field: '/', message: 'does not match the schema' };
    const more = unique.length > 1 ? ` (and ${unique.length - 1} more)` : '';
    return {
      code,
      message: `${what} field ${first.field} ${first.message}${more}`,
      field: first.field,
      details: unique,
    };
  };
}
