import { ReviewItemsRepo, type ReviewItem, type ReviewLink } from '../store/repos/review-items';
import { ID_PREFIX, newId } from '../store/ids';
import type { LinkUpsert, NewRunRecord, Repos, Run } from '../store/repos';
import type { FlowContext } from './context';
import { inTransaction, type RunnerCore, type TxRepos } from './core';
import type { LinkBatch } from './link-batch';
import type { PageItem } from './plan';
import { outcomeOf, readState, type RecordOptions } from './recorder';
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
 *
 * A connector may also say itself that it cannot confirm a write (WriteOutcome `unconfirmed`, SDK 1.2: an order's
 * create call got no answer and the look-up by the hub's key failed too). Whatever the action, such a record goes to
 * manual review the same way (`recordUnconfirmed`), and is held from every later run of the flow until resolved;
 * resolving it as done with the target record's id links it as if the write had been confirmed.
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
    // records a connector could not confirm wait for a person whatever the action (asked once per run, see below)
    const todo = (await mayHoldRecords(core, ctx)) ? await withoutHeld(core, ctx, batch) : batch;
    if (todo.length === 0) return;
    if (lease !== undefined) await checkLease(core.store.db, lease);
    return write(todo);
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
 * Whether the flow of a run may have records held for review, asked once per run (an idempotent action's batches
 * then cost no look-up when the flow has none, the common case) and set as soon as the run sends one to review.
 */
const mayHold = new WeakMap<FlowContext, boolean>();

async function mayHoldRecords(core: RunnerCore, ctx: FlowContext): Promise<boolean> {
  let known = mayHold.get(ctx);
  if (known === undefined) {
    known = await new ReviewItemsRepo(core.store.db).anyHeld(ctx.flow.id);
    mayHold.set(ctx, known);
  }
  return known;
}

async function withoutHeld<B extends GuardedItem>(core: RunnerCore, ctx: FlowContext, batch: B[]): Promise<B[]> {
  const held = await new ReviewItemsRepo(core.store.db).heldKeys(
    ctx.flow.id,
    batch.map((b) => ({ key: b.item.key, payload: b.decision.payload })),
  );
  if (held.size === 0) return batch;
  core.logger.info(
    { flow: ctx.flow.name, held: held.size },
    'records waiting for manual review are not written (see `hub runs review`)',
  );
  return batch.filter((b) => !held.has(b.item.key));
}

/** A written record whose outcome the connector could not confirm (WriteOutcome `unconfirmed`). */
export interface Unconfirmed {
  item: PageItem;
  decision: { payload: unknown; hash: string; writtenFields: string[] };
  reason: string;
}

/**
 * Records writes the connector could not confirm, inside the batch's recording transaction: one review item each
 * (with what linking the record needs once a person names the target record), the source record's read state, and
 * a run failure of kind `review` (listed by `hub runs show`, not counted as failed). Returns the run's record-list
 * lines (outcome `review`, with the reason). Nothing goes to the dead-letter ledger: a replay would send it again.
 */
export async function recordUnconfirmed(
  tx: TxRepos,
  ctx: FlowContext,
  unconfirmed: readonly Unconfirmed[],
  options: RecordOptions,
  links: LinkBatch,
): Promise<NewRunRecord[]> {
  if (unconfirmed.length === 0) return [];
  mayHold.set(ctx, true);
  for (const u of unconfirmed) links.saveIfChanged(readState(ctx, u.item, options), u.item.sourceLink);
  await tx.reviewItems.add(
    unconfirmed.map(({ item, decision, reason }) => ({
      flowId: ctx.flow.id,
      runId: options.runId,
      recordKey: item.key,
      action: ctx.target.action.name,
      reason,
      source: item.record,
      payload: decision.payload,
      link: linkOf(ctx, item, decision),
    })),
    options.now,
  );
  await tx.runs.recordFailures(
    options.runId,
    unconfirmed.map((u) => ({ recordKey: u.item.key, reason: u.reason, failureKind: 'review' })),
    options.now,
  );
  return unconfirmed.map((u) => outcomeOf('review', u.item.key, u.item.record, u));
}

function linkOf(ctx: FlowContext, item: PageItem, decision: Unconfirmed['decision']): ReviewLink {
  const link: ReviewLink = {
    linkGroup: ctx.linkGroup,
    entity: ctx.entity,
    sourceConnectionId: ctx.source.connectionId,
    targetConnectionId: ctx.target.connectionId,
    hash: decision.hash,
    writtenFields: decision.writtenFields,
    readHash: item.readHash,
  };
  if (Object.keys(item.fields).length > 0) link.readFields = item.fields;
  if (item.modifiedAt !== undefined) link.modifiedAt = item.modifiedAt;
  const entityId = item.sourceLink?.entityId ?? item.targetLink?.entityId;
  if (entityId !== undefined) link.entityId = entityId;
  return link;
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

/** "done" naming a target record for an item that carries nothing to link it with (a write in flight at a crash). */
export class ReviewItemNotLinkableError extends Error {
  constructor(readonly id: string) {
    super(
      `review item ${id} cannot be linked to a target record (it was a write in flight when a worker stopped); resolve it as done without a target id`,
    );
    this.name = 'ReviewItemNotLinkableError';
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
  repos: Pick<Repos, 'reviewItems' | 'deadLetters' | 'recordLinks'>;
  runner: Pick<FlowRunner, 'replayDeadLetters'>;
  now?: () => number;
}

/**
 * Resolves an open review item. "done": the record is not written again while its payload stays the one that was
 * applied; with `targetId` (the target record a person found, for an item the connector could not confirm) the
 * record is linked to it as a confirmed write would have linked it, so later runs see it as written. "retry": the
 * record goes to the dead-letter ledger and is replayed now, through the current mapping (a person checked that the
 * vendor did not apply it).
 */
export async function resolveReviewItem(
  deps: ReviewDeps,
  id: string,
  as: ReviewResolution,
  options: { targetId?: string } = {},
): Promise<{ item: ReviewItem; replay?: ReplayReport }> {
  const now = deps.now ?? Date.now;
  const item = await deps.repos.reviewItems.get(id);
  if (item === undefined) throw new ReviewItemNotFoundError(id);
  if (item.status !== 'open') throw new ReviewItemResolvedError(id, item.status);
  if (as === 'done') {
    const targetId = options.targetId;
    if (targetId !== undefined && item.link === undefined) throw new ReviewItemNotLinkableError(id);
    if (!(await deps.repos.reviewItems.resolve(id, 'done', now(), targetId)))
      throw new ReviewItemResolvedError(id, 'resolved');
    if (targetId !== undefined && item.link !== undefined) {
      const { linkGroup, sourceConnectionId } = item.link;
      const current = (await deps.repos.recordLinks.findMany(linkGroup, sourceConnectionId, [item.recordKey])).get(
        item.recordKey,
      );
      const link = current === undefined ? item.link : { ...item.link, entityId: current.entityId };
      await deps.repos.recordLinks.saveMany(linksFor(item.recordKey, link, targetId, now()), now());
    }
    return { item: { ...item, status: 'done', resolvedAt: now(), ...(targetId === undefined ? {} : { targetId }) } };
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

/** The source and target links of a record resolved as done with its target record: what a confirmed write saves. */
function linksFor(recordKey: string, link: ReviewLink, targetId: string, now: number): LinkUpsert[] {
  const entityId = link.entityId ?? newId(ID_PREFIX.entity, now);
  const common = { linkGroup: link.linkGroup, entity: link.entity, entityId };
  return [
    {
      ...common,
      connectionId: link.sourceConnectionId,
      externalId: recordKey,
      lastReadHash: link.readHash,
      ...(link.readFields === undefined ? {} : { lastReadFields: link.readFields }),
      ...(link.modifiedAt === undefined ? {} : { sourceModifiedAt: link.modifiedAt }),
    },
    {
      ...common,
      connectionId: link.targetConnectionId,
      externalId: targetId,
      lastWrittenHash: link.hash,
      lastWrittenFields: link.writtenFields,
      deletedAt: null,
      ...(link.modifiedAt === undefined ? {} : { sourceModifiedAt: link.modifiedAt }),
    },
  ];
}
