import type { RunCounts, LinkedPair, RecordRef } from '../store/repos';
import type { FlowContext } from './context';
import { inTransaction, type RunnerCore } from './core';
import { reportCounts } from './metrics-port';
import { failureRows, addCount, type Failure } from './recorder';
import { writeRecords } from './writer';

/**
 * Mirror mode, after a COMPLETE read only: every source record linked before but not read by this run is gone
 * from the source, so its target record is deleted with the target connector's delete action. A read that
 * failed never gets here, so it deletes nothing. A delete that fails is recorded as a run failure and its links
 * are kept, so the next complete run tries again.
 */

/** The record a delete action receives: the target id under the action's (first) identity field, or `id`. */
export function deleteRecord(ctx: FlowContext, pair: LinkedPair): Record<string, unknown> {
  const field = ctx.target.deleteAction?.identity?.[0] ?? 'id';
  return { [field]: pair.peer.externalId };
}

export async function deleteUnseen(
  core: RunnerCore,
  ctx: FlowContext,
  runId: string,
  signal?: AbortSignal,
): Promise<void> {
  const action = ctx.target.deleteAction;
  if (action === undefined) return;
  let after: string | undefined;
  for (;;) {
    const pairs = await core.repos.recordLinks.unseenWithPeer(
      ctx.linkGroup,
      ctx.source.connectionId,
      ctx.target.connectionId,
      runId,
      { limit: ctx.target.deleteBatchSize, ...(after === undefined ? {} : { after }) },
    );
    if (pairs.length === 0) return;
    after = pairs[pairs.length - 1].source.id;
    const results = await writeRecords(
      core,
      ctx.target,
      action,
      pairs.map((p) => deleteRecord(ctx, p)),
      { maxAttempts: ctx.maxAttempts, ...(signal ? { signal } : {}) },
    );
    const now = core.now();
    let counts: Partial<RunCounts> = {};
    await inTransaction(core, async (tx) => {
      counts = {};
      const failures: Failure[] = [];
      const gone: RecordRef[] = [];
      for (const [i, pair] of pairs.entries()) {
        const result = results[i];
        // a delete is idempotent: one the connector could not confirm is tried again by the next mirror run
        if (result.status === 'failed' || result.status === 'unconfirmed') {
          failures.push({
            key: pair.source.externalId,
            reason: `delete failed: ${result.reason}`,
            failureKind: 'delete',
            source: undefined,
          });
          continue;
        }
        gone.push(pair.peer, pair.source);
        addCount(counts, 'deleted');
      }
      await tx.links.deleteMany(ctx.linkGroup, gone);
      await tx.runs.recordFailures(runId, failureRows(failures), now);
      addCount(counts, 'failed', failures.length);
      await tx.runs.addCounts(runId, counts);
    });
    reportCounts(core.metrics, ctx.flow.name, counts);
    core.logger.info(
      {
        flow: ctx.flow.name,
        deleted: results.filter((r) => r.status !== 'failed' && r.status !== 'unconfirmed').length,
      },
      'mirror: deleted target records whose source records are gone',
    );
  }
}
