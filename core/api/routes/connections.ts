import { Type } from '@sinclair/typebox';
import { EndpointChangeForbiddenError } from '../../connections/endpoint';
import { mergeSettings, secretStates } from '../../connections/settings-view';
import { WORKSPACE_META_KEY, type WorkspaceRecord } from '../../sandbox/workspace';
import type { Repos } from '../../store/repos';
import { pageInMemory } from '../pagination';
import { ApiProblem } from '../problem';
import { defineRoute } from '../route';
import {
  Connection,
  ConnectionCheck,
  ConnectionPatch,
  ConnectionStatus,
  ListQuery,
  NewConnection,
  Page,
  Ref,
  WebhookRejection,
} from '../schemas';

/** A connection with which of its secret fields are set (never their values). */
const ConnectionDetail = Type.Composite(
  [
    Connection,
    Type.Object({
      secrets: Type.Record(Type.String(), Type.Union([Type.Literal('set'), Type.Literal('unset')]), {
        description: 'Each secret field of the connector, by dot path: set or unset',
      }),
    }),
  ],
  { title: 'ConnectionDetail' },
);

const ConnectionParams = Type.Object({ connectionId: Ref('Connection id (con_…) or name') });

/**
 * Ids of the sandbox workspace's connections (core/sandbox/workspace.ts records them in the meta table): the
 * answers mark them `sandbox: true`. Read here from the repos the API has (sandboxConnectionIds wants a Hub).
 */
async function sandboxIds(repos: Repos): Promise<Set<string>> {
  const raw = await repos.meta.get(WORKSPACE_META_KEY);
  if (raw === undefined) return new Set();
  try {
    return new Set((JSON.parse(raw) as WorkspaceRecord).entries.map((e) => e.connectionId));
  } catch {
    return new Set(); // a workspace record that does not parse marks nothing
  }
}

function marked<T extends { id: string }>(connection: T, sandbox: Set<string>): T & { sandbox?: true } {
  return sandbox.has(connection.id) ? { ...connection, sandbox: true } : connection;
}

/** Connections: configured connectors. Responses never hold a secret (secret fields read "[secret]"). */
export const connectionRoutes = [
  defineRoute({
    method: 'get',
    path: '/connections',
    operationId: 'listConnections',
    tag: 'connections',
    permission: 'connections:read',
    summary: 'List connections (secrets redacted)',
    query: ListQuery({
      connectorId: Type.Optional(Type.String({ description: 'Only connections of this connector' })),
      status: Type.Optional(ConnectionStatus),
    }),
    response: { status: 200, description: 'A page of connections, by name', schema: Page(Connection) },
    handler: async ({ deps, query }) => {
      const all = await deps.connections.list({ connectorId: query.connectorId, status: query.status });
      const sandbox = await sandboxIds(deps.repos);
      const page = pageInMemory(all, (c) => c.name, query);
      return { ...page, items: page.items.map((c) => marked(c, sandbox)) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/connections',
    operationId: 'createConnection',
    tag: 'connections',
    permission: 'connections:write',
    summary: "Create a connection; settings are checked against the connector's settings schema",
    body: NewConnection,
    response: { status: 201, description: 'The connection (secrets redacted)', schema: Connection },
    problems: [409, 422],
    handler: async ({ deps, body, actor }) => deps.connections.create(body, { actor }),
  }),
  defineRoute({
    method: 'get',
    path: '/connections/:connectionId',
    operationId: 'getConnection',
    tag: 'connections',
    permission: 'connections:read',
    summary: 'Show a connection (secrets redacted)',
    params: ConnectionParams,
    response: { status: 200, description: 'The connection', schema: ConnectionDetail },
    problems: [404],
    handler: async ({ deps, params }) => {
      const connection = await deps.connections.show(params.connectionId);
      const schema = deps.registry.has(connection.connectorId)
        ? deps.registry.describe(connection.connectorId).settingsSchema
        : {};
      return marked(
        { ...connection, secrets: secretStates(connection.settings, schema) },
        await sandboxIds(deps.repos),
      );
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/connections/:connectionId',
    operationId: 'updateConnection',
    tag: 'connections',
    permission: 'connections:write',
    summary:
      'Rename a connection or change its settings: merged over the stored ones (JSON merge patch: null removes a setting); a secret not given or sent back as "[secret]" is kept, unless an endpoint setting changes: then it is cleared',
    params: ConnectionParams,
    body: ConnectionPatch,
    response: { status: 200, description: 'The connection after the change', schema: Connection },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor, token }) => {
      try {
        // settings are a merge patch over the stored ones: a setting or secret not given is kept
        const patch =
          body.settings === undefined
            ? body
            : {
                ...body,
                settings: mergeSettings((await deps.connections.show(params.connectionId)).settings, body.settings),
              };
        return await deps.connections.update(params.connectionId, patch, { actor, admin: token?.role === 'admin' });
      } catch (error) {
        if (error instanceof EndpointChangeForbiddenError) throw new ApiProblem(403, { detail: error.message });
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/connections/:connectionId',
    operationId: 'deleteConnection',
    tag: 'connections',
    permission: 'connections:write',
    summary: 'Delete a connection (refused with 409 while a flow uses it)',
    params: ConnectionParams,
    response: { status: 204, description: 'Deleted' },
    problems: [404, 409],
    handler: async ({ deps, params, actor }) => {
      await deps.connections.remove(params.connectionId, { actor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/connections/:connectionId/check',
    operationId: 'checkConnection',
    tag: 'connections',
    permission: 'connections:write',
    summary: 'Check that a connection works (credentials, reachability) and record the outcome',
    params: ConnectionParams,
    response: {
      status: 200,
      description: 'The outcome; ok is false when the connector refused',
      schema: ConnectionCheck,
    },
    problems: [404, 422],
    handler: async ({ deps, params, actor }) => deps.connections.check(params.connectionId, { actor }),
  }),
  defineRoute({
    method: 'get',
    path: '/connections/:connectionId/webhook-rejections',
    operationId: 'listWebhookRejections',
    tag: 'connections',
    permission: 'connections:read',
    summary: 'Signed webhook deliveries the hub refused (a body that does not parse), newest first',
    params: ConnectionParams,
    query: ListQuery({}),
    response: { status: 200, description: 'A page of refused deliveries', schema: Page(WebhookRejection) },
    problems: [404],
    handler: async ({ deps, params, query }) => {
      const connection = await deps.connections.show(params.connectionId);
      const limit = query.limit ?? 50;
      const items = await deps.repos.webhookEvents.listRejections(connection.id, {
        limit: limit + 1,
        before: query.cursor,
      });
      return items.length > limit ? { items: items.slice(0, limit), nextCursor: items[limit - 1].id } : { items };
    },
  }),
];
