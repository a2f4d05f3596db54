import { Type } from '@sinclair/typebox';
import { pageBefore, pageInMemory } from '../pagination';
import { defineRoute } from '../route';
import { ApiToken, AuditEntry, CreatedToken, ListQuery, Name, Page, Ref, Role } from '../schemas';

/** The audit log (who changed what) and the API tokens (admin only). */
export const auditTokenRoutes = [
  defineRoute({
    method: 'get',
    path: '/audit',
    operationId: 'listAuditEntries',
    tag: 'audit',
    permission: 'audit:read',
    summary: 'Read the audit log, newest first: who changed what, with before/after (secrets redacted)',
    query: ListQuery({
      entity: Type.Optional(Type.String({ description: 'connection, mapping, flow, token, deadLetter' })),
      entityId: Type.Optional(Type.String()),
      actor: Type.Optional(Type.String({ description: 'A token id (tok_…), cli or system' })),
      action: Type.Optional(Type.String({ description: 'e.g. flow.enable' })),
    }),
    response: { status: 200, description: 'A page of audit entries', schema: Page(AuditEntry) },
    handler: async ({ deps, query }) => {
      const page = await pageBefore(query, async (options) => {
        if (query.action === undefined)
          return deps.repos.auditLog.list({
            ...options,
            entity: query.entity,
            entityId: query.entityId,
            actor: query.actor,
          });
        // the store filters by entity and actor; an action filter is applied here, page by page
        const found = [];
        let before = options.before;
        for (;;) {
          const batch = await deps.repos.auditLog.list({
            limit: 500,
            before,
            entity: query.entity,
            entityId: query.entityId,
            actor: query.actor,
          });
          found.push(...batch.filter((e) => e.action === query.action));
          if (batch.length < 500 || found.length >= options.limit) return found.slice(0, options.limit);
          before = batch[batch.length - 1].id;
        }
      });
      const names = new Map((await deps.tokens.list({ includeRevoked: true })).map((t) => [t.id, t.name]));
      return {
        ...page,
        items: page.items.map((e) => (names.has(e.actor) ? { ...e, actorName: names.get(e.actor) } : e)),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/tokens',
    operationId: 'listTokens',
    tag: 'tokens',
    permission: 'tokens:manage',
    summary: 'List API tokens (never the tokens themselves)',
    query: ListQuery({ includeRevoked: Type.Optional(Type.Boolean({ default: false })) }),
    response: { status: 200, description: 'A page of tokens, oldest first', schema: Page(ApiToken) },
    handler: async ({ deps, query }) =>
      pageInMemory(await deps.tokens.list({ includeRevoked: query.includeRevoked }), (t) => t.id, query),
  }),
  defineRoute({
    method: 'post',
    path: '/tokens',
    operationId: 'createToken',
    tag: 'tokens',
    permission: 'tokens:manage',
    summary: 'Create an API token; the token is in this response only and cannot be shown again',
    body: Type.Object({ name: Name(), role: Role }, { additionalProperties: false }),
    response: { status: 201, description: 'The token (once) and its record', schema: CreatedToken },
    problems: [422],
    handler: async ({ deps, body, actor }) => deps.tokens.create(body, { actor }),
  }),
  defineRoute({
    method: 'delete',
    path: '/tokens/:tokenId',
    operationId: 'revokeToken',
    tag: 'tokens',
    permission: 'tokens:manage',
    summary: 'Revoke an API token (by id, or by name when one active token has it)',
    params: Type.Object({ tokenId: Ref('Token id (tok_…) or name') }),
    response: { status: 200, description: 'The revoked token', schema: ApiToken },
    problems: [404, 422],
    handler: async ({ deps, params, actor }) => deps.tokens.revoke(params.tokenId, { actor }),
  }),
];
