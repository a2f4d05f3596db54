import { Type } from '@sinclair/typebox';
import { pageInMemory } from '../pagination';
import { notFound } from '../problem';
import { defineRoute } from '../route';
import { Connector, ConnectorSummary, ListQuery, Page, Ref } from '../schemas';

const ConnectorParams = Type.Object({ connectorId: Ref('Connector id, e.g. file') });

export const connectorRoutes = [
  defineRoute({
    method: 'get',
    path: '/connectors',
    operationId: 'listConnectors',
    tag: 'connectors',
    permission: 'connectors:read',
    summary: 'List the installed connectors (built-in and plugins)',
    query: ListQuery({ category: Type.Optional(Type.String({ description: 'Only connectors of this category' })) }),
    response: { status: 200, description: 'A page of connectors, by id', schema: Page(ConnectorSummary) },
    handler: async ({ deps, query }) => {
      const all = deps.registry
        .list()
        .map((c) => deps.registry.describe(c.id))
        .filter((c) => query.category === undefined || c.category === query.category)
        .map((c) => {
          const summary = {
            id: c.id,
            displayName: c.displayName,
            version: c.version,
            category: c.category,
            source: c.source,
            streams: c.streams.map((s) => s.name),
            actions: c.actions.map((a) => a.name),
          };
          return c.description === undefined ? summary : { ...summary, description: c.description };
        });
      return pageInMemory(all, (c) => c.id, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/connectors/:connectorId',
    operationId: 'getConnector',
    tag: 'connectors',
    permission: 'connectors:read',
    summary: 'Show a connector: its settings schema (secret fields marked), streams, actions, webhooks and policy',
    params: ConnectorParams,
    response: { status: 200, description: 'The connector', schema: Connector },
    problems: [404],
    handler: async ({ deps, params }) => {
      if (!deps.registry.has(params.connectorId)) throw notFound('connector', params.connectorId);
      return deps.registry.describe(params.connectorId);
    },
  }),
];
