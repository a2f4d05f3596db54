import type { DeadLetter } from '../store/repos';
import { loadFlowContext, type FlowContext } from './context';
import type { RunnerCore } from './core';
import { RunStopError } from './errors';
import { failRun, finishRun } from './executor';
import { contentHash, fieldHashes, modifiedAtOf, sourceKeyOf, type SourceRecord } from './hashing';
import { executePlan } from './page-processor';
import { attachLinks, planItems, type PageItem } from './plan';
import type { Ledger } from './recorder';
import type { ReplayReport } from './runner-port';

/**
 * Replays dead letters: each stored SOURCE record is mapped again with the flow's current mapping and goes
 * through the same compare → write → record steps as a run (in a run of trigger `replay`). A letter whose record
 * is written, or no longer needs writing, is marked replayed; one that fails again stays pending with the new
 * reason; one whose record carries an erased identifier is discarded (erasure wins over replays).
 */

const PAGE = 100;

function replayLedger(report: ReplayReport): Ledger {
  return {
    async failed(tx, failures, ctx, runId) {
      for (const failure of failures) {
        for (const id of failure.item?.letterIds ?? []) {
          await tx.deadLetters.recordRetry(id, {
            reason: failure.reason,
            failureKind: failure.failureKind,
            field: failure.field,
            payload: failure.payload,
            mappingVersion: ctx.mapping.version,
            runId,
          });
          report.stillFailing.push(id);
        }
      }
    },
    async resolved(tx, items, how) {
      const ids = items.flatMap((i) => i.letterIds ?? []);
      if (ids.length === 0) return;
      if (how === 'suppressed') await tx.deadLetters.markDiscarded(ids);
      else report.replayed += await tx.deadLetters.markReplayed(ids);
    },
    countsDeadLettered: false,
  };
}

async function selectLetters(core: RunnerCore, selector: { ids?: string[]; flowId?: string }): Promise<DeadLetter[]> {
  if (selector.ids !== undefined) {
    const letters = await core.repos.deadLetters.getMany(selector.ids);
    return letters.filter(
      (l) => l.status === 'pending' && (selector.flowId === undefined || l.flowId === selector.flowId),
    );
  }
  if (selector.flowId === undefined) throw new TypeError('replayDeadLetters: give dead-letter ids or a flow id');
  const flow = await core.repos.flows.require(selector.flowId);
  const letters: DeadLetter[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await core.repos.deadLetters.list({
      flowId: flow.id,
      status: 'pending',
      limit: 500,
      ...(before === undefined ? {} : { before }),
    });
    letters.push(...page);
    if (page.length < 500) return letters.reverse();
    before = page[page.length - 1].id;
  }
}

/** One item per record key: the newest letter's source record, resolving every letter of that key. */
function itemsOf(ctx: FlowContext, letters: DeadLetter[], report: ReplayReport): PageItem[] {
  const byKey = new Map<string, PageItem>();
  for (const letter of letters) {
    const record = letter.source;
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      report.stillFailing.push(letter.id);
      continue;
    }
    let key: string;
    try {
      key = sourceKeyOf(record as SourceRecord, ctx.identity);
    } catch {
      report.stillFailing.push(letter.id);
      continue;
    }
    const earlier = byKey.get(key);
    const item: PageItem = {
      key,
      record: record as SourceRecord,
      readHash: contentHash(record),
      fields: fieldHashes(record as SourceRecord, ctx.modifiedField),
      letterIds: [...(earlier?.letterIds ?? []), letter.id],
    };
    const modifiedAt = modifiedAtOf(record as SourceRecord, ctx.modifiedField);
    if (modifiedAt !== undefined) item.modifiedAt = modifiedAt;
    byKey.set(key, item);
  }
  return [...byKey.values()];
}

async function replayFlow(
  core: RunnerCore,
  flowId: string,
  letters: DeadLetter[],
  report: ReplayReport,
  signal: AbortSignal | undefined,
): Promise<void> {
  const flow = await core.repos.flows.get(flowId);
  if (flow === undefined) {
    report.stillFailing.push(...letters.map((l) => l.id));
    return;
  }
  const run = await core.repos.runs.create({ flowId, trigger: 'replay', status: 'running' }, core.now());
  report.runId = run.id;
  try {
    const ctx = await loadFlowContext(core, flow, signal ? { signal } : {});
    const items = itemsOf(ctx, letters, report);
    for (let i = 0; i < items.length; i += PAGE) {
      const page = items.slice(i, i + PAGE);
      await attachLinks(core, ctx, page);
      const planned = await planItems(core, ctx, page);
      await executePlan(core, ctx, { planned, unidentified: [], superseded: 0 }, page.length, {
        runId: run.id,
        ...(signal ? { signal } : {}),
        checkpoint: null,
        markSeen: false,
        ledger: replayLedger(report),
      });
    }
    const finished = await finishRun(core, run.id);
    report.written += (finished?.counts.created ?? 0) + (finished?.counts.updated ?? 0);
  } catch (error) {
    const stop =
      error instanceof RunStopError
        ? error
        : new RunStopError({
            kind: 'retryable',
            message: `the replay stopped: ${error instanceof Error ? error.message : String(error)}`,
          });
    await failRun(core, run.id, stop);
    report.error = stop.info;
    // every letter not resolved before the stop is still failing
    const current = await core.repos.deadLetters.getMany(letters.map((l) => l.id));
    report.stillFailing.push(...current.filter((l) => l.status === 'pending').map((l) => l.id));
    const after = await core.repos.runs.get(run.id);
    report.written += (after?.counts.created ?? 0) + (after?.counts.updated ?? 0);
  }
}

export async function replayDeadLetters(
  core: RunnerCore,
  selector: { ids?: string[]; flowId?: string },
  signal?: AbortSignal,
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, written: 0, stillFailing: [] };
  const letters = await selectLetters(core, selector);
  const byFlow = new Map<string, DeadLetter[]>();
  for (const letter of letters) byFlow.set(letter.flowId, [...(byFlow.get(letter.flowId) ?? []), letter]);
  for (const [flowId, group] of byFlow) await replayFlow(core, flowId, group, report, signal);
  report.stillFailing = [...new Set(report.stillFailing)];
  return report;
}
