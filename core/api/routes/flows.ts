import { Type } from '@sinclair/typebox';
import { definitionOf } from '../../flows';
import { FlowDefinition } from '../../flows/schema';
import type { StoredFlow } from '../../store/repos';
import { DEFAULT_DRY_RUN_LIMIT } from '../../runner/dry-run';
import { pageInMemory } from '../pagination';
import { defineRoute, type ApiDeps } from '../route';
import { withHeld } from './run-records';
import { DryRunReport, Flow, FlowDetail, ListQuery, Page, Ref, StartedRun } from '../schemas';

const FlowParams = Type.Object({ flowId: Ref('Flow id (flw_…) or name') });

/** An ISO 8601 date or date-time (the body validator has no `format` keywords, so a pattern says it). */
const ISO_TIME = '^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$';

/** When a flow runs, in words, with its next (first) run time: what enabling it reports. */
export const FlowSchedule = Type.Object(
  {
    flow: Type.String({ description: 'Flow name' }),
    words: Type.String({ description: 'When it runs, in words ("runs every 15 minutes")' }),
    firstRunAt: Type.Optional(Type.Integer({ minimum: 0, description: 'First scheduled run (epoch ms)' })),
    timezone: Type.Optional(Type.String({ description: "The schedule's time zone" })),
  },
  { title: 'FlowSchedule' },
);

const EnabledFlow = Type.Composite([Flow, Type.Object({ schedule: FlowSchedule })], { title: 'EnabledFlow' });

const FlowResetReport = Type.Object(
  {
    flow: Flow,
    stream: Type.String({ description: 'The source stream whose checkpoint was reset' }),
    clearedCheckpoints: Type.Integer({ minimum: 0 }),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'The next run reads what changed since' })),
  },
  { title: 'FlowReset' },
);

/** A stored flow as the API shows it (the stored definition is a checked FlowDefinition). */
export function flowView(flow: StoredFlow) {
  return { ...flow, definition: definitionOf(flow) };
}

async function detail(deps: ApiDeps, ref: string) {
  const status = await deps.flows.status(ref);
  const recentRuns = await withHeld(deps, status.runs);
  const summary = {
    recentRuns,
    totals: {
      ...status.totals,
      held: recentRuns.reduce((n, r) => n + r.counts.held, 0),
      review: recentRuns.reduce((n, r) => n + r.counts.review, 0),
    },
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
    description:
      'Record links are kept while another flow of its link group (the other half of a sync pair) uses them, and deleted otherwise. Refused with 409 while a run is queued or running unless `force=true`. Connections are untouched.',
    params: FlowParams,
    query: Type.Object(
      { force: Type.Optional(Type.Boolean({ description: 'Delete even while a run is in progress (abandoned)' })) },
      { additionalProperties: false },
    ),
    response: { status: 204, description: 'Deleted' },
    problems: [404, 409],
    handler: async ({ deps, params, query, actor }) => {
      await deps.flows.remove(params.flowId, { actor, force: query.force === true });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/reset',
    operationId: 'resetFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Discard the checkpoint so the next run reads everything again (or what changed since `from`)',
    description:
      'Record links keep the rerun write-free: records already delivered and unchanged are not written again. Refused with 409 while a run is queued or running. Audited.',
    params: FlowParams,
    body: Type.Object(
      {
        from: Type.Optional(
          Type.String({
            pattern: ISO_TIME,
            description:
              'Read what changed since this time (ISO 8601, e.g. 2026-01-31T00:00:00Z) instead of everything',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'What was reset', schema: FlowResetReport },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor }) => {
      const reset = await deps.flows.reset(params.flowId, {
        actor,
        ...(body.from === undefined ? {} : { from: Date.parse(body.from) }), // NaN: refused by the service (422)
      });
      return { ...reset, flow: flowView(reset.flow) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/flows/:flowId/enable',
    operationId: 'enableFlow',
    tag: 'flows',
    permission: 'flows:operate',
    summary: 'Enable a flow (its definition is checked again first); says when it runs and when it first runs',
    params: FlowParams,
    response: { status: 200, description: 'The flow with its schedule', schema: EnabledFlow },
    problems: [404, 422],
    handler: async ({ deps, params, actor }) => {
      const flow = await deps.flows.enable(params.flowId, { actor });
      return { ...flowView(flow), schedule: deps.flows.schedule(flow) };
    },
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
