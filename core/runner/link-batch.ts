import { changesLink, linkKey, mergeUpserts, type LinkUpsert, type RecordLink, type RecordRef } from '../store/repos';
import type { TxRepos } from './core';

/**
 * The link changes of one recorded batch, collected and then written with one multi-row upsert per shape and one
 * delete per connection, instead of a statement per record (two thirds of a run's time before). The result is the
 * same as applying the changes one after the other: a delete drops the saves of that link made before it and is
 * written before the saves made after it; saves of one link merge. Written inside the batch's transaction, so the
 * guarantees do not change (the page's checkpoint is saved with its last records, after their links).
 */
export class LinkBatch {
  readonly #pending = new Map<string, { deleted: boolean; save?: LinkUpsert; ref: RecordRef }>();

  constructor(readonly linkGroup: string) {}

  save(upsert: LinkUpsert): void {
    const key = linkKey(upsert.linkGroup, upsert);
    const entry = this.#pending.get(key);
    if (entry === undefined) this.#pending.set(key, { deleted: false, save: upsert, ref: upsert });
    else entry.save = entry.save === undefined ? upsert : mergeUpserts(entry.save, upsert);
  }

  /**
   * Saves `upsert` unless `stored` (the link as read when the page was planned) already holds all of it. A record
   * read again unchanged then costs no write. Only when this batch has not touched the link itself.
   */
  saveIfChanged(upsert: LinkUpsert, stored: RecordLink | undefined): void {
    // compared first: most records read again unchanged change nothing (and need no key built)
    if (stored !== undefined && !changesLink(upsert, stored) && !this.#pending.has(linkKey(upsert.linkGroup, upsert)))
      return;
    this.save(upsert);
  }

  delete(ref: RecordRef): void {
    this.#pending.set(linkKey(this.linkGroup, ref), {
      deleted: true,
      ref: { connectionId: ref.connectionId, externalId: ref.externalId },
    });
  }

  /**
   * What this batch has decided about a link's entity so far: its entity id when a pending save sets one, null
   * when it deletes the link (and saves nothing after), undefined when the store has to be asked.
   */
  pendingEntityId(ref: RecordRef): string | null | undefined {
    const entry = this.#pending.get(linkKey(this.linkGroup, ref));
    if (entry === undefined) return undefined;
    if (entry.save?.entityId !== undefined) return entry.save.entityId;
    return entry.deleted ? null : undefined;
  }

  get size(): number {
    return this.#pending.size;
  }

  async flush(tx: TxRepos, now: number): Promise<void> {
    const deletes: RecordRef[] = [];
    const saves: LinkUpsert[] = [];
    for (const entry of this.#pending.values()) {
      if (entry.deleted) deletes.push(entry.ref);
      if (entry.save !== undefined) saves.push(entry.save);
    }
    this.#pending.clear();
    if (deletes.length > 0) await tx.links.deleteMany(this.linkGroup, deletes);
    // one save per link already (merged above): no second merge in the repository
    if (saves.length > 0) await tx.links.saveMany(saves, now, { distinct: true });
  }
}
