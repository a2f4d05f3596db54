import type { Json, RejectedRecord } from '../sdk/contracts';
import type { NewRunRecord, RecordLink, RunCounts } from '../store/repos';
import type { FlowContext } from './context';
import { UNIDENTIFIED_KEY } from '../store/repos/dead-letters';
import { inTransaction, type RunnerCore, type TxRepos } from './core';
import { reportCounts } from './metrics-port';
import { collisionsAfterWrite, type Demoted, type FreshWrite } from './collisions';
import { planPage, type Decision, type PagePlan, type PageItem, type PlannedItem } from './plan';
import {
  addCount,
  failedOutcomes,
  outcomeOf,
  readState,
  recordOutcomes,
  recordFailures,
  recordWritten,
  saveCheckpoint,
  type Failure,
  type Ledger,
  type RecordOptions,
  type Written,
} from './recorder';
import { LinkBatch } from './link-batch';
import { fencedWrite, recordUnconfirmed, type Unconfirmed } from './review';
import type { SourceRecord } from './hashing';
import { chunk, forEachLimited } from './limited';
import type { ReplaceSession } from './replace-session';
import { writeRecords, type ItemResult } from './writer';

/**
 * One page through read → compare → map → write → record. Writes go out in batches of the action's size (up to
 * the flow's concurrency at once), each batch recorded in its own transaction as soon as its outcomes are known;
 * the records that need no write and the page's checkpoint are recorded last, so the checkpoint never passes a
 * record that is not recorded. A page interrupted half-way is simply processed again: what was written is then
 * unchanged (same hash) and costs no call.
 */

export interface PageOptions {
  runId: string;
  signal?: AbortSignal;
  /** Saved with the page's last records (never in mirror mode, never when null). */
  checkpoint?: Json | null;
  markSeen: boolean;
  ledger: Ledger;
  /** Rows the stream could not read as records (Page.rejected): dead-lettered with their reason. */
  rejected?: RejectedRecord[];
  /** The run's replace session, when the target action replaces the whole set (core/runner/replace-session.ts). */
  session?: ReplaceSession;
  /** Created/updated left out of the run's counts (returned), dead letters left open: a replace session's, until done. */
  deferWritten?: boolean;
}

export type WritePlan = PlannedItem & { decision: Extract<Decision, { kind: 'write' }> };

export { UNIDENTIFIED_KEY };

/**
 * Whether the flow of a run may have open dead letters, asked once per run (an UPDATE per batch is saved when the
 * ledger of the flow is empty) and set as soon as the run dead-letters a record.
 */
const openLetters = new WeakMap<FlowContext, boolean>();

async function mayHaveOpenLetters(tx: TxRepos, ctx: FlowContext): Promise<boolean> {
  let known = openLetters.get(ctx);
  if (known === undefined) {
    known = (await tx.deadLetters.count({ flowId: ctx.flow.id, status: 'pending' })) > 0;
    openLetters.set(ctx, known);
  }
  return known;
}

/**
 * One ledger entry per record: a record delivered by a later run (written, or found as it should be) closes its
 * open dead letter, so a replay can never send its older version over the newer one (a later version supersedes
 * an earlier failure: matrix row 18). Replays resolve their own entries through their ledger.
 */
async function closeDelivered(
  tx: TxRepos,
  ctx: FlowContext,
  ledger: Ledger,
  items: readonly PageItem[],
  now: number,
): Promise<void> {
  if (!ledger.countsDeadLettered || items.length === 0 || !(await mayHaveOpenLetters(tx, ctx))) return;
  await tx.deadLetters.closeDelivered(
    ctx.flow.id,
    items.map((i) => i.key),
    now,
  );
}

function noteFailures(ctx: FlowContext, ledger: Ledger, failures: readonly Failure[]): void {
  if (ledger.countsDeadLettered && failures.length > 0) openLetters.set(ctx, true);
}

/**
 * Work recorded in the transaction of a batch when it is the page's last (the records that needed no write, the
 * counts and the checkpoint: `recordRest`), saving the page a transaction of its own. Returns the counts it added,
 * or undefined when it did nothing.
 */
type Tail = (tx: TxRepos) => Promise<Partial<RunCounts> | undefined>;

/** Writes a batch (through `send` for a replace session: replace-session.ts), records it, returns its counts. */
export async function writeBatch(
  core: RunnerCore,
  ctx: FlowContext,
  batch: WritePlan[],
  options: PageOptions,
  tail?: Tail,
  send?: (payloads: SourceRecord[]) => Promise<ItemResult[]>,
): Promise<Partial<RunCounts>> {
  const payloads = batch.map((p) => p.decision.payload);
  const results = await (send?.(payloads) ??
    writeRecords(core, ctx.target, ctx.target.action, payloads, {
      maxAttempts: ctx.maxAttempts,
      ...(options.signal ? { signal: options.signal } : {}),
    }));
  const now = core.now();
  const recordOptions: RecordOptions = { runId: options.runId, now, markSeen: options.markSeen };
  let counts: Partial<RunCounts> = {};
  let tailCounts: Partial<RunCounts> | undefined;
  await inTransaction(core, async (tx) => {
    counts = {};
    tailCounts = undefined;
    const links = new LinkBatch(ctx.linkGroup);
    const failures: Failure[] = [];
    const written: Written[] = [];
    const outcomes: NewRunRecord[] = [];
    const unconfirmed: Unconfirmed[] = [];
    for (const [i, planned] of batch.entries()) {
      const result = results[i];
      const { item, decision } = planned;
      // the connector could not tell whether the vendor applied it: manual review, never the ledger (review.ts)
      if (result.status === 'unconfirmed') {
        unconfirmed.push({ item, decision, reason: result.reason });
        continue;
      }
      if (result.status === 'failed') {
        failures.push({
          key: item.key,
          reason: result.reason,
          failureKind: result.failure,
          ...(result.field === undefined ? {} : { field: result.field }),
          source: item.record,
          payload: decision.payload,
          item,
        });
        continue;
      }
      written.push({ item, result, hash: decision.hash, writtenFields: decision.writtenFields });
      if (result.status === 'skipped') addCount(counts, 'unchanged');
      else {
        const operation = result.operation ?? (decision.op === 'create' ? 'created' : 'updated');
        addCount(counts, operation === 'created' ? 'created' : 'updated');
        outcomes.push(outcomeOf(operation === 'created' ? 'created' : 'updated', item.key, item.record));
      }
    }
    // records written for the first time: the links their target records already have (one query for both uses)
    const fresh = freshWrites(written);
    const stored =
      fresh.length === 0
        ? new Map<string, RecordLink>()
        : await tx.links.findMany(
            ctx.linkGroup,
            ctx.target.connectionId,
            fresh.map((f) => f.targetId),
          );
    recordWritten(ctx, written, recordOptions, links, stored);
    for (const w of written) clearDuplicate(links, ctx, w.item);
    await tx.runs.recordFailures(options.runId, await collisionsAfterWrite(tx, ctx, fresh, stored, links), now);
    await recordFailures(tx, ctx, options.ledger, failures, recordOptions, links);
    noteFailures(ctx, options.ledger, failures);
    outcomes.push(...(await recordUnconfirmed(tx, ctx, unconfirmed, recordOptions, links)));
    await links.flush(tx, now);
    // a replace session's batches close dead letters once the session completed (replace-session.ts)
    if (options.deferWritten !== true)
      await closeDelivered(
        tx,
        ctx,
        options.ledger,
        written.map((w) => w.item),
        now,
      );
    addCount(counts, 'failed', failures.length);
    if (options.ledger.countsDeadLettered) addCount(counts, 'deadLettered', failures.length);
    await options.ledger.resolved(
      tx,
      [...written, ...unconfirmed].map((w) => w.item),
      'done',
    );
    await recordOutcomes(tx, options.runId, [...outcomes, ...failedOutcomes(failures)], now);
    await tx.runs.addCounts(options.runId, recorded(counts, options));
    if (tail !== undefined) tailCounts = await tail(tx);
  });
  reportCounts(core.metrics, ctx.flow.name, recorded(counts, options));
  if (tailCounts !== undefined) reportCounts(core.metrics, ctx.flow.name, tailCounts);
  return counts;
}

/** What a batch adds to its run and its metrics now: a replace session's created/updated wait for its completion. */
function recorded(counts: Partial<RunCounts>, options: PageOptions): Partial<RunCounts> {
  return options.deferWritten === true ? { ...counts, created: 0, updated: 0 } : counts;
}

/** Written records that had no link on either side before: their target records may be linked to others. */
function freshWrites(written: readonly Written[]): FreshWrite[] {
  const fresh: FreshWrite[] = [];
  for (const w of written)
    if (w.result.targetId !== undefined && w.item.sourceLink === undefined && w.item.targetLink === undefined)
      fresh.push({ item: w.item, targetId: w.result.targetId });
  return fresh;
}

type Duplicate = { item: PageItem; decision: Extract<Decision, { kind: 'duplicate' }> };

/** A record that lost an identity collision before and now wins (or stands alone): no longer a duplicate. */
function clearDuplicate(links: LinkBatch, ctx: FlowContext, item: PageItem): void {
  if (item.sourceLink?.duplicateOf === undefined) return;
  links.save({
    linkGroup: ctx.linkGroup,
    entity: ctx.entity,
    connectionId: ctx.source.connectionId,
    externalId: item.key,
    duplicateOf: null,
  });
}

/**
 * Identity collisions (core/runner/collisions.ts): each losing record is linked to the winner's entity as a
 * duplicate of it (the winner's link is looked up when it was written on this page) and reported in the run
 * (failure kind `duplicate`, not counted as failed); records off the page that lost are marked duplicates.
 */
async function recordDuplicates(
  tx: TxRepos,
  ctx: FlowContext,
  duplicates: readonly Duplicate[],
  demoted: readonly Demoted[],
  options: RecordOptions,
  links: LinkBatch,
): Promise<void> {
  for (const { link, of } of demoted)
    links.save({
      linkGroup: ctx.linkGroup,
      entity: link.entity,
      connectionId: link.connectionId,
      externalId: link.externalId,
      duplicateOf: of,
    });
  if (duplicates.length === 0) return;
  const unknown = duplicates.filter((d) => d.decision.entityId === undefined).map((d) => d.decision.of);
  const winners =
    unknown.length === 0
      ? new Map<string, RecordLink>()
      : await tx.links.findMany(ctx.linkGroup, ctx.source.connectionId, unknown);
  for (const { item, decision } of duplicates) {
    const entityId = decision.entityId ?? winners.get(decision.of)?.entityId;
    links.saveIfChanged(
      { ...readState(ctx, item, options), ...(entityId === undefined ? {} : { entityId }), duplicateOf: decision.of },
      item.sourceLink,
    );
  }
  await tx.runs.recordFailures(
    options.runId,
    duplicates.map(({ item, decision }) => ({
      recordKey: item.key,
      reason: decision.reason,
      failureKind: 'duplicate',
    })),
    options.now,
  );
}

/** Records the items that needed no write, the failures found before writing, the counts and the checkpoint. */
async function recordRest(
  core: RunnerCore,
  ctx: FlowContext,
  plan: PagePlan,
  readCount: number,
  options: PageOptions,
): Promise<void> {
  const counts = await inTransaction(core, (tx) => recordRestIn(tx, core, ctx, plan, readCount, options));
  reportCounts(core.metrics, ctx.flow.name, counts);
}

/** `recordRest` inside a transaction (its own, or the page's last batch's); returns the counts it added. */
async function recordRestIn(
  tx: TxRepos,
  core: RunnerCore,
  ctx: FlowContext,
  plan: PagePlan,
  readCount: number,
  options: PageOptions,
): Promise<Partial<RunCounts>> {
  const now = core.now();
  const recordOptions: RecordOptions = { runId: options.runId, now, markSeen: options.markSeen };
  {
    const counts: Partial<RunCounts> = { read: readCount };
    const links = new LinkBatch(ctx.linkGroup);
    addCount(counts, 'unchanged', plan.superseded);
    const failures: Failure[] = plan.unidentified.map((u) => ({
      key: UNIDENTIFIED_KEY,
      reason: u.reason,
      failureKind: u.failureKind ?? 'identity',
      ...(u.field === undefined ? {} : { field: u.field }),
      source: u.record,
    }));
    const done: PageItem[] = [];
    const suppressed: PageItem[] = [];
    const duplicates: Duplicate[] = [];
    const held: NewRunRecord[] = [];
    for (const { item, decision } of plan.planned) {
      // a record that competed in a collision and won (or no longer collides) is no longer a duplicate
      if (decision.kind === 'unchanged' || decision.kind === 'conflict') clearDuplicate(links, ctx, item);
      switch (decision.kind) {
        case 'write':
          continue;
        case 'duplicate':
          duplicates.push({ item, decision });
          break;
        case 'invalid':
          failures.push({
            key: item.key,
            reason: decision.reason,
            failureKind: decision.failureKind,
            ...(decision.field === undefined ? {} : { field: decision.field }),
            source: item.record,
            ...(decision.payload === undefined ? {} : { payload: decision.payload }),
            item,
          });
          continue;
        case 'stale':
          // a newer version is already synced: keep its read state; the record still exists (mirror mode)
          if (options.markSeen) {
            links.saveIfChanged(
              {
                linkGroup: ctx.linkGroup,
                entity: ctx.entity,
                connectionId: ctx.source.connectionId,
                externalId: item.key,
                lastSeenRunId: options.runId,
              },
              item.sourceLink,
            );
          }
          break;
        case 'echo':
          // the hub's own write read back: remember the read, keep the content time of what was written
          links.saveIfChanged(readState(ctx, item, recordOptions, false), item.sourceLink);
          if (item.targetLink !== undefined && decision.hash !== undefined) {
            links.saveIfChanged(
              {
                linkGroup: ctx.linkGroup,
                entity: item.targetLink.entity,
                connectionId: ctx.target.connectionId,
                externalId: item.targetLink.externalId,
                lastWrittenHash: decision.hash,
                lastWrittenFields: decision.writtenFields,
              },
              item.targetLink,
            );
          }
          break;
        default:
          // unchanged, conflict, suppressed: a record read again as it was costs no write at all
          links.saveIfChanged(
            readState(ctx, item, recordOptions, true, decision.kind === 'unchanged' ? item.mapped : undefined),
            item.sourceLink,
          );
      }
      addCount(counts, 'unchanged');
      // held back (no consent, skipped by the mapping, an erased identifier): listed in the run with the reason
      if (decision.kind === 'filtered' || decision.kind === 'suppressed')
        held.push(outcomeOf('held', item.key, item.record, decision));
      (decision.kind === 'suppressed' ? suppressed : done).push(item);
    }
    await recordDuplicates(tx, ctx, duplicates, plan.demoted ?? [], recordOptions, links);
    await recordFailures(tx, ctx, options.ledger, failures, recordOptions, links);
    noteFailures(ctx, options.ledger, failures);
    await links.flush(tx, now);
    await closeDelivered(tx, ctx, options.ledger, done, now);
    addCount(counts, 'failed', failures.length);
    if (options.ledger.countsDeadLettered) addCount(counts, 'deadLettered', failures.length);
    await options.ledger.resolved(tx, done, 'done');
    await options.ledger.resolved(tx, suppressed, 'suppressed');
    await saveCheckpoint(tx, ctx, options.checkpoint, now);
    await recordOutcomes(tx, options.runId, [...held, ...failedOutcomes(failures)], now);
    await tx.runs.addCounts(options.runId, counts);
    return counts;
  }
}

/** Writes and records a planned page. */
export async function executePlan(
  core: RunnerCore,
  ctx: FlowContext,
  plan: PagePlan,
  readCount: number,
  options: PageOptions,
): Promise<void> {
  const writes = plan.planned.filter((p): p is WritePlan => p.decision.kind === 'write');
  if (options.session !== undefined) {
    // a replace: the session sends the records when it knows which batch is the last (no checkpoint to carry)
    await options.session.add(writes);
    return recordRest(core, ctx, plan, readCount, options);
  }
  const batches = chunk(writes, ctx.target.batchSize);
  // the rest of the page goes into the transaction of the batch recorded last, when every other batch of the page
  // is already committed (so the checkpoint still never passes an unrecorded record); else into its own
  let committed = 0;
  let restRecorded = false;
  await forEachLimited(batches, ctx.concurrency, (batch) =>
    fencedWrite(core, ctx, batch, async (todo) => {
      let tailed = false;
      await writeBatch(core, ctx, todo, options, async (tx) => {
        if (committed !== batches.length - 1) return undefined;
        tailed = true;
        return recordRestIn(tx, core, ctx, plan, readCount, options);
      });
      // counted once committed: a batch whose transaction failed never lets another carry the checkpoint
      committed += 1;
      if (tailed) restRecorded = true;
    }),
  );
  if (!restRecorded) await recordRest(core, ctx, plan, readCount, options);
}

export async function processPage(
  core: RunnerCore,
  ctx: FlowContext,
  records: readonly SourceRecord[],
  options: PageOptions,
): Promise<void> {
  const plan = await planPage(core, ctx, records);
  const rejected = options.rejected ?? [];
  for (const r of rejected)
    plan.unidentified.push({
      record: r.source,
      reason: r.reason,
      failureKind: 'source',
      ...(r.field === undefined ? {} : { field: r.field }),
    });
  await executePlan(core, ctx, plan, records.length + rejected.length, options);
}
