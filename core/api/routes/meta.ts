import { Type } from '@sinclair/typebox';
import { ApiProblem } from '../problem';
import { ROLE_PERMISSIONS } from '../permissions';
import { renderReference } from '../reference';
import { defineRoute } from '../route';
import { Session } from '../schemas';

/** The API's own description (public) and the token a request is made with. */
export const metaRoutes = [
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApi',
    tag: 'meta',
    permission: 'public',
    summary: 'The OpenAPI 3.1 document of this API',
    response: {
      status: 200,
      description: 'The document',
      schema: Type.Record(Type.String(), Type.Unknown()),
    },
    handler: async ({ document }) => document,
  }),
  defineRoute({
    method: 'get',
    path: '/reference',
    operationId: 'getReference',
    tag: 'meta',
    permission: 'public',
    summary: 'The API reference, as a page for people (rendered from the OpenAPI document)',
    response: { status: 200, description: 'An HTML page', schema: Type.String(), contentType: 'text/html' },
    handler: async ({ document }) => renderReference(document),
  }),
  defineRoute({
    method: 'get',
    path: '/me',
    operationId: 'getSession',
    tag: 'meta',
    permission: 'session:read',
    summary: 'The token this request is made with, and what its role may do',
    response: { status: 200, description: 'The token (never the secret)', schema: Session },
    handler: async ({ token }) => {
      if (token === undefined) throw new ApiProblem(401);
      return { ...token, permissions: [...ROLE_PERMISSIONS[token.role]].sort() };
    },
  }),
];
