import { Type } from '@sinclair/typebox';
import {
  ReviewItemNotFoundError,
  ReviewItemResolvedError,
  resolveReviewItem,
  type ReviewResolution,
} from '../../runner/review';
import { ApiProblem, notFound } from '../problem';
import { defineRoute, type HandlerContext } from '../route';
import { Ref, ReplayReport } from '../schemas';
import { flowIdOf } from './runs';

/**
 * Manual review: records of non-idempotent writes (actions declared `idempotent: false`) that were in flight when
 * a worker stopped. The hub never sends them again by itself; a person resolves each as done or retry.
 */

const ReviewStatus = Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('retry')], {
  description: 'open: waiting for a person; done: it was applied; retry: it was sent again',
});

const ReviewItem = Type.Object(
  {
    id: Type.String(),
    flowId: Type.String(),
    runId: Type.String({ description: 'The run whose worker stopped with the write in flight' }),
    recordKey: Type.String(),
    action: Type.String({ description: 'The non-idempotent action that was being called' }),
    reason: Type.String(),
    status: ReviewStatus,
    createdAt: Type.Integer(),
    resolvedAt: Type.Optional(Type.Integer()),
    source: Type.Optional(Type.Unknown({ description: 'The source record as read' })),
    payload: Type.Optional(Type.Unknown({ description: 'The payload that was being written' })),
  },
  { title: 'ReviewItem' },
);

const Resolved = Type.Object({ item: ReviewItem, replay: Type.Optional(ReplayReport) }, { title: 'ReviewResolution' });

async function resolve(
  {
    deps,
    params,
    actor,
  }: Pick<HandlerContext<{ reviewItemId: string }, unknown, unknown>, 'deps' | 'params' | 'actor'>,
  as: ReviewResolution,
) {
  try {
    const result = await resolveReviewItem({ repos: deps.repos, runner: deps.runner }, params.reviewItemId, as);
    await deps.repos.auditLog.record({
      actor,
      action: `review.${as}`,
      entity: 'review_item',
      entityId: params.reviewItemId,
      after: { status: result.item.status },
    });
    return result;
  } catch (error) {
    if (error instanceof ReviewItemNotFoundError) throw notFound('review item', params.reviewItemId);
    if (error instanceof ReviewItemResolvedError) throw new ApiProblem(409, { detail: error.message });
    throw error;
  }
}

export const reviewRoutes = [
  defineRoute({
    method: 'get',
    path: '/review-items',
    operationId: 'listReviewItems',
    tag: 'runs',
    permission: 'runs:read',
    summary: 'List records waiting for manual review (non-idempotent writes interrupted by a crash), oldest first',
    query: Type.Object(
      {
        flowId: Type.Optional(Type.String({ minLength: 1, description: 'Only those of this flow (id or name)' })),
        status: Type.Optional(ReviewStatus),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'The review items', schema: Type.Object({ items: Type.Array(ReviewItem) }) },
    handler: async ({ deps, query }) => {
      const flowId = await flowIdOf(deps, query.flowId);
      const items = await deps.repos.reviewItems.list({
        flowId,
        status: query.status ?? 'open',
        limit: query.limit ?? 100,
      });
      return { items };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/review-items/:reviewItemId/done',
    operationId: 'resolveReviewItemDone',
    tag: 'runs',
    permission: 'deadLetters:replay',
    summary: 'The write was applied: resolve the item; the record is not sent again (until it changes)',
    params: Type.Object({ reviewItemId: Ref('Review item id (rev_…)') }),
    response: { status: 200, description: 'The resolved item', schema: Resolved },
    problems: [404, 409],
    handler: (ctx) => resolve(ctx, 'done'),
  }),
  defineRoute({
    method: 'post',
    path: '/review-items/:reviewItemId/retry',
    operationId: 'resolveReviewItemRetry',
    tag: 'runs',
    permission: 'deadLetters:replay',
    summary: 'The write was not applied: send the record again now (through the dead-letter ledger)',
    params: Type.Object({ reviewItemId: Ref('Review item id (rev_…)') }),
    response: { status: 200, description: 'The resolved item and what the replay did', schema: Resolved },
    problems: [404, 409],
    handler: (ctx) => resolve(ctx, 'retry'),
  }),
];
