import type { TSchema } from '@sinclair/typebox';
import { PERMISSIONS, PUBLIC, rolesWith } from './permissions';
import { PROBLEM_TYPE } from './router';
import type { ApiRoute } from './route';
import { COMPONENTS } from './schemas';
import { bodyRequired } from './validation';

/**
 * The OpenAPI 3.1 document of the API, generated from the route table and its JSON Schemas: every route is an
 * operation with its permission, parameters, body, response and the problems it can answer. Schemas listed in
 * COMPONENTS are emitted once under components/schemas and referred to with $ref.
 */

export const API_BASE = '/api/v1';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const byIdentity = new Map<object, string>(Object.entries(COMPONENTS).map(([name, schema]) => [schema, name]));

/** A plain JSON copy of a TypeBox schema (symbols dropped), with known components replaced by $ref. */
function plain(schema: unknown, root?: string): Json {
  if (Array.isArray(schema)) return schema.map((item) => plain(item));
  if (typeof schema !== 'object' || schema === null) return schema as Json;
  const component = byIdentity.get(schema);
  if (component !== undefined && component !== root) return { $ref: `#/components/schemas/${component}` };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) if (value !== undefined) out[key] = plain(value);
  return out;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'The request does not match the schema; `errors` names each field',
  401: 'No API token, or one that is not valid',
  403: "The token's role does not hold the route's permission",
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflicts with the current state (a name in use, a connection a flow uses)',
  413: 'The body is larger than 1 MB',
  422: 'Well-formed, but refused; `errors` names each field',
  502: 'The connector (vendor) refused or failed',
  503: 'The vendor asked to wait; see Retry-After',
  500: 'Unexpected error (details are in the hub log, never in the response)',
};

function problemStatuses(route: ApiRoute): number[] {
  const statuses = new Set<number>([400, 500, ...(route.problems ?? [])]);
  if (route.permission !== PUBLIC) {
    statuses.add(401);
    statuses.add(403);
  }
  if (route.body !== undefined) statuses.add(413);
  return [...statuses].sort((a, b) => a - b);
}

function parameters(route: ApiRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (schema === undefined) continue;
    const required = new Set<string>((schema.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, TSchema>)) {
      const parameter: JsonObject = {
        name,
        in: where,
        required: where === 'path' || required.has(name),
        schema: plain(property),
      };
      if (typeof property.description === 'string') parameter.description = property.description;
      out.push(parameter);
    }
  }
  return out;
}

function operation(route: ApiRoute): JsonObject {
  const roles = rolesWith(route.permission);
  const access =
    route.permission === PUBLIC
      ? 'Public: no token needed.'
      : `Permission \`${route.permission}\` (${PERMISSIONS[route.permission]}); roles: ${roles.join(', ')}.`;
  const op: JsonObject = {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    description: [route.description, access].filter((s) => s !== undefined).join('\n\n'),
    'x-permission': route.permission,
    'x-roles': roles,
  };
  if (route.permission === PUBLIC) op.security = [];
  const params = parameters(route);
  if (params.length > 0) op.parameters = params;
  if (route.body !== undefined)
    op.requestBody = {
      required: bodyRequired(route.body),
      content: { 'application/json': { schema: plain(route.body) } },
    };
  const success: JsonObject = { description: route.response.description };
  if (route.response.schema !== undefined)
    success.content = { [route.response.contentType ?? 'application/json']: { schema: plain(route.response.schema) } };
  const responses: JsonObject = { [String(route.response.status)]: success };
  for (const status of problemStatuses(route)) {
    responses[String(status)] = {
      description: STATUS_TEXT[status] ?? 'Problem',
      content: { [PROBLEM_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  op.responses = responses;
  return op;
}

/** `/connections/:connectionId` → `/connections/{connectionId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

export function generateOpenApi(routes: readonly ApiRoute[], options: { version: string }): JsonObject {
  const paths: JsonObject = {};
  for (const route of routes) {
    const key = `${API_BASE}${openApiPath(route.path)}`;
    const item = (paths[key] ??= {}) as JsonObject;
    item[route.method] = operation(route);
  }
  const schemas: JsonObject = {};
  for (const [name, schema] of Object.entries(COMPONENTS)) schemas[name] = plain(schema, name);
  const tags = [...new Set(routes.map((r) => r.tag))].map((name) => ({ name }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Connector Hub API',
      version: options.version,
      description:
        'Connectors, connections, mappings, flows, runs and dead letters of a Connector Hub. Authenticate with an ' +
        'API token (`Authorization: Bearer hub_…`); each operation names the permission it needs and the roles ' +
        'that hold it. Errors are RFC 9457 problem documents (application/problem+json) naming the fields at ' +
        'fault. Lists take `limit` and `cursor` and answer `{ items, nextCursor }`.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    tags,
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'hub_… (an API token)' },
      },
    },
  };
}
