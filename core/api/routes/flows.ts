import { Type } from '@sinclair/typebox';
import { definitionOf } from '../../flows';
import { FlowDefinition } from '../../flows/schema';
import type { StoredFlow } from '../../store/repos';
import { DEFAULT_DRY_RUN_LIMIT } from '../../runner/dry-run';
import { pageInMemory } from '../pagination';
import { defineRoute, type ApiDeps } from '../route';
import { DryRunReport, Flow, FlowDetail, ListQuery, Page, Ref, StartedRun } from '../schemas';

const FlowParams = Type.Object({ flowId: Ref('Flow id (flw_…) or name') });

/** A stored flow as the API shows it (the stored definition is a checked FlowDefinition). */
export function flowView(flow: StoredFlow) {
  return { ...flow, definition: definitionOf(flow) };
}

async function detail(deps: ApiDeps, ref: string) {
  const status = await deps.flows.status(ref);
  const summary = {
    recentRuns: status.runs,
    totals: status.totals,
    byStatus: status.byStatus,
    pendingDeadLetters: status.pendingDeadLetters,
  };
  return {
    ...flowView(status.flow),
    status: status.nextRunAt === undefined ? summary : { ...summary, nextRunAt: status.nextRunAt },
  };
}

/** Flows: create/update from checked definitions, enable/disable, run now, dry-run. */
export const flowRoutes = [
  defineRoute({
    method: 'get',
    path: '/flows',
    operationId: 'listFlows',
    tag: 'flows',
    permission: 'flows:read',
    summary: 'List flows',
    query: ListQuery({
      enabled: Type.Optional(Type.Boolean()),
      connectionId: Type.Optional(
        Type.String({ description: 'Only flows reading from or writing to this connection' }),
      ),
      linkGroup: Type.Optional(Type.String({ description: 'Only the flows of this sync pair' })),
      template: Type.Optional(Type.String({ description: 'Only flows enabled from this template' })),
    }),
    response: { status: 200, description: 'A page of flows, by name', schema: Page(Flow) },
    handler: async ({ deps, query }) => {
      const all = await deps.flows.list({
        enabled: query.enabled,
        linkGroup: query.linkGroup,
        connectionId: query.connectionId,
      });
      return pageInMemory(
        all.filter((f) => query.template === undefined || f.template === query.template).map(flowView),
        (f) => f.name,
        query,
      );
    },
  }),
  defineRoute({
    method: 'post',
    path: '/flows',
    operationId: 'createFlow',
    tag: 'flows',
    permission: 'flows:write',
    summary: 'Create a flow (disabled) from a definition; connections, stream, action and mapping are checked',
    body: FlowDefinition,
    response: { status: 201, description: 'The flow', schema: Flow },
    problems: [409, 422],
    handler: async ({ deps, body, actor }) => flowView(await deps.flows.create(body, { actor })),
  }),
  defineRoute({
    method: 'get',
    path: '/flows/:flowId',
    operationId: 'getFlow',
    tag: 'flows',
    permission: 'flows:read',
    summary: 'Show a flow with its status: recent runs, totals, pending dead letters, next scheduled run',
    params: FlowParams,
    response: { status: 200, description: 'The flow', schema: FlowDetail },
    problems: [404],
    handler: async ({ deps, params }) => detail(deps, params.flowId),
  }),
  defineRoute({
    method: 'put',
    path: '/flows/:flowId',
    operationId: 'updateFlow',
    tag: 'flows',
    permission: 'flows:write',
    summary: "Replace a flow's definition (it may rename the flow)",
    params: FlowParams,
    body: FlowDefinition,
    response: { status: 200, description: 'The flow after the change', schema: Flow },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor }) => flowView(await deps.flows.update(params.flowId, body, { actor })),
  }),
  defineRoute({
    method: 'delete',
    path: '/flows/:flowId',
    operationId: 'deleteFlow',
    tag: 'flows',
    permission: 'flows:write',
    summary: 'Delete a flow with its runs, checkpoints and dead letters',
    params: FlowParams,
    response: { status: 204, description: 'Deleted' },
    problems: [404],
    handler: async ({ deps, params, actor }) => {
      await deps.flows.remove(params.flowId, { actor });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/enable',
    operationId: 'enableFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Enable a flow (its definition is checked again first)',
    params: FlowParams,
    response: { status: 200, description: 'The flow', schema: Flow },
    problems: [404, 422],
    handler: async ({ deps, params, actor }) => flowView(await deps.flows.enable(params.flowId, { actor })),
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/disable',
    operationId: 'disableFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Disable a flow (schedules and webhooks stop starting runs)',
    params: FlowParams,
    response: { status: 200, description: 'The flow', schema: Flow },
    problems: [404],
    handler: async ({ deps, params, actor }) => flowView(await deps.flows.disable(params.flowId, { actor })),
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/run',
    operationId: 'runFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Run a flow now (queued; a flow already queued or running keeps its run)',
    params: FlowParams,
    response: { status: 202, description: 'The run, queued', schema: StartedRun },
    problems: [404],
    handler: async ({ deps, params, actor }) => {
      const flow = await deps.flows.show(params.flowId);
      const started = await deps.runner.startRun(flow.id, 'manual');
      if (started.created) {
        await deps.repos.auditLog.record({
          actor,
          action: 'flow.run',
          entity: 'flow',
          entityId: flow.id,
          after: { runId: started.runId, trigger: 'manual' },
        });
      }
      return started;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/dry-run',
    operationId: 'dryRunFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Read a few records and show what would be written; writes nothing, saves no checkpoint',
    params: FlowParams,
    body: Type.Object(
      {
        limit: Type.Optional(
          Type.Integer({ minimum: 1, maximum: 500, description: `Records to read (default ${DEFAULT_DRY_RUN_LIMIT})` }),
        ),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'What each record would become', schema: DryRunReport },
    problems: [404, 422, 502, 503],
    handler: async ({ deps, params, body }) => {
      const flow = await deps.flows.show(params.flowId);
      return deps.runner.dryRun(flow.id, body.limit === undefined ? {} : { limit: body.limit });
    },
  }),
];
