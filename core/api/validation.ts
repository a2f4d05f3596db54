import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Type, type TSchema } from '@sinclair/typebox';
import { schemaProblems } from '../flows/validate';
import { bodyField, invalidRequest, type FieldError } from './problem';
import { nulFields, patternMessage } from './schemas/strings';
import type { ApiRoute } from './route';

/**
 * Request validation from the route's own schemas. Path parameters and query strings are coerced (a query value
 * is text) and get their defaults; bodies are checked as sent. Every error names the field as a JSON pointer into
 * the request (`/query/limit`, `/body/source/connection`).
 */

const coercing = new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true });
addFormats(coercing);
const strictBodies = new Ajv({ allErrors: true, strict: false });
addFormats(strictBodies);

const NONE = Type.Object({}, { additionalProperties: false });

function pointer(base: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const child =
    error.keyword === 'required'
      ? String(params.missingProperty)
      : error.keyword === 'additionalProperties'
        ? String(params.additionalProperty)
        : undefined;
  const escaped = child?.replace(/~/g, '~0').replace(/\//g, '~1');
  return `${base}${error.instancePath}${escaped === undefined ? '' : `/${escaped}`}`;
}

function message(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') return 'is not a known parameter';
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'pattern') return patternMessage(error.params.pattern) ?? error.message ?? 'is not valid';
  return error.message ?? 'is not valid';
}

function describe(base: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors ?? []) {
    const entry = { field: pointer(base, error), message: message(error) };
    const key = `${entry.field} ${entry.message}`;
    if (!seen.has(key)) out.push(entry);
    seen.add(key);
  }
  return out;
}

/** The value, unless a string in it holds a NUL (no store keeps one): then a 400 naming the fields. */
function noNul<T>(value: T, base: string): T {
  const found = nulFields(value, base);
  if (found.length > 0) throw invalidRequest(found);
  return value;
}

/** True when a body must be sent: its schema is not an object whose fields are all optional. */
export function bodyRequired(schema: TSchema): boolean {
  return schema.type !== 'object' || ((schema.required as string[] | undefined) ?? []).length > 0;
}

export interface RouteValidator {
  params(value: unknown): unknown;
  query(value: unknown): unknown;
  body(value: unknown): unknown;
  /** Checks a response against the declared schema (tests turn this on); returns the problems. */
  response(value: unknown): string[];
}

/** Compiles a route's schemas once; each function returns the (coerced) value or throws a 400 problem. */
export function compileRoute(route: ApiRoute): RouteValidator {
  const params: ValidateFunction = coercing.compile(route.params ?? Type.Object({}));
  const query: ValidateFunction = coercing.compile(route.query ?? NONE);
  const bodySchema: TSchema | undefined = route.body;
  let response: ValidateFunction | undefined;
  return {
    params(value) {
      const copy = { ...(value as object) };
      if (!params(copy)) throw invalidRequest(describe('/params', params.errors));
      return noNul(copy, '/params');
    },
    query(value) {
      const copy = { ...(value as object) };
      if (!query(copy)) throw invalidRequest(describe('/query', query.errors));
      return noNul(copy, '/query');
    },
    body(value) {
      if (bodySchema === undefined) return undefined;
      // no body at all is an empty object when the body has no required field (POST /flows/{id}/dry-run)
      if (value === undefined && !bodyRequired(bodySchema)) value = {};
      const problems = schemaProblems(bodySchema, value);
      if (problems.length > 0)
        throw invalidRequest(problems.map((p) => ({ field: bodyField(p.field), message: p.message })));
      return noNul(value, '/body');
    },
    response(value) {
      if (route.response.schema === undefined) return [];
      response ??= strictBodies.compile(route.response.schema);
      if (response(value)) return [];
      return describe('/response', response.errors).map((e) => `${e.field} ${e.message}`);
    },
  };
}
