import type { LinkUpsert } from '../store/repos';
import { isEcho } from './conflict';
import { flowDefinitionOf, loadSource, type FlowContext } from './context';
import { inTransaction, type RunnerCore } from './core';
import { fieldHashes, modifiedAtOf, sourceKeyOf } from './hashing';
import { readPages } from './reader';

/**
 * Last writer wins needs to know what changed on the OTHER side before writing over it. Before a flow of a
 * last-writer-wins sync pair writes, it reads what its sibling flow would read next (the sibling's stream on this
 * flow's target connection, from the sibling's checkpoint) and records, per linked record, the newest
 * modification time found there. It writes nothing to any vendor, leaves the sibling's checkpoint and read state
 * alone, and ignores the hub's own echoes (they are not changes).
 */
export async function refreshOppositeSide(core: RunnerCore, ctx: FlowContext, signal?: AbortSignal): Promise<void> {
  if (ctx.conflict?.policy !== 'last-writer-wins') return;
  const siblings = (await core.repos.flows.list({ linkGroup: ctx.linkGroup })).filter((f) => f.id !== ctx.flow.id);
  for (const sibling of siblings) {
    const definition = flowDefinitionOf(sibling);
    const side = await loadSource(core, sibling, definition, signal);
    if (side.connectionId !== ctx.target.connectionId) continue;
    const modifiedField = side.stream.modifiedField;
    if (modifiedField === undefined) {
      core.logger.warn(
        { flow: ctx.flow.name, sibling: sibling.name },
        'last writer wins: the opposite stream has no modification time; the source side wins every conflict',
      );
      return;
    }
    const identity = definition.identity?.source ?? side.stream.identity;
    const checkpoint =
      definition.mode === 'mirror' ? null : ((await core.repos.checkpoints.get(sibling.id, side.stream.name)) ?? null);
    await readPages(core, side, {
      ...(signal ? { signal } : {}),
      maxAttempts: ctx.maxAttempts,
      checkpoint: () => checkpoint,
      onPage: async (page) => {
        const keyed = page.records.flatMap((record) => {
          try {
            return [{ record, key: sourceKeyOf(record, identity, definition.identity?.normalize) }];
          } catch {
            return [];
          }
        });
        const links = await core.repos.recordLinks.findMany(
          ctx.linkGroup,
          side.connectionId,
          keyed.map((k) => k.key),
        );
        const updates: LinkUpsert[] = [];
        for (const { record, key } of keyed) {
          const link = links.get(key);
          const modifiedAt = modifiedAtOf(record, modifiedField);
          if (link === undefined || modifiedAt === undefined) continue;
          if (modifiedAt <= (link.sourceModifiedAt ?? -Infinity)) continue;
          if (isEcho(link, record, fieldHashes(record, modifiedField))) continue;
          updates.push({
            linkGroup: ctx.linkGroup,
            entity: link.entity,
            connectionId: side.connectionId,
            externalId: key,
            sourceModifiedAt: modifiedAt,
          });
        }
        if (updates.length > 0) {
          const now = core.now();
          await inTransaction(core, (tx) => tx.links.saveMany(updates, now));
        }
        return 'continue';
      },
    });
    return;
  }
}
