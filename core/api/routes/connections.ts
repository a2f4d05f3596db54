import { Type } from '@sinclair/typebox';
import { pageInMemory } from '../pagination';
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
} from '../schemas';

const ConnectionParams = Type.Object({ connectionId: Ref('Connection id (con_…) or name') });

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
      return pageInMemory(all, (c) => c.name, query);
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
    response: { status: 200, description: 'The connection', schema: Connection },
    problems: [404],
    handler: async ({ deps, params }) => deps.connections.show(params.connectionId),
  }),
  defineRoute({
    method: 'patch',
    path: '/connections/:connectionId',
    operationId: 'updateConnection',
    tag: 'connections',
    permission: 'connections:write',
    summary: 'Rename a connection or replace its settings (a secret sent back as "[secret]" is kept)',
    params: ConnectionParams,
    body: ConnectionPatch,
    response: { status: 200, description: 'The connection after the change', schema: Connection },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor }) => deps.connections.update(params.connectionId, body, { actor }),
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
];
