import { Type, type Static } from '@sinclair/typebox';
import type { ReviewItem as StoredItem } from '../../store/repos/review-items';
import {
  ReviewItemNotFoundError,
  ReviewItemNotLinkableError,
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
 * a worker stopped, and writes a connector could not confirm (WriteOutcome `unconfirmed`). The hub never sends them
 * again by itself; a person resolves each as done (optionally naming the target record, which links it) or retry.
 */

const ReviewStatus = Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('retry')], {
  description: 'open: waiting for a person; done: it was applied; retry: it was sent again',
});

const ReviewItem = Type.Object(
  {
    id: Type.String(),
    flowId: Type.String(),
    runId: Type.String({
      description: 'The run whose worker stopped with the write in flight, or whose write could not be confirmed',
    }),
    recordKey: Type.String(),
    action: Type.String({ description: 'The action that was being called' }),
    reason: Type.String(),
    status: ReviewStatus,
    createdAt: Type.Integer(),
    resolvedAt: Type.Optional(Type.Integer()),
    source: Type.Optional(Type.Unknown({ description: 'The source record as read' })),
    payload: Type.Optional(Type.Unknown({ description: 'The payload that was being written' })),
    linkable: Type.Boolean({
      description: 'Whether resolving it as done may name the target record (`targetId`), which links the record',
    }),
    targetId: Type.Optional(Type.String({ description: 'The target record named when it was resolved as done' })),
  },
  { title: 'ReviewItem' },
);

const Resolved = Type.Object({ item: ReviewItem, replay: Type.Optional(ReplayReport) }, { title: 'ReviewResolution' });

/** The item as the API shows it (the link information stays inside the hub). */
function shown(item: StoredItem): Static<typeof ReviewItem> {
  const { link, ...rest } = item;
  return { ...rest, linkable: link !== undefined };
}

async function resolve(
  {
    deps,
    params,
    actor,
  }: Pick<HandlerContext<{ reviewItemId: string }, unknown, unknown>, 'deps' | 'params' | 'actor'>,
  as: ReviewResolution,
  targetId?: string,
) {
  try {
    const result = await resolveReviewItem(
      { repos: deps.repos, runner: deps.runner },
      params.reviewItemId,
      as,
      targetId === undefined ? {} : { targetId },
    );
    await deps.repos.auditLog.record({
      actor,
      action: `review.${as}`,
      entity: 'review_item',
      entityId: params.reviewItemId,
      after: { status: result.item.status, ...(targetId === undefined ? {} : { targetId }) },
    });
    return { ...result, item: shown(result.item) };
  } catch (error) {
    if (error instanceof ReviewItemNotFoundError) throw notFound('review item', params.reviewItemId);
    if (error instanceof ReviewItemResolvedError) throw new ApiProblem(409, { detail: error.message });
    if (error instanceof ReviewItemNotLinkableError) throw new ApiProblem(409, { detail: error.message });
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
      return { items: items.map(shown) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/review-items/:reviewItemId/done',
    operationId: 'resolveReviewItemDone',
    tag: 'runs',
    permission: 'deadLetters:replay',
    summary: 'The write was applied: resolve the item; the record is not sent again (until it changes)',
    description:
      'With `targetId` (the record found in the target system, for an item that is `linkable`), the record is linked ' +
      'to it as a confirmed write would have linked it; later runs see it as written.',
    params: Type.Object({ reviewItemId: Ref('Review item id (rev_…)') }),
    body: Type.Object(
      {
        targetId: Type.Optional(
          Type.String({ minLength: 1, maxLength: 500, description: 'Id of the record in the target system' }),
        ),
      },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'The resolved item', schema: Resolved },
    problems: [404, 409],
    handler: (ctx) => resolve(ctx, 'done', ctx.body.targetId),
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
