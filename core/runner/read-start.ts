import type { Json } from '../sdk/contracts';
import type { FlowContext } from './context';
import type { RunnerCore } from './core';

/**
 * Where the next read of a flow starts: its stored checkpoint (none in mirror mode, which always reads
 * everything), and with `options.lookbackMs` a look-back `since`: the time the checkpoint was saved minus the
 * window. Streams that support `since` then read again what changed in that window (sources whose cursors are
 * coarse, or whose changes become visible late); the records read again that did not change cost no write (their
 * hash equals the link's) and no link update. Streams without `since` ignore it. A first read (no checkpoint)
 * reads everything anyway, so it gets no `since`.
 */
export interface ReadStart {
  checkpoint: Json | null;
  since?: string;
}

export async function readStart(core: RunnerCore, ctx: FlowContext): Promise<ReadStart> {
  if (ctx.mode === 'mirror') return { checkpoint: null };
  const stored = await core.repos.checkpoints.getStored(ctx.flow.id, ctx.source.stream.name);
  if (stored === undefined) return { checkpoint: null };
  const lookbackMs = ctx.definition.options?.lookbackMs;
  if (lookbackMs === undefined) return { checkpoint: stored.value };
  return { checkpoint: stored.value, since: new Date(Math.max(0, stored.updatedAt - lookbackMs)).toISOString() };
}
