import { ConfigError, toErrorInfo } from '../sdk/errors';
import type { DeadLetter } from '../store/repos';
import { flowDefinitionOf, loadFlowContext, type FlowContext } from './context';
import { inTransaction, type RunnerCore } from './core';
import { RunStopError } from './errors';
import { failRun, finishRun } from './executor';
import { modifiedAtOf, recordDigest, sourceKeyOf } from './hashing';
import { executePlan } from './page-processor';
import { attachLinks, needsFieldHashes, planItems, type PageItem } from './plan';
import type { Ledger } from './recorder';
import type { ReplayReport } from './runner-port';
import { withBudget } from './writer';

/**
 * Replays dead letters: each record is mapped again with the flow's current mapping and goes through the same
 * compare → write → record steps as a run (in a run of trigger `replay`). When the source stream can read records
 * again (`refetch`: a vendor record by id, a file row by line), the CURRENT source record is read first, so a
 * fixed connection (a delimiter, an encoding) or fixed data is picked up; `fromStored` (or a stream without
 * `refetch`, or a stored copy with nothing to find it by) maps the stored copy instead. A letter whose record is
 * written, or no longer needs writing, is marked replayed; one that fails again (or whose source row is still
 * unreadable or gone) stays pending with the new reason; one whose record carries an erased identifier is
 * discarded (erasure wins over replays).
 */

const PAGE = 100;

export interface ReplaySelector {
  ids?: string[];
  flowId?: string;
  /** Map the stored source copies, without reading the source again. */
  fromStored?: boolean;
}

interface StillFailing {
  letter: DeadLetter;
  reason: string;
  failureKind: string;
  field?: string;
}

/** Keeps the letters pending with their new reason, counted as failed in the replay run. */
async function recordStillFailing(
  core: RunnerCore,
  ctx: FlowContext,
  failures: StillFailing[],
  runId: string,
  report: ReplayReport,
): Promise<void> {
  if (failures.length === 0) return;
  await inTransaction(core, async (tx) => {
    for (const f of failures) {
      await tx.deadLetters.recordRetry(f.letter.id, {
        reason: f.reason,
        failureKind: f.failureKind,
        field: f.field,
        mappingVersion: ctx.mapping.version,
        runId,
      });
      report.stillFailing.push(f.letter.id);
    }
    await tx.runs.addCounts(runId, { failed: failures.length });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads the letters' records again from the source, when its stream can: the letters come back with the current
 * source record in place of the stored one; rows still unreadable, or gone, stay pending with the reason.
 */
async function refetchLetters(
  core: RunnerCore,
  ctx: FlowContext,
  letters: DeadLetter[],
  runId: string,
  report: ReplayReport,
  signal: AbortSignal | undefined,
): Promise<DeadLetter[]> {
  const refetch = ctx.source.stream.refetch?.bind(ctx.source.stream);
  if (refetch === undefined) return letters;
  const out: DeadLetter[] = [];
  for (let i = 0; i < letters.length; i += PAGE) {
    const chunk = letters.slice(i, i + PAGE);
    const asked = chunk.filter((l) => isRecord(l.source));
    out.push(...chunk.filter((l) => !isRecord(l.source)));
    if (asked.length === 0) continue;
    let results;
    try {
      results = await withBudget(
        core,
        ctx.source,
        signal,
        () =>
          refetch({
            connection: ctx.source.context,
            records: asked.map((l) => ({ key: l.recordKey, source: l.source as Record<string, unknown> })),
          }),
        'read',
      );
    } catch (error) {
      if (error instanceof RunStopError) throw error;
      const info = toErrorInfo(error);
      throw new RunStopError({
        ...info,
        message: `reading the dead letters' records again from ${ctx.source.connectionName} failed: ${info.message} (fix the connection, or replay the stored copies with --from-stored)`,
      });
    }
    const failing: StillFailing[] = [];
    asked.forEach((letter, n) => {
      const result = results[n] ?? { status: 'unsupported' };
      if (result.status === 'found' && isRecord(result.record)) out.push({ ...letter, source: result.record });
      else if (result.status === 'rejected') failing.push({ letter, reason: result.reason, failureKind: 'source' });
      else if (result.status === 'missing') failing.push({ letter, reason: result.reason, failureKind: 'source' });
      else out.push(letter);
    });
    await recordStillFailing(core, ctx, failing, runId, report);
  }
  return out;
}

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

async function selectLetters(core: RunnerCore, selector: ReplaySelector): Promise<DeadLetter[]> {
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
function itemsOf(ctx: FlowContext, letters: DeadLetter[]): { items: PageItem[]; unreadable: StillFailing[] } {
  const byKey = new Map<string, PageItem>();
  const unreadable: StillFailing[] = [];
  for (const letter of letters) {
    const record = letter.source;
    if (!isRecord(record)) {
      unreadable.push({ letter, reason: 'the dead letter has no source record to replay', failureKind: 'source' });
      continue;
    }
    let key: string;
    try {
      key = sourceKeyOf(record, ctx.identity, ctx.identityNormalize);
    } catch (error) {
      const field = (error as { field?: unknown }).field;
      unreadable.push({
        letter,
        reason: error instanceof Error ? error.message : String(error),
        failureKind: 'identity',
        ...(typeof field === 'string' ? { field } : {}),
      });
      continue;
    }
    const earlier = byKey.get(key);
    const item: PageItem = {
      key,
      record,
      ...recordDigest(record, ctx.modifiedField, needsFieldHashes(ctx)),
      letterIds: [...(earlier?.letterIds ?? []), letter.id],
    };
    const modifiedAt = modifiedAtOf(record, ctx.modifiedField);
    if (modifiedAt !== undefined) item.modifiedAt = modifiedAt;
    byKey.set(key, item);
  }
  return { items: [...byKey.values()], unreadable };
}

async function replayFlow(
  core: RunnerCore,
  flowId: string,
  letters: DeadLetter[],
  report: ReplayReport,
  options: { signal: AbortSignal | undefined; fromStored: boolean },
): Promise<void> {
  const { signal } = options;
  const flow = await core.repos.flows.get(flowId);
  if (flow === undefined) {
    report.stillFailing.push(...letters.map((l) => l.id));
    return;
  }
  const run = await core.repos.runs.create({ flowId, trigger: 'replay', status: 'running' }, core.now());
  report.runId = run.id;
  try {
    const ctx = await loadFlowContext(core, flow, signal ? { signal } : {});
    const current = options.fromStored ? letters : await refetchLetters(core, ctx, letters, run.id, report, signal);
    const { items, unreadable } = itemsOf(ctx, current);
    await recordStillFailing(core, ctx, unreadable, run.id, report);
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

/** What a replay of a replace flow's dead letters answers (the API, the CLI and the console alike). */
export const REPLACE_NOT_REPLAYED = 'a replace sends the whole set: run the flow again';

/**
 * Dead letters of a flow whose target action replaces the whole set (`ActionDefinition.replace`) are never replayed
 * one by one: a replay would replace the whole audience with them. Refused before anything is sent, naming the flow.
 */
async function refuseReplaceFlows(core: RunnerCore, flowIds: Iterable<string>): Promise<void> {
  for (const flowId of flowIds) {
    const flow = await core.repos.flows.get(flowId);
    if (flow === undefined) continue;
    let definition;
    try {
      definition = flowDefinitionOf(flow);
    } catch {
      continue; // an invalid definition: the replay run fails with the reason, as before
    }
    const connection = await core.repos.connections.get(flow.targetConnectionId ?? definition.target.connection);
    if (connection === undefined) continue;
    let replace = false;
    try {
      replace = core.connectors
        .get(connection.connectorId)
        .actions.some((a) => a.name === definition.target.action && a.replace === true);
    } catch {
      // an unknown connector: the replay run fails with the reason, as before
    }
    if (replace)
      throw new ConfigError(
        `the dead letters of flow "${flow.name}" cannot be replayed one by one: its action ${definition.target.action} replaces the whole set, and a replay would replace it with these records alone. ${REPLACE_NOT_REPLAYED} (it sends every source record, these included once they are fixed)`,
      );
  }
}

export async function replayDeadLetters(
  core: RunnerCore,
  selector: ReplaySelector,
  signal?: AbortSignal,
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, written: 0, stillFailing: [] };
  const letters = await selectLetters(core, selector);
  const byFlow = new Map<string, DeadLetter[]>();
  for (const letter of letters) byFlow.set(letter.flowId, [...(byFlow.get(letter.flowId) ?? []), letter]);
  await refuseReplaceFlows(core, byFlow.keys());
  for (const [flowId, group] of byFlow)
    await replayFlow(core, flowId, group, report, { signal, fromStored: selector.fromStored === true });
  report.stillFailing = [...new Set(report.stillFailing)];
  return report;
}
