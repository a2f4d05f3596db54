import { Type } from '@sinclair/typebox';
import { MAX_NOTE_LENGTH } from '../../flows/dead-letter-discard';
import { pageBefore } from '../pagination';
import { notFound } from '../problem';
import { defineRoute, type ApiDeps } from '../route';
import { withHeld } from './run-records';
import {
  DeadLetter,
  DeadLetterStatus,
  ListQuery,
  Page,
  Ref,
  ReplayReport,
  Run,
  RunDetail,
  RunStatus,
} from '../schemas';

/** A flow filter given by id or name; an unknown flow matches nothing. */
export async function flowIdOf(deps: ApiDeps, ref: string | undefined): Promise<string | undefined> {
  if (ref === undefined) return undefined;
  return (await deps.repos.flows.get(ref))?.id ?? ref;
}

const FlowFilter = Type.Optional(Type.String({ minLength: 1, description: 'Only those of this flow (id or name)' }));

const FromStored = Type.Boolean({
  description: 'Map the stored copies of the records instead of reading them again from the source',
});

/** Runs with their per-record failures, and the dead-letter ledger with replay. */
export const runRoutes = [
  defineRoute({
    method: 'get',
    path: '/runs',
    operationId: 'listRuns',
    tag: 'runs',
    permission: 'runs:read',
    summary: 'List runs, newest first',
    query: ListQuery({ flowId: FlowFilter, status: Type.Optional(RunStatus) }),
    response: { status: 200, description: 'A page of runs', schema: Page(Run) },
    handler: async ({ deps, query }) => {
      const flowId = await flowIdOf(deps, query.flowId);
      const page = await pageBefore(query, (p) => deps.repos.runs.list({ ...p, flowId, status: query.status }));
      return { ...page, items: await withHeld(deps, page.items) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/runs/:runId',
    operationId: 'getRun',
    tag: 'runs',
    permission: 'runs:read',
    summary: 'Show a run: status, counts, timings and the records that failed',
    params: Type.Object({ runId: Ref('Run id (run_…)') }),
    query: Type.Object(
      {
        failures: Type.Optional(
          Type.Integer({ minimum: 0, maximum: 1000, default: 100, description: 'How many failures to include' }),
        ),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'The run', schema: RunDetail },
    problems: [404],
    handler: async ({ deps, params, query }) => {
      const run = await deps.repos.runs.get(params.runId);
      if (run === undefined) throw notFound('run', params.runId);
      const limit = query.failures ?? 100;
      const failures = await deps.repos.runs.failures(run.id, { limit: limit + 1 });
      const flow = await deps.repos.flows.get(run.flowId);
      const [counted] = await withHeld(deps, [run]);
      const detail = { ...counted, failures: failures.slice(0, limit), moreFailures: failures.length > limit };
      return flow === undefined ? detail : { ...detail, flowName: flow.name };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/dead-letters',
    operationId: 'listDeadLetters',
    tag: 'dead letters',
    permission: 'deadLetters:read',
    summary: 'List dead letters (records a flow could not deliver, with the reason), newest first',
    query: ListQuery({
      flowId: FlowFilter,
      status: Type.Optional(DeadLetterStatus),
      recordKey: Type.Optional(Type.String({ minLength: 1, description: 'Only those of this source record' })),
      runId: Type.Optional(Type.String({ minLength: 1, description: 'Only those last dead-lettered by this run' })),
    }),
    response: { status: 200, description: 'A page of dead letters', schema: Page(DeadLetter) },
    handler: async ({ deps, query }) => {
      const flowId = await flowIdOf(deps, query.flowId);
      return pageBefore(query, (page) =>
        deps.repos.deadLetters.list({
          ...page,
          flowId,
          status: query.status,
          recordKey: query.recordKey,
          runId: query.runId,
        }),
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/dead-letters/:deadLetterId',
    operationId: 'getDeadLetter',
    tag: 'dead letters',
    permission: 'deadLetters:read',
    summary: 'Show a dead letter with the source record and the refused payload',
    params: Type.Object({ deadLetterId: Ref('Dead letter id (dlq_…)') }),
    response: { status: 200, description: 'The dead letter', schema: DeadLetter },
    problems: [404],
    handler: async ({ deps, params }) => {
      const letter = await deps.repos.deadLetters.get(params.deadLetterId);
      if (letter === undefined) throw notFound('dead letter', params.deadLetterId);
      return letter;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/dead-letters/replay',
    operationId: 'replayDeadLetters',
    tag: 'dead letters',
    permission: 'deadLetters:replay',
    summary: 'Replay dead letters (by ids, or every pending one of a flow) through the current mapping',
    body: Type.Union(
      [
        Type.Object(
          {
            ids: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
            fromStored: Type.Optional(FromStored),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            flowId: Type.String({ minLength: 1, description: 'Flow id or name' }),
            fromStored: Type.Optional(FromStored),
          },
          { additionalProperties: false },
        ),
      ],
      {
        description:
          'Either { ids } or { flowId }. Records are read again from the source when its stream can (a file row by line, a vendor record by id), unless fromStored',
      },
    ),
    response: { status: 200, description: 'What the replay did', schema: ReplayReport },
    problems: [404, 422],
    handler: async ({ deps, body, actor }) => {
      let selector: { ids?: string[]; flowId?: string };
      if ('flowId' in body) selector = { flowId: (await deps.flows.show(body.flowId)).id };
      else {
        const found = await deps.repos.deadLetters.getMany(body.ids);
        const known = new Set(found.map((l) => l.id));
        const missing = body.ids.find((id) => !known.has(id));
        if (missing !== undefined) throw notFound('dead letter', missing);
        selector = { ids: body.ids };
      }
      const report = await deps.runner.replayDeadLetters({ ...selector, fromStored: body.fromStored === true });
      await deps.repos.auditLog.record({
        actor,
        action: 'deadLetter.replay',
        entity: selector.flowId === undefined ? 'deadLetter' : 'flow',
        ...(selector.flowId === undefined ? {} : { entityId: selector.flowId }),
        before: selector,
        after: report,
      });
      return report;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/dead-letters/discard',
    operationId: 'discardDeadLetters',
    tag: 'dead letters',
    permission: 'deadLetters:discard',
    summary: 'Set dead letters aside for good (by ids, or every pending one of a flow), with a note; audited',
    description:
      'The entries stay in the ledger with status `discarded`; each gets an audit entry (`deadLetter.discard`) with the note.',
    body: Type.Union(
      [
        Type.Object(
          {
            ids: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 1000, uniqueItems: true }),
            note: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH, description: 'Why they are set aside' }),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            flowId: Type.String({ minLength: 1, description: 'Flow id or name' }),
            note: Type.String({ minLength: 1, maxLength: MAX_NOTE_LENGTH, description: 'Why they are set aside' }),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'Either { ids, note } or { flowId, note }' },
    ),
    response: {
      status: 200,
      description: 'What was discarded',
      schema: Type.Object(
        { discarded: Type.Integer({ minimum: 0 }), ids: Type.Array(Type.String()), note: Type.String() },
        { title: 'DiscardReport' },
      ),
    },
    problems: [404, 409, 422],
    handler: async ({ deps, body, actor }) => {
      const selector = 'flowId' in body ? { flowId: (await deps.flows.show(body.flowId)).id } : { ids: body.ids };
      return deps.flows.discardDeadLetters(selector, body.note, { actor });
    },
  }),
];
