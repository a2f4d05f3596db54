import { loadFlowContext, type FlowContext } from './context';
import type { RunnerCore } from './core';
import { hubErrorFromInfo, RunStopError } from './errors';
import { deleteRecord } from './mirror';
import { UNIDENTIFIED_KEY } from './page-processor';
import { planPage, type Decision, type PagePlan } from './plan';
import { readOptionsOf, readStart } from './read-start';
import { readPages } from './reader';
import type { DryRunRecord, DryRunReport } from './runner-port';

/**
 * A dry run: reads up to `limit` records from where the next run would start and shows, per record, what the
 * run would do. It writes nothing (no vendor call but reads, no link, no checkpoint, no ledger entry).
 */

export const DEFAULT_DRY_RUN_LIMIT = 100;

function toDryRecord(key: string, decision: Decision): DryRunRecord {
  switch (decision.kind) {
    case 'write':
      return { sourceKey: key, decision: decision.op, payload: decision.payload };
    case 'unchanged':
      return { sourceKey: key, decision: 'unchanged' };
    case 'echo':
      return { sourceKey: key, decision: 'skip-echo', reason: 'the record reads back as the hub last wrote it' };
    case 'stale':
    case 'conflict':
    case 'duplicate':
      return { sourceKey: key, decision: 'skip-conflict', reason: decision.reason };
    case 'suppressed':
      return { sourceKey: key, decision: 'skip-suppressed', reason: decision.reason };
    case 'filtered':
      return { sourceKey: key, decision: 'skip-filtered', reason: decision.reason };
    case 'invalid':
      return { sourceKey: key, decision: 'invalid', reason: decision.reason };
  }
}

function recordsOf(plan: PagePlan): DryRunRecord[] {
  return [
    ...plan.planned.map((p) => toDryRecord(p.item.key, p.decision)),
    ...plan.unidentified.map((u) => ({ sourceKey: UNIDENTIFIED_KEY, decision: 'invalid' as const, reason: u.reason })),
  ];
}

/** Mirror mode: the linked records a complete run would delete (none when the read was cut short). */
async function plannedDeletes(core: RunnerCore, ctx: FlowContext, seen: ReadonlySet<string>): Promise<DryRunRecord[]> {
  const out: DryRunRecord[] = [];
  let after: string | undefined;
  for (;;) {
    const pairs = await core.repos.recordLinks.unseenWithPeer(
      ctx.linkGroup,
      ctx.source.connectionId,
      ctx.target.connectionId,
      '(dry run)',
      { limit: 500, ...(after === undefined ? {} : { after }) },
    );
    if (pairs.length === 0) return out;
    after = pairs[pairs.length - 1].source.id;
    for (const pair of pairs) {
      if (seen.has(pair.source.externalId)) continue;
      out.push({
        sourceKey: pair.source.externalId,
        decision: 'delete',
        payload: deleteRecord(ctx, pair),
        reason: 'the source record is gone',
      });
    }
  }
}

/**
 * A replace flow (core/runner/replace-session.ts): the records shown are not the whole story — a run sends every
 * record it may send as one replace of the target's set, and one that would send nothing leaves the set as it is.
 */
function replaceNotes(ctx: FlowContext, report: DryRunReport, complete: boolean): string[] {
  const action = ctx.target.action.name;
  const notes = [
    `${action} replaces the whole set on every run: a run reads the whole source and sends every record it may send (those shown${complete ? '' : ' and the rest of the source'}) as one replace; members the source no longer has, or no longer may send, leave the set`,
  ];
  const sends = report.records.some((r) => r.decision === 'create' || r.decision === 'update');
  if (complete && !sends)
    notes.push(
      report.read === 0
        ? 'a run would send nothing: the source has no records, so the set would be left as it is (a replace with nothing would empty it) and the run would warn'
        : 'a run would send nothing: every record is held back or invalid, so the run would fail and the set would keep everyone of the last replace',
    );
  return notes;
}

export async function dryRun(
  core: RunnerCore,
  flowRef: string,
  options: { limit?: number; signal?: AbortSignal } = {},
): Promise<DryRunReport> {
  const limit = Math.max(1, options.limit ?? DEFAULT_DRY_RUN_LIMIT);
  const flow = await core.repos.flows.require(flowRef);
  try {
    const ctx = await loadFlowContext(core, flow, options.signal ? { signal: options.signal } : {});
    const mirror = ctx.mode === 'mirror';
    const start = await readStart(core, ctx);
    const { checkpoint } = start;
    const records: DryRunRecord[] = [];
    const seen = new Set<string>();
    let read = 0;
    let truncated = false;
    const end = await readPages(core, ctx.source, {
      ...(options.signal ? { signal: options.signal } : {}),
      // a restarted read would show its pages twice: a dry run reports the first failure instead
      maxAttempts: 1,
      checkpoint: () => checkpoint,
      ...readOptionsOf(start),
      onPage: async (page) => {
        const room = limit - read;
        if (room <= 0) {
          truncated = page.records.length > 0;
          return truncated ? 'stop' : 'continue';
        }
        const taken = page.records.slice(0, room);
        const plan = await planPage(core, ctx, taken);
        for (const p of plan.planned) seen.add(p.item.key);
        records.push(...recordsOf(plan));
        // rows the stream could not read (Page.rejected) would be dead-lettered: shown as invalid
        for (const r of page.rejected ?? [])
          records.push({ sourceKey: JSON.stringify(r.source), decision: 'invalid', reason: r.reason });
        read += taken.length;
        if (page.records.length > room) {
          truncated = true;
          return 'stop';
        }
        return 'continue';
      },
    });
    if (mirror && end === 'complete' && !truncated) records.push(...(await plannedDeletes(core, ctx, seen)));
    const report: DryRunReport = { flowId: flow.id, read, records, truncated };
    if (ctx.replace === true) report.notes = replaceNotes(ctx, report, end === 'complete' && !truncated);
    return report;
  } catch (error) {
    if (error instanceof RunStopError) throw hubErrorFromInfo(error.info);
    throw error;
  }
}
