import { Type } from '@sinclair/typebox';
import type { Run, RunCounts } from '../../store/repos';
import { RUN_RECORDS_CAP, type RunRecordOutcome } from '../../store/repos';
import { decodeCursor, encodeCursor } from '../pagination';
import { invalidRequest, notFound } from '../problem';
import { defineRoute, type ApiDeps } from '../route';
import { DEFAULT_LIMIT, ListQuery, Ref, Timestamp } from '../schemas';

/**
 * The records of a run, by outcome (created, updated, held, failed), each named by e-mail or name as read, with
 * the reason for held and failed ones; and the `held` count the runs and flows answers carry. The runner records
 * them in the transaction of each batch (core/runner/recorder.ts, core/store/repos/run-records.ts).
 */

const Outcome = Type.Union(
  [
    Type.Literal('created'),
    Type.Literal('updated'),
    Type.Literal('held'),
    Type.Literal('failed'),
    Type.Literal('review'),
  ],
  {
    description:
      'created / updated: written to the target; held: not sent on purpose (no consent, skipped by the mapping, an ' +
      'erased identifier), with the reason; failed: refused, with the reason (also in dead letters); review: the ' +
      'connector could not confirm the write, with the reason (in GET /review-items until a person resolves it)',
  },
);

export const RunRecord = Type.Object(
  {
    outcome: Outcome,
    recordKey: Type.String({ description: "The source record's key (the vendor's id)" }),
    label: Type.Optional(Type.String({ description: "The record's e-mail address or name, as read" })),
    reason: Type.Optional(Type.String({ description: 'Why it was held or failed' })),
    field: Type.Optional(Type.String({ description: 'The field at fault (JSON pointer)' })),
    recordedAt: Timestamp('Recorded'),
  },
  { title: 'RunRecord' },
);

const Totals = Type.Object(
  {
    created: Type.Integer({ minimum: 0 }),
    updated: Type.Integer({ minimum: 0 }),
    held: Type.Integer({ minimum: 0 }),
    failed: Type.Integer({ minimum: 0 }),
    review: Type.Integer({ minimum: 0 }),
  },
  { title: 'RunRecordTotals', description: 'Every record of each outcome, listed or not' },
);

const RunRecordPage = Type.Object(
  {
    items: Type.Array(RunRecord),
    nextCursor: Type.Optional(
      Type.String({ description: 'Pass as ?cursor= to get the next page; absent on the last' }),
    ),
    totals: Totals,
    listedPerOutcome: Type.Integer({
      description: 'How many records of each outcome a run keeps; beyond it they are counted in totals only',
    }),
  },
  { title: 'RunRecordPage' },
);

function cursorKey(cursor: string | undefined): { outcome: string; seq: number } | undefined {
  const key = decodeCursor(cursor);
  if (key === undefined) return undefined;
  const [outcome, seq] = key.split(':');
  if (outcome === undefined || !/^\d+$/.test(seq ?? ''))
    throw invalidRequest([
      { field: '/query/cursor', message: 'is not a cursor of this list; start from the first page' },
    ]);
  return { outcome, seq: Number(seq) };
}

/**
 * Runs with their `held` count (records held back; the store counts them among the unchanged too) and their
 * `review` count (writes the connector could not confirm, sent to manual review; neither written nor failed).
 */
export async function withHeld<T extends Pick<Run, 'id' | 'counts'>>(
  deps: ApiDeps,
  runs: readonly T[],
): Promise<(T & { counts: RunCounts & { held: number; review: number } })[]> {
  const totals = await deps.repos.runRecords.totalsOf(runs.map((r) => r.id));
  return runs.map((run) => {
    const t = totals.get(run.id);
    return { ...run, counts: { ...run.counts, held: t?.held ?? 0, review: t?.review ?? 0 } };
  });
}

export const runRecordRoutes = [
  defineRoute({
    method: 'get',
    path: '/runs/:runId/records',
    operationId: 'listRunRecords',
    tag: 'runs',
    permission: 'runs:read',
    summary: 'List the records a run created, updated, held back or failed, named by e-mail or name',
    description:
      `Unchanged records are not listed. Each outcome lists its first ${RUN_RECORDS_CAP.toLocaleString('en')} ` +
      'records of the run; `totals` counts all of them. Ordered by outcome, then as recorded.',
    params: Type.Object({ runId: Ref('Run id (run_…)') }),
    query: ListQuery({ outcome: Type.Optional(Outcome) }),
    response: { status: 200, description: "A page of the run's records", schema: RunRecordPage },
    problems: [404],
    handler: async ({ deps, params, query }) => {
      const run = await deps.repos.runs.get(params.runId);
      if (run === undefined) throw notFound('run', params.runId);
      const limit = query.limit ?? DEFAULT_LIMIT;
      const after = cursorKey(query.cursor);
      const found = await deps.repos.runRecords.list(run.id, {
        limit: limit + 1,
        ...(query.outcome === undefined ? {} : { outcome: query.outcome as RunRecordOutcome }),
        ...(after === undefined ? {} : { after }),
      });
      const items = found.slice(0, limit).map(({ outcome, recordKey, label, reason, field, createdAt }) => ({
        outcome,
        recordKey,
        ...(label === undefined ? {} : { label }),
        ...(reason === undefined ? {} : { reason }),
        ...(field === undefined ? {} : { field }),
        recordedAt: createdAt,
      }));
      const last = found.length > limit ? found[limit - 1] : undefined;
      return {
        items,
        ...(last === undefined ? {} : { nextCursor: encodeCursor(`${last.outcome}:${last.seq}`) }),
        totals: await deps.repos.runRecords.totals(run.id),
        listedPerOutcome: RUN_RECORDS_CAP,
      };
    },
  }),
];
