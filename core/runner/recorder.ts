import type { Json } from '../sdk/contracts';
import { ID_PREFIX, newId } from '../store/ids';
import type { LinkUpsert, NewRunFailure, NewRunRecord, RecordLink, RunCounts, RunRecordOutcome } from '../store/repos';
import type { FlowContext } from './context';
import type { TxRepos } from './core';
import type { LinkBatch } from './link-batch';
import type { PageItem } from './plan';
import { recordLabel } from './record-label';
import type { ItemResult } from './writer';

/**
 * The record step: links, ledger entries, run failures and counts, written in one transaction per batch, and
 * the page's checkpoint in the transaction that records its last records (nothing lost, nothing counted twice).
 */

export interface RecordOptions {
  runId: string;
  now: number;
  /** Mirror mode: the source links are marked as read by this run. */
  markSeen: boolean;
}

/** A record that failed: it goes to the ledger (or, in a replay, its ledger entries are updated). */
export interface Failure {
  key: string;
  reason: string;
  failureKind: string;
  field?: string;
  source: unknown;
  payload?: unknown;
  item?: PageItem;
}

/** Where failures and resolutions go: the dead-letter ledger, or (replays) the entries being replayed. */
export interface Ledger {
  failed(tx: TxRepos, failures: Failure[], ctx: FlowContext, runId: string): Promise<void>;
  /** Items that are done with (written, unchanged, skipped by policy); `how` says which. */
  resolved(tx: TxRepos, items: PageItem[], how: 'done' | 'suppressed'): Promise<void>;
  /** Whether failures count as newly dead-lettered in the run. */
  readonly countsDeadLettered: boolean;
}

export const deadLetterLedger: Ledger = {
  async failed(tx, failures, ctx, runId) {
    await tx.deadLetters.record(
      failures.map((f) => ({
        flowId: ctx.flow.id,
        runId,
        recordKey: f.key,
        reason: f.reason,
        failureKind: f.failureKind,
        ...(f.field === undefined ? {} : { field: f.field }),
        source: f.source,
        ...(f.payload === undefined ? {} : { payload: f.payload }),
        mappingVersion: ctx.mapping.version,
      })),
    );
  },
  async resolved() {},
  countsDeadLettered: true,
};

/**
 * The read state of a source record (what the flow reading that connection saw). `mapped` only for a record
 * written or found unchanged (its `item.mapped`): any other outcome clears what it last mapped to.
 */
export function readState(
  ctx: FlowContext,
  item: PageItem,
  options: RecordOptions,
  withModified = true,
  mapped?: string,
): LinkUpsert {
  const upsert: LinkUpsert = {
    linkGroup: ctx.linkGroup,
    entity: ctx.entity,
    connectionId: ctx.source.connectionId,
    externalId: item.key,
    lastReadHash: item.readHash,
    lastReadFields: item.fields,
    lastMapped: mapped ?? null,
  };
  if (item.sourceLink !== undefined) upsert.entityId = item.sourceLink.entityId;
  if (withModified && item.modifiedAt !== undefined) {
    upsert.sourceModifiedAt = Math.max(item.modifiedAt, item.sourceLink?.sourceModifiedAt ?? -Infinity);
  }
  if (options.markSeen) upsert.lastSeenRunId = options.runId;
  return upsert;
}

export interface Written {
  item: PageItem;
  result: Extract<ItemResult, { status: 'ok' | 'skipped' }>;
  hash: string;
  writtenFields: string[];
}

/**
 * Links written records to their target records: both ids, the hash of what was written, the content time.
 * Records whose link has no entity yet take the target's link from `stored` (the target links of the batch's first
 * writes, looked up once by the caller); the batch's own pending links come first, so two records written to one target record join one entity, as they would one by one.
 */
export function recordWritten(
  ctx: FlowContext,
  written: readonly Written[],
  options: RecordOptions,
  links: LinkBatch,
  stored: ReadonlyMap<string, RecordLink>,
): void {
  for (const { item, result, hash, writtenFields } of written) {
    const source = readState(ctx, item, options, true, result.targetId === undefined ? undefined : item.mapped);
    if (result.targetId === undefined) {
      links.saveIfChanged(source, item.sourceLink);
      continue;
    }
    const targetRef = { connectionId: ctx.target.connectionId, externalId: result.targetId };
    let entityId = item.sourceLink?.entityId ?? item.targetLink?.entityId;
    if (entityId === undefined) {
      const pending = links.pendingEntityId(targetRef);
      entityId = pending === null ? undefined : (pending ?? stored.get(result.targetId)?.entityId);
    }
    entityId ??= newId(ID_PREFIX.entity, options.now);
    links.saveIfChanged({ ...source, entityId }, item.sourceLink);
    const target: LinkUpsert = {
      linkGroup: ctx.linkGroup,
      entity: ctx.entity,
      ...targetRef,
      entityId,
      lastWrittenHash: hash,
      lastWrittenFields: writtenFields,
      deletedAt: null,
    };
    if (item.modifiedAt !== undefined) target.sourceModifiedAt = item.modifiedAt;
    const sameTarget = item.targetLink !== undefined && item.targetLink.externalId === result.targetId;
    links.saveIfChanged(target, sameTarget ? item.targetLink : undefined);
    // the target record was replaced (the vendor answered with another id): the old link is no longer its peer
    if (item.targetLink !== undefined && !sameTarget) links.delete(item.targetLink);
  }
}

export function failureRows(failures: Failure[]): NewRunFailure[] {
  return failures.map((f) => ({
    recordKey: f.key,
    reason: f.reason,
    failureKind: f.failureKind,
    ...(f.field === undefined ? {} : { field: f.field }),
  }));
}

export async function recordFailures(
  tx: TxRepos,
  ctx: FlowContext,
  ledger: Ledger,
  failures: Failure[],
  options: RecordOptions,
  links: LinkBatch,
): Promise<void> {
  if (failures.length === 0) return;
  for (const f of failures)
    if (f.item !== undefined) links.saveIfChanged(readState(ctx, f.item, options), f.item.sourceLink);
  await ledger.failed(tx, failures, ctx, options.runId);
  await tx.runs.recordFailures(options.runId, failureRows(failures), options.now);
}

/**
 * One record's line in the run's record list (created, updated, held, failed; never unchanged), named by its
 * e-mail address or name as read. Collected while a batch is recorded and written by `recordOutcomes` in the
 * same transaction.
 */
export function outcomeOf(
  outcome: RunRecordOutcome,
  key: string,
  source: unknown,
  why?: { reason: string; field?: string },
): NewRunRecord {
  const label = recordLabel(source);
  return {
    outcome,
    recordKey: key,
    ...(label === undefined ? {} : { label }),
    ...(why === undefined ? {} : { reason: why.reason }),
    ...(why?.field === undefined ? {} : { field: why.field }),
  };
}

export function failedOutcomes(failures: readonly Failure[]): NewRunRecord[] {
  return failures.map((f) => outcomeOf('failed', f.key, f.source, f));
}

/** Adds the batch's record outcomes to the run (one upsert and one insert; nothing when there are none). */
export async function recordOutcomes(tx: TxRepos, runId: string, outcomes: NewRunRecord[], now: number): Promise<void> {
  await tx.runRecords.add(runId, outcomes, now);
}

export async function saveCheckpoint(
  tx: TxRepos,
  ctx: FlowContext,
  checkpoint: Json | null | undefined,
  now: number,
): Promise<void> {
  if (checkpoint === null || checkpoint === undefined || ctx.mode === 'mirror' || ctx.replace === true) return;
  await tx.checkpoints.set(ctx.flow.id, ctx.source.stream.name, checkpoint, now);
}

export function addCount(counts: Partial<RunCounts>, key: keyof RunCounts, n = 1): void {
  if (n !== 0) counts[key] = (counts[key] ?? 0) + n;
}
