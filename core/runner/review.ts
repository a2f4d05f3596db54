import { ReviewItemsRepo, type ReviewItem } from '../store/repos/review-items';
import type { Repos, Run } from '../store/repos';
import type { FlowContext } from './context';
import { inTransaction, type RunnerCore } from './core';
import { checkLease, currentLease, withPendingWrite } from './lease';
import type { FlowRunner, ReplayReport } from './runner-port';
import { markWriteInFlight, takeWriteInFlight } from './write-marker';

/**
 * Non-idempotent actions (declared `idempotent: false`: sending a record twice has two effects, e.g. an order
 * created without a vendor-side key) are never sent again automatically after a crash. Before such a batch is sent,
 * its records are marked "write in flight" on the run (durably, fenced by the owner's lease); the transaction that
 * records the batch's outcomes clears the mark. A flight that takes a run over and finds a mark cannot know whether
 * the vendor applied those writes: it moves the records to manual review (`hub runs review`), and no run writes
 * them until a person resolves them as done or asks for a retry.
 */

const REASON =
  'a non-idempotent write was in flight when its worker stopped: check the target, then resolve as done (it was applied) or retry (it was not)';

/** What the guard needs of a planned write (page-processor's WritePlan satisfies it). */
export interface GuardedItem {
  item: { key: string; record: unknown };
  decision: { payload: unknown };
}

/**
 * Wraps the write and record of one batch of a page. Inside a run's flight the owner's lease is checked first, so a
 * worker that lost the run sends nothing more to the vendor. For a non-idempotent action, records held for review
 * are left out and the rest are marked "write in flight" (in the same fenced transaction) before `write` sends them.
 */
export async function fencedWrite<B extends GuardedItem>(
  core: RunnerCore,
  ctx: FlowContext,
  batch: B[],
  write: (batch: B[]) => Promise<void>,
): Promise<void> {
  const lease = currentLease();
  if (ctx.target.action.idempotent !== false) {
    if (lease !== undefined) await checkLease(core.store.db, lease);
    return write(batch);
  }
  const held = await new ReviewItemsRepo(core.store.db).heldKeys(
    ctx.flow.id,
    batch.map((b) => ({ key: b.item.key, payload: b.decision.payload })),
  );
  const todo = held.size === 0 ? batch : batch.filter((b) => !held.has(b.item.key));
  if (held.size > 0) {
    core.logger.info(
      { flow: ctx.flow.name, held: held.size },
      'records waiting for manual review are not written (see `hub runs review`)',
    );
  }
  if (todo.length === 0) return;
  // outside a run's flight (a replay a person asked for) there is no crash to recover from by ourselves
  if (lease === undefined) return write(todo);
  const keys = todo.map((b) => b.item.key);
  await inTransaction(core, (tx) =>
    markWriteInFlight(tx.runs, lease.runId, {
      action: ctx.target.action.name,
      mappingVersion: ctx.mapping.version,
      records: todo.map((b) => ({ key: b.item.key, source: b.item.record, payload: b.decision.payload })),
    }),
  );
  await withPendingWrite({ keys, cleared: false }, () => write(todo));
}

/**
 * At activation: the previous owner of the run stopped with non-idempotent writes unconfirmed. They go to manual
 * review (in the owner's fenced transaction), never out again by themselves.
 */
export async function reviewInterruptedWrite(core: RunnerCore, run: Run): Promise<number> {
  if (currentLease() === undefined) return 0;
  const moved = await inTransaction(core, async (tx) => {
    const markers = await takeWriteInFlight(tx.runs, run.id);
    const items = markers.flatMap((m) =>
      m.records.map((r) => ({
        flowId: run.flowId,
        runId: run.id,
        recordKey: r.key,
        action: m.action,
        reason: REASON,
        source: r.source,
        payload: r.payload,
      })),
    );
    await tx.reviewItems.add(items, core.now());
    return items.length;
  });
  if (moved > 0) {
    core.logger.warn(
      { runId: run.id, records: moved },
      'non-idempotent writes were in flight when the previous worker stopped: records moved to manual review',
    );
  }
  return moved;
}

/** Resolving a review item: "done" (the vendor applied the write) or "retry" (it did not: send it again). */
export type ReviewResolution = 'done' | 'retry';

export class ReviewItemNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`review item ${id} does not exist`);
    this.name = 'ReviewItemNotFoundError';
  }
}

export class ReviewItemResolvedError extends Error {
  constructor(
    readonly id: string,
    readonly status: string,
  ) {
    super(`review item ${id} is already resolved (${status})`);
    this.name = 'ReviewItemResolvedError';
  }
}

export interface ReviewDeps {
  repos: Pick<Repos, 'reviewItems' | 'deadLetters'>;
  runner: Pick<FlowRunner, 'replayDeadLetters'>;
  now?: () => number;
}

/**
 * Resolves an open review item. "done": the record is not written again while its payload stays the one that was
 * applied. "retry": the record goes to the dead-letter ledger and is replayed now, through the current mapping
 * (a person checked that the vendor did not apply it).
 */
export async function resolveReviewItem(
  deps: ReviewDeps,
  id: string,
  as: ReviewResolution,
): Promise<{ item: ReviewItem; replay?: ReplayReport }> {
  const now = deps.now ?? Date.now;
  const item = await deps.repos.reviewItems.get(id);
  if (item === undefined) throw new ReviewItemNotFoundError(id);
  if (item.status !== 'open') throw new ReviewItemResolvedError(id, item.status);
  if (as === 'done') {
    if (!(await deps.repos.reviewItems.resolve(id, 'done', now()))) throw new ReviewItemResolvedError(id, 'resolved');
    return { item: { ...item, status: 'done', resolvedAt: now() } };
  }
  const letter = await deps.repos.deadLetters.add(
    {
      flowId: item.flowId,
      runId: item.runId,
      recordKey: item.recordKey,
      reason: `manual review: retry requested (${item.reason})`,
      failureKind: 'review',
      ...(item.source === undefined ? {} : { source: item.source }),
      ...(item.payload === undefined ? {} : { payload: item.payload }),
    },
    now(),
  );
  if (!(await deps.repos.reviewItems.resolve(id, 'retry', now()))) throw new ReviewItemResolvedError(id, 'resolved');
  const replay = await deps.runner.replayDeadLetters({ ids: [letter.id] });
  return { item: { ...item, status: 'retry', resolvedAt: now() }, replay };
}
