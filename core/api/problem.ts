import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import { FlowValidationError } from '../flows/errors';
import { scrubSecrets } from '../logging/logger';
import { MappingCompileError } from '../mapping';
import { isHubError } from '../sdk/errors';
import { StoreConflictError, StoreNotFoundError } from '../store/errors';

/**
 * RFC 9457 problem details: every error the API answers is one of these, as application/problem+json. A problem
 * names the fields at fault (`errors[].field` is a JSON pointer into the request: `/body/name`, `/query/limit`)
 * and never carries a stack trace.
 */

export const PROBLEM_BASE = 'https://connector-hub.dev/problems/';

export const FieldError = Type.Object(
  {
    field: Type.String({ description: 'JSON pointer into the request: /body/…, /query/…, /params/…' }),
    message: Type.String(),
  },
  { additionalProperties: true },
);
export type FieldError = Static<typeof FieldError>;

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI of the problem type' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(FieldError, { description: 'The fields at fault' })),
  },
  { additionalProperties: true, title: 'Problem' },
);
export type Problem = Static<typeof Problem>;

/** An error a handler throws to answer with a given problem. */
export class ApiProblem extends Error {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    options: {
      type?: string;
      title?: string;
      detail?: string;
      errors?: FieldError[];
      headers?: Record<string, string>;
    } = {},
  ) {
    const title = options.title ?? STATUS_CODES[status] ?? 'Error';
    super(options.detail ?? title);
    this.name = 'ApiProblem';
    this.problem = { type: options.type ?? 'about:blank', title, status };
    if (options.detail !== undefined) this.problem.detail = options.detail;
    if (options.errors !== undefined) this.problem.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** 400: the request does not match the route's schemas. */
export function invalidRequest(errors: FieldError[]): ApiProblem {
  return new ApiProblem(400, {
    type: `${PROBLEM_BASE}invalid-request`,
    title: 'Invalid request',
    detail: errors.map((e) => `${e.field}: ${e.message}`).join('; '),
    errors,
  });
}

/** 422: well-formed, but the hub cannot accept it (a flow that refers to nothing, settings a connector refuses). */
export function unprocessable(detail: string, errors: FieldError[]): ApiProblem {
  return new ApiProblem(422, { type: `${PROBLEM_BASE}unprocessable`, title: 'Unprocessable request', detail, errors });
}

export function notFound(entity: string, key: string): ApiProblem {
  return new ApiProblem(404, {
    type: `${PROBLEM_BASE}not-found`,
    title: 'Not Found',
    detail: `${entity} ${JSON.stringify(key)} not found`,
  });
}

/** `source.connection` → `/body/source/connection`; a pointer stays as it is; `(root)` is the body itself. */
export function bodyField(field: string | undefined): string {
  if (field === undefined || field === '' || field === '(root)') return '/body';
  if (field.startsWith('/')) return field.startsWith('/body') ? field : `/body${field}`;
  return `/body/${field
    .split('.')
    .map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

function bodyParserProblem(error: unknown): ApiProblem | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: unknown }).limit;
    const max = typeof limit === 'number' ? ` (at most ${limit} bytes)` : '';
    return new ApiProblem(413, { detail: `the request body is larger than the hub accepts${max}` });
  }
  if (type === 'entity.parse.failed') return invalidRequest([{ field: '/body', message: 'is not valid JSON' }]);
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new ApiProblem(415, { detail: 'send the body as UTF-8 JSON' });
  return undefined;
}

/**
 * The problem for anything a handler (or the body parser) threw. Domain errors map by class, never by message:
 * ConfigError → 422 naming the field, FlowValidationError → 422 with every problem, StoreNotFoundError → 404,
 * StoreConflictError → 409, a connector's auth/permanent/retryable error → 502, rate limited → 503. Anything else
 * is a 500 without details. `unexpected` is true for the 500s (the caller logs them).
 */
export function problemOf(error: unknown): { problem: ApiProblem; unexpected: boolean } {
  if (error instanceof ApiProblem) return { problem: error, unexpected: false };
  const parser = bodyParserProblem(error);
  if (parser) return { problem: parser, unexpected: false };
  if (error instanceof StoreNotFoundError) return { problem: notFound(error.entity, error.key), unexpected: false };
  if (error instanceof StoreConflictError) {
    const errors = error.field ? [{ field: bodyField(error.field), message: error.message }] : undefined;
    return {
      problem: new ApiProblem(409, { type: `${PROBLEM_BASE}conflict`, detail: error.message, errors }),
      unexpected: false,
    };
  }
  if (error instanceof FlowValidationError) {
    const errors = error.problems.map((p) => ({ field: bodyField(p.field), message: p.message }));
    return { problem: unprocessable(scrubSecrets(error.message), errors), unexpected: false };
  }
  if (error instanceof MappingCompileError) {
    const e = error.mappingError;
    const field = /^source schema/.test(e.message)
      ? '/body/sourceSchema'
      : /^target schema/.test(e.message)
        ? '/body/targetSchema'
        : '/body/expression';
    return { problem: unprocessable(error.message, [{ ...e, field, message: e.message }]), unexpected: false };
  }
  if (isHubError(error)) {
    const detail = scrubSecrets(error.message);
    switch (error.kind) {
      case 'config':
        return {
          problem: unprocessable(detail, error.field ? [{ field: bodyField(error.field), message: detail }] : []),
          unexpected: false,
        };
      case 'rate_limited': {
        const info = error.toInfo();
        const seconds = Math.max(1, Math.ceil((info.retryAfterMs ?? 1000) / 1000));
        return {
          problem: new ApiProblem(503, {
            type: `${PROBLEM_BASE}upstream-rate-limited`,
            detail,
            headers: { 'retry-after': String(seconds) },
          }),
          unexpected: false,
        };
      }
      default:
        return {
          problem: new ApiProblem(502, { type: `${PROBLEM_BASE}upstream-${error.kind}`, detail }),
          unexpected: false,
        };
    }
  }
  return { problem: new ApiProblem(500), unexpected: true };
}
