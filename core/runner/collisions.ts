import type { NewRunFailure, RecordLink } from '../store/repos';
import type { FlowContext } from './context';
import type { TxRepos } from './core';
import { getPath } from './hashing';
import type { LinkBatch } from './link-batch';
import type { PageItem, PlannedItem } from './plan';

/**
 * Identity collisions: two source records of one link group that resolve to the same destination record (the same
 * address in NFC and NFD, with a `mailto:` prefix, two CRM contacts with one e-mail…) would overwrite each other on
 * every run. They are noticed here, before anything is written:
 * - within a page, by the destination identity their mapped payloads carry (the action's identity fields) or the
 *   target record their links point at;
 * - across pages and runs, by their links: a duplicate is linked to the winner's entity, so the next time either is
 *   read, the other (read or not) is its sibling.
 * The rule: the most recently modified record wins (on a tie, the smallest record key); the others become
 * `duplicate` decisions: never written, linked as duplicates of the winner, reported in the run. A rerun over the
 * same records then makes no write at all.
 */

/** The destination identity of a mapped payload: the action's identity values (NFC, trimmed), or undefined. */
export function destinationOf(ctx: FlowContext, payload: unknown): string | undefined {
  const fields = ctx.target.action.identity ?? (ctx.targetIdentityField === undefined ? [] : [ctx.targetIdentityField]);
  if (fields.length === 0 || typeof payload !== 'object' || payload === null) return undefined;
  const values: string[] = [];
  for (const field of fields) {
    const value = getPath(payload as Record<string, unknown>, field);
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const text = String(value).normalize('NFC').trim();
    if (text === '') return undefined;
    values.push(text);
  }
  return JSON.stringify(values);
}

/** A source record that once won a collision and is not on this page (its link, read earlier). */
interface Member {
  key: string;
  modifiedAt: number;
  planned?: PlannedItem;
  link?: RecordLink;
}

/** A record not on the page that lost to a newer one: its link is marked a duplicate of the winner. */
export interface Demoted {
  link: RecordLink;
  of: string;
}

const CANDIDATE: ReadonlySet<string> = new Set(['write', 'unchanged', 'conflict']);

/** Whether a record so decided competes for its destination in identity collisions. */
export function competes(decision: { kind: string }): boolean {
  return CANDIDATE.has(decision.kind);
}

class UnionFind {
  readonly #parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.#parent.has(root) && this.#parent.get(root) !== root) root = this.#parent.get(root)!;
    this.#parent.set(x, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.#parent.set(ra, rb);
  }
}

function wins(a: Member, b: Member): boolean {
  if (a.modifiedAt !== b.modifiedAt) return a.modifiedAt > b.modifiedAt;
  return a.key < b.key;
}

/**
 * Whether any two candidates of the page may compete (share a destination identity, a target record or an entity)
 * or any has siblings: else every group of `resolveCollisions` has one member and there is nothing to decide (the
 * common page, checked with three sets instead of the union-find's keys).
 */
function mayCollide(planned: readonly PlannedItem[], destinations: readonly (string | undefined)[]): boolean {
  const seen = new Set<string>();
  const entities = new Set<string>();
  const targets = new Set<string>();
  for (let i = 0; i < planned.length; i++) {
    const { item, decision } = planned[i];
    if (!CANDIDATE.has(decision.kind)) continue;
    if (item.siblings !== undefined && item.siblings.length > 0) return true;
    const destination = destinations[i];
    if (destination !== undefined) {
      if (seen.has(destination)) return true;
      seen.add(destination);
    }
    const target = item.targetLink?.externalId;
    if (target !== undefined) {
      if (targets.has(target)) return true;
      targets.add(target);
    }
    const entity = item.sourceLink?.entityId;
    if (entity !== undefined) {
      if (entities.has(entity)) return true;
      entities.add(entity);
    }
  }
  return false;
}

/**
 * Turns the losers of every collision on the page into `duplicate` decisions (in place) and returns the records
 * off the page that lost (to be marked). `destinations[i]` is the destination identity of `planned[i]`.
 */
export function resolveCollisions(
  ctx: FlowContext,
  planned: PlannedItem[],
  destinations: readonly (string | undefined)[],
): Demoted[] {
  if (!mayCollide(planned, destinations)) return [];
  const onPage = new Set(planned.map((p) => p.item.key));
  const members = new Map<string, Member>();
  const uf = new UnionFind();
  const node = (key: string) => `r:${key}`;
  planned.forEach((p, i) => {
    if (!CANDIDATE.has(p.decision.kind)) return;
    const { item } = p;
    members.set(item.key, { key: item.key, modifiedAt: item.modifiedAt ?? -Infinity, planned: p });
    const keys = [node(item.key)];
    if (destinations[i] !== undefined) keys.push(`d:${destinations[i]}`);
    if (item.targetLink !== undefined) keys.push(`t:${item.targetLink.externalId}`);
    if (item.sourceLink !== undefined) keys.push(`e:${item.sourceLink.entityId}`);
    for (const sibling of item.siblings ?? []) {
      // a sibling read on this page competes as itself; one off the page competes with what it was last read as,
      // unless it already lost (its content never reached the target)
      if (onPage.has(sibling.externalId) || sibling.duplicateOf !== undefined) continue;
      if (!members.has(sibling.externalId))
        members.set(sibling.externalId, {
          key: sibling.externalId,
          modifiedAt: sibling.sourceModifiedAt ?? -Infinity,
          link: sibling,
        });
      keys.push(node(sibling.externalId));
    }
    for (const key of keys.slice(1)) uf.union(keys[0], key);
  });

  const groups = new Map<string, Member[]>();
  for (const member of members.values()) {
    const root = uf.find(node(member.key));
    const group = groups.get(root) ?? [];
    group.push(member);
    groups.set(root, group);
  }

  const demoted: Demoted[] = [];
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const winner = group.reduce((best, m) => (wins(m, best) ? m : best));
    const winnerEntity = winner.planned?.item.sourceLink?.entityId ?? winner.link?.entityId;
    for (const loser of group) {
      if (loser === winner) continue;
      if (loser.link !== undefined) {
        demoted.push({ link: loser.link, of: winner.key });
        continue;
      }
      const planned = loser.planned!;
      planned.decision = {
        kind: 'duplicate',
        of: winner.key,
        ...(winnerEntity === undefined ? {} : { entityId: winnerEntity }),
        reason: duplicateReason(ctx, winner.key),
      };
    }
  }
  return demoted;
}

/** A written record and the target record the vendor answered with. */
export interface FreshWrite {
  item: PageItem;
  targetId: string;
}

/**
 * A record written for the first time (no link before) to a target record already linked to other source records
 * of the group: a collision across pages or runs, found after the write (the vendor matched it by identity). The
 * rule decides as before: when the written record is the most recently modified, the others become its
 * duplicates; otherwise it becomes theirs (a later run writes the winner back, once). `stored`: the links the
 * target records of `fresh` had before this batch, by target id. Returns the run's reports.
 */
export async function collisionsAfterWrite(
  tx: TxRepos,
  ctx: FlowContext,
  fresh: readonly FreshWrite[],
  stored: ReadonlyMap<string, RecordLink>,
  links: LinkBatch,
): Promise<NewRunFailure[]> {
  if (fresh.length === 0 || stored.size === 0) return [];
  const freshKeys = new Set(fresh.map((f) => f.item.key));
  const bySource = new Map<string, RecordLink[]>();
  const linked = await tx.links.findByEntities(
    ctx.linkGroup,
    [...stored.values()].map((l) => l.entityId),
    [ctx.source.connectionId],
  );
  for (const link of linked) {
    // only records read from the source connection are twins: not one the pair's other flow only wrote there
    if (link.duplicateOf !== undefined || link.lastReadHash === undefined || freshKeys.has(link.externalId)) continue;
    bySource.set(link.entityId, [...(bySource.get(link.entityId) ?? []), link]);
  }
  const reports: NewRunFailure[] = [];
  const mark = (connectionId: string, externalId: string, entity: string, of: string) => {
    links.save({ linkGroup: ctx.linkGroup, entity, connectionId, externalId, duplicateOf: of });
    reports.push({ recordKey: externalId, failureKind: 'duplicate', reason: duplicateReason(ctx, of) });
  };
  for (const { item, targetId } of fresh) {
    const entityId = stored.get(targetId)?.entityId;
    const others = entityId === undefined ? [] : (bySource.get(entityId) ?? []);
    if (others.length === 0) continue;
    const members: Member[] = [
      { key: item.key, modifiedAt: item.modifiedAt ?? -Infinity },
      ...others.map((l) => ({ key: l.externalId, modifiedAt: l.sourceModifiedAt ?? -Infinity, link: l })),
    ];
    const winner = members.reduce((best, m) => (wins(m, best) ? m : best));
    if (winner.link === undefined) {
      for (const other of others) mark(other.connectionId, other.externalId, other.entity, item.key);
    } else {
      mark(ctx.source.connectionId, item.key, ctx.entity, winner.key);
    }
  }
  return reports;
}

export function duplicateReason(ctx: FlowContext, winner: string): string {
  return `duplicate of source record ${winner}: both resolve to the same ${ctx.target.connectionName} record; the most recently modified one (${winner}) is written, this one is not`;
}
