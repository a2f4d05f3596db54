import type { Json } from '../sdk/contracts';
import { resetFromOf } from '../store/repos/checkpoints';
import type { FlowContext } from './context';
import type { RunnerCore } from './core';
import { RunStopError } from './errors';

/**
 * Where the next read of a flow starts: its stored checkpoint (none in mirror mode and for a replace action, which
 * always read everything), and with `options.lookbackMs` a look-back `since`: the time the checkpoint was saved minus the
 * window. Streams that support `since` then read again what changed in that window (sources whose cursors are
 * coarse, or whose changes become visible late); the records read again that did not change cost no write (their
 * hash equals the link's) and no link update. Streams without `since` ignore it. A first read (no checkpoint)
 * reads everything anyway, so it gets no `since`.
 *
 * A checkpoint that cannot be trusted never turns into a silent full resync (matrix row 13):
 * - corrupt (the stored value does not parse, or the stream says it cannot resume from it): the run fails closed
 *   with an error naming `hub flows reset`, reading nothing;
 * - in the future (a time in it lies ahead of the clock by more than a few minutes: a vendor or hub clock that
 *   jumped): the run reads nothing and finishes with a warning naming `hub flows reset`; the checkpoint stays.
 * A full resync happens only when asked: `hub flows reset <flow> [--from <time>]`.
 */
export interface ReadStart {
  checkpoint: Json | null;
  since?: string;
  /** The checkpoint lies in the future: read nothing this run (the warning says why). */
  readNothing?: boolean;
  /** What the run should show as a warning. */
  warning?: string;
}

/** How far ahead of the clock a checkpoint's time may be before it counts as "in the future" (clock skew). */
export const FUTURE_SKEW_MS = 5 * 60_000;

/** Keys whose numbers are times (epoch seconds or milliseconds). */
const TIME_KEY = /(^ts$|time|date|_at$|[a-z]At$|^at$|since|modified|updated)/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
/** An ISO time that states its zone (Z or an offset). */
const ZONED = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** A number under a time-like key, as epoch ms (epoch seconds are recognised by their size). */
function timeOfNumber(value: number): number | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (value >= 1e12 && value < 1e14) return value;
  if (value >= 1e9 && value < 1e10) return value * 1000;
  return undefined;
}

/** The latest time a checkpoint carries (ISO strings anywhere, numbers under time-like keys), if any. */
export function latestTimeIn(value: Json | null | undefined, key = ''): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    // a time written without a zone ("2026-12-01 10:00:00", as Odoo and SQL-minded APIs write it) is UTC: read in
    // the hub machine's own zone it moved by hours with that zone, and a fresh checkpoint looked ahead of the clock
    const parsed = ISO_TIME.test(value) ? Date.parse(ZONED.test(value) ? value : `${value.replace(' ', 'T')}Z`) : NaN;
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  if (typeof value === 'number') return TIME_KEY.test(key) ? timeOfNumber(value) : undefined;
  if (typeof value !== 'object') return undefined;
  let latest: number | undefined;
  const entries: [string, Json][] = Array.isArray(value) ? value.map((v) => [key, v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const t = latestTimeIn(v, k);
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

function resetHint(ctx: FlowContext): string {
  const name = ctx.flow.name;
  return `run \`hub flows reset ${name}\` to discard it (the next run reads everything again; links keep that write-free), or \`hub flows reset ${name} --from <time>\` to read from a time`;
}

function corrupt(ctx: FlowContext, why: string): RunStopError {
  return new RunStopError({
    kind: 'config',
    field: 'checkpoint',
    message: `the stored checkpoint of flow "${ctx.flow.name}" (stream ${ctx.source.stream.name}) is corrupt: ${why}. Nothing was read (no silent full resync): ${resetHint(ctx)}`,
  });
}

export async function readStart(core: RunnerCore, ctx: FlowContext, runId?: string): Promise<ReadStart> {
  // a replace (ActionDefinition.replace) sends the whole set on every run, so it reads from the beginning: the
  // checkpoint is neither used here nor saved (recorder.ts saveCheckpoint)
  if (ctx.mode === 'mirror' || ctx.replace === true) return { checkpoint: null };
  let stored;
  try {
    stored = await core.repos.checkpoints.getStored(ctx.flow.id, ctx.source.stream.name);
  } catch (error) {
    if (error instanceof SyntaxError) throw corrupt(ctx, `it is not valid JSON (${error.message})`);
    throw error;
  }
  if (stored === undefined) return { checkpoint: null };
  // `hub flows reset --from`: start over, asking the stream for what changed since that time
  const resetFrom = resetFromOf(stored.value);
  if (resetFrom !== undefined) return { checkpoint: null, since: resetFrom };
  const problem = ctx.source.stream.checkpointProblem?.(stored.value);
  if (problem !== undefined) throw corrupt(ctx, `the stream cannot resume from it (${problem})`);

  const latest = latestTimeIn(stored.value);
  const now = core.now();
  if (latest !== undefined && latest > now + FUTURE_SKEW_MS) {
    const warning = `the stored checkpoint of stream ${ctx.source.stream.name} lies in the future (${new Date(latest).toISOString()}, the clock says ${new Date(now).toISOString()}): nothing was read. If a clock was wrong, ${resetHint(ctx)}`;
    core.logger.warn({ flow: ctx.flow.name, stream: ctx.source.stream.name, checkpointTime: latest, now }, warning);
    if (runId !== undefined)
      await core.repos.runs.recordFailures(
        runId,
        [{ recordKey: '(checkpoint)', failureKind: 'warning', reason: warning }],
        now,
      );
    return { checkpoint: stored.value, readNothing: true, warning };
  }

  const lookbackMs = ctx.definition.options?.lookbackMs;
  if (lookbackMs === undefined) return { checkpoint: stored.value };
  return { checkpoint: stored.value, since: new Date(Math.max(0, stored.updatedAt - lookbackMs)).toISOString() };
}

/** The read options a start implies (a look-back `since`; nothing to read for a checkpoint in the future). */
export function readOptionsOf(start: ReadStart): { since?: string; readNothing?: boolean } {
  return {
    ...(start.since === undefined ? {} : { since: start.since }),
    ...(start.readNothing ? { readNothing: true } : {}),
  };
}
