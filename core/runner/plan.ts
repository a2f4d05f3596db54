import type { MapResult } from '../mapping';
import { isSkipMarker } from '../mapping/stdlib/skip';
import { isHubError } from '../sdk/errors';
import type { RecordLink } from '../store/repos';
import { isEcho, isStale, restrictToOwned, STALE_READ, targetIsNewer } from './conflict';
import type { FlowContext } from './context';
import type { RunnerCore } from './core';
import { contentHash, getPath, modifiedAtOf, recordDigest, setPath, sourceKeyOf, type SourceRecord } from './hashing';
import { competes, destinationOf, resolveCollisions, type Demoted } from './collisions';
import { mappedToken, reusableItems, reusedDecision } from './mapped-state';
import { suppressionCandidates } from './suppression';

/**
 * The compare step of a page: for every record read, its key, its links, its mapped payload and what to do.
 * Pure decisions over what the store knows; nothing is written here (dry runs stop after this step).
 */

export interface PageItem {
  key: string;
  record: SourceRecord;
  modifiedAt?: number;
  readHash: string;
  fields: Record<string, string>;
  sourceLink?: RecordLink;
  /** The linked record in the target connection. */
  targetLink?: RecordLink;
  /** Other source records linked to the same entity (identity collisions: core/runner/collisions.ts). */
  siblings?: RecordLink[];
  /** Replays: the dead letters this item resolves. */
  letterIds?: string[];
  /** Written or unchanged: what its source link keeps as `lastMapped` (core/runner/mapped-state.ts). */
  mapped?: string;
}

export type Decision =
  | {
      kind: 'write';
      op: 'create' | 'update';
      /** What is sent: the mapped (owned) payload, with the target identity filled from the link. */
      payload: SourceRecord;
      /** Hash and fields of the payload before the link's identity was filled in (what the link remembers). */
      hash: string;
      writtenFields: string[];
    }
  | { kind: 'unchanged' }
  /** The hub's own write read back; `hash` (when mapping worked) is what the target now holds in effect. */
  | { kind: 'echo'; hash?: string; writtenFields?: string[] }
  | { kind: 'stale'; reason: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'suppressed'; reason: string }
  /** Resolves to the same destination record as source record `of`, which wins (the most recently modified). */
  | { kind: 'duplicate'; of: string; entityId?: string; reason: string }
  /** The mapping returned nothing: this record is not for this target (e.g. no marketing consent). */
  | { kind: 'filtered'; reason: string }
  | { kind: 'invalid'; failureKind: string; reason: string; field?: string; payload?: unknown };

export interface PlannedItem {
  item: PageItem;
  decision: Decision;
}

/** A record whose identity could not be read: it cannot be linked, only dead-lettered. */
export interface Unidentified {
  record: SourceRecord;
  reason: string;
  field?: string;
  /** 'identity' unless set: 'source' for a row the stream could not read (Page.rejected). */
  failureKind?: string;
}

export interface PagePlan {
  planned: PlannedItem[];
  unidentified: Unidentified[];
  /** Earlier copies of a key that appears again later in the same page (only the last one is processed). */
  superseded: number;
  /** Source records off the page that lost an identity collision to a record of the page (marked duplicates). */
  demoted?: Demoted[];
}

function isPlainObject(value: unknown): value is SourceRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Field hashes (what changed between two reads) serve only echo detection, i.e. flows whose source another flow
 * of the same link group may write into: sync pairs, and flows sharing a link group.
 */
export function needsFieldHashes(ctx: FlowContext): boolean {
  return ctx.definition.sync !== undefined || ctx.flow.linkGroup !== undefined;
}

/** Builds the items of a page: keys, hashes and links (two queries per page). */
export async function loadItems(
  core: RunnerCore,
  ctx: FlowContext,
  records: readonly SourceRecord[],
): Promise<{ items: PageItem[]; unidentified: Unidentified[]; superseded: number }> {
  const byKey = new Map<string, PageItem>();
  const unidentified: Unidentified[] = [];
  let superseded = 0;
  const withFields = needsFieldHashes(ctx);
  for (const record of records) {
    let key: string;
    try {
      key = sourceKeyOf(record, ctx.identity, ctx.identityNormalize);
    } catch (error) {
      const field = isHubError(error) ? error.field : undefined;
      unidentified.push({
        record,
        reason: error instanceof Error ? error.message : String(error),
        ...(field ? { field } : {}),
      });
      continue;
    }
    if (byKey.has(key)) {
      superseded += 1;
      byKey.delete(key); // the later copy wins and keeps the order of the page
    }
    const item: PageItem = { key, record, ...recordDigest(record, ctx.modifiedField, withFields) };
    const modifiedAt = modifiedAtOf(record, ctx.modifiedField);
    if (modifiedAt !== undefined) item.modifiedAt = modifiedAt;
    byKey.set(key, item);
  }
  const items = [...byKey.values()];
  await attachLinks(core, ctx, items);
  return { items, unidentified, superseded };
}

export async function attachLinks(core: RunnerCore, ctx: FlowContext, items: PageItem[]): Promise<void> {
  const links = core.repos.recordLinks;
  const keys = items.map((i) => i.key);
  const connections = [ctx.target.connectionId, ctx.source.connectionId];
  // one look-up for all: the page's source links, each entity's record in the target connection, and its other
  // records in the source connection (the page's own source links left out: a record is never its own sibling,
  // and a sibling on the page competes as itself in resolveCollisions; unless the flow writes where it reads,
  // where a source link may be a peer too)
  let sourceLinks: Map<string, RecordLink>;
  let linked: RecordLink[];
  if (ctx.target.connectionId !== ctx.source.connectionId) {
    ({ sources: sourceLinks, linked } = await links.findWithPeers(
      ctx.linkGroup,
      ctx.source.connectionId,
      keys,
      connections,
    ));
  } else {
    sourceLinks = await links.findMany(ctx.linkGroup, ctx.source.connectionId, keys);
    const entityIds = [...sourceLinks.values()].map((link) => link.entityId);
    linked = entityIds.length === 0 ? [] : await links.findByEntities(ctx.linkGroup, entityIds, connections);
  }
  const peers = new Map<string, RecordLink>();
  const bySource = new Map<string, RecordLink[]>();
  for (const link of linked) {
    // the entity's record in the target connection: one a flow wrote (it has a hash) over one only read, such as a
    // SendGrid suppression linked to the same person as the SendGrid contact the other flow of the pair writes
    if (link.connectionId === ctx.target.connectionId && link.duplicateOf === undefined) {
      const peer = peers.get(link.entityId);
      if (peer === undefined || (peer.lastWrittenHash === undefined && link.lastWrittenHash !== undefined))
        peers.set(link.entityId, link);
    }
    // a twin is another record read from the source connection; a record the pair's other flow only wrote there
    // (a SendGrid contact, while this flow reads SendGrid suppressions) is not one
    if (link.connectionId === ctx.source.connectionId && link.lastReadHash !== undefined) {
      const list = bySource.get(link.entityId) ?? [];
      list.push(link);
      bySource.set(link.entityId, list);
    }
  }
  for (const item of items) {
    const sourceLink = sourceLinks.get(item.key);
    if (sourceLink === undefined) continue;
    item.sourceLink = sourceLink;
    const targetLink = peers.get(sourceLink.entityId);
    if (targetLink !== undefined) item.targetLink = targetLink;
    const twins = bySource.get(sourceLink.entityId);
    if (twins === undefined) continue;
    const siblings = twins.filter((l) => l.externalId !== item.key && l.id !== targetLink?.id);
    if (siblings.length > 0) item.siblings = siblings;
  }
}

/** Decides what to do with one item, given its mapping result and whether it carries a suppressed identifier. */
export function decide(ctx: FlowContext, item: PageItem, mapped: MapResult, suppressed: boolean): Decision {
  // a replace sends the whole set on every run: what was written before decides nothing (stale, echo, unchanged)
  const replace = ctx.replace === true;
  if (!replace && isStale(item.sourceLink, item.modifiedAt)) {
    return { kind: 'stale', reason: STALE_READ };
  }
  const payload =
    mapped.ok && isPlainObject(mapped.value) ? restrictToOwned(mapped.value, ctx.writableFields) : undefined;
  // flows sharing a link group outside a sync pair (an audience's additions and removals) write the same target
  // record through different actions: the hash names the action, so a removal and an addition of the same
  // identifiers never look unchanged to each other
  const hash =
    payload === undefined
      ? undefined
      : ctx.actionInHash === true
        ? contentHash({ [ctx.target.action.name]: payload })
        : contentHash(payload);
  if (!replace && isEcho(item.sourceLink, item.record, item.fields)) {
    return hash === undefined || payload === undefined
      ? { kind: 'echo' }
      : { kind: 'echo', hash, writtenFields: Object.keys(payload) };
  }
  if (!mapped.ok) {
    const invalid: Decision = { kind: 'invalid', failureKind: 'mapping', reason: mapped.error.message };
    if (mapped.error.field !== undefined) invalid.field = mapped.error.field;
    return invalid;
  }
  if (isSkipMarker(mapped.value)) return { kind: 'filtered', reason: mapped.value.$skip };
  if (payload === undefined || hash === undefined) {
    return {
      kind: 'invalid',
      failureKind: 'mapping',
      reason: `the mapping produced ${Array.isArray(mapped.value) ? 'an array' : typeof mapped.value}, not an object`,
      payload: mapped.value,
    };
  }
  if (!replace && item.targetLink?.lastWrittenHash === hash) return { kind: 'unchanged' };
  // a removal flow (options.onlyWritten) names only records a flow of its link group wrote there: a contact the hub
  // never added is never sent, not even hashed in a removal
  if (!replace && ctx.onlyWritten === true && item.targetLink?.lastWrittenHash === undefined)
    return { kind: 'filtered', reason: 'not written to the target by this link group before: nothing to remove' };
  if (suppressed) return { kind: 'suppressed', reason: 'the record carries an erased (suppressed) identifier' };
  if (ctx.conflict?.policy === 'last-writer-wins' && targetIsNewer(item.targetLink, item.modifiedAt)) {
    return { kind: 'conflict', reason: 'last writer wins: the target record changed more recently' };
  }
  // the payload is the mapping's own output for this record, sent as is; only filling the target identity in
  // copies it first (the mapped value still serves the collision check after this decision)
  const send = withIdentity(ctx, item, payload);
  if (ctx.checkRecord !== undefined) {
    // the whole mapped record (with its identity) meets the action's contract; owned fields alone may omit required
    // ones by design (field ownership writes a part of the record)
    const whole =
      ctx.writableFields === undefined || !isPlainObject(mapped.value) ? send : withIdentity(ctx, item, mapped.value);
    const unfit = ctx.checkRecord(whole);
    if (unfit !== undefined)
      return { kind: 'invalid', failureKind: 'mapping', reason: unfit.reason, field: unfit.field, payload: send };
  }
  return {
    kind: 'write',
    op: item.targetLink === undefined ? 'create' : 'update',
    payload: send,
    hash,
    writtenFields: Object.keys(payload),
  };
}

/** The mapped record with the target identity filled from the link, as `decide` sends it. */
function withIdentity(ctx: FlowContext, item: PageItem, value: SourceRecord): SourceRecord {
  const field = ctx.targetIdentityField;
  if (field === undefined || item.targetLink === undefined || getPath(value, field) !== undefined) return value;
  const whole = structuredClone(value);
  setPath(whole, field, item.targetLink.externalId);
  return whole;
}

/** The compare step for a page: load items and links, map, check suppressions, decide, resolve collisions. */
export async function planPage(
  core: RunnerCore,
  ctx: FlowContext,
  records: readonly SourceRecord[],
): Promise<PagePlan> {
  const { items, unidentified, superseded } = await loadItems(core, ctx, records);
  const { planned, demoted } = await planWithCollisions(core, ctx, items);
  return { planned, unidentified, superseded, ...(demoted.length === 0 ? {} : { demoted }) };
}

/** Plans items whose links are attached (replays): the decisions, identity collisions resolved. */
export async function planItems(core: RunnerCore, ctx: FlowContext, items: PageItem[]): Promise<PlannedItem[]> {
  return (await planWithCollisions(core, ctx, items)).planned;
}

async function planWithCollisions(
  core: RunnerCore,
  ctx: FlowContext,
  items: PageItem[],
): Promise<{ planned: PlannedItem[]; demoted: Demoted[] }> {
  // records read exactly as they were last mapped keep that decision unmapped, unless another record of the page
  // may compete with them for a destination (core/runner/mapped-state.ts)
  const reused = new Set(reusableItems(items, ctx.mappedFingerprint));
  let planned: PlannedItem[];
  let destinations: (string | undefined)[];
  if (reused.size === 0) ({ planned, destinations } = await mapAndDecide(core, ctx, items));
  else {
    const rest = await mapAndDecide(
      core,
      ctx,
      items.filter((item) => !reused.has(item)),
    );
    const mapReused = rest.planned.some((p) => competes(p.decision));
    const again = mapReused ? await mapAndDecide(core, ctx, [...reused]) : undefined;
    const byItem = new Map<PageItem, { planned: PlannedItem; destination: string | undefined }>();
    for (const part of again === undefined ? [rest] : [rest, again])
      part.planned.forEach((p, i) => byItem.set(p.item, { planned: p, destination: part.destinations[i] }));
    planned = [];
    destinations = [];
    for (const item of items) {
      const known = byItem.get(item);
      planned.push(known?.planned ?? { item, decision: reusedDecision(item) });
      destinations.push(known?.destination);
    }
  }
  // a replace sends every record as it reads now: twins linked by earlier runs are not held back as duplicates (one
  // whose winner changed its identifiers would leave the set); the same person sent twice is one member of it
  const demoted = ctx.replace === true ? [] : resolveCollisions(ctx, planned, destinations);
  for (const { item, decision } of planned) {
    const hash =
      decision.kind === 'write'
        ? decision.hash
        : decision.kind === 'unchanged'
          ? item.targetLink?.lastWrittenHash
          : undefined;
    const token = hash === undefined ? undefined : mappedToken(ctx.mappedFingerprint, hash);
    if (token === undefined) delete item.mapped;
    else item.mapped = token;
  }
  return { planned, demoted };
}

/** Maps `items` and decides each: the decisions and each mapped record's destination identity. */
async function mapAndDecide(
  core: RunnerCore,
  ctx: FlowContext,
  items: readonly PageItem[],
): Promise<{ planned: PlannedItem[]; destinations: (string | undefined)[] }> {
  if (items.length === 0) return { planned: [], destinations: [] };
  const mapped = await ctx.mapping.evaluatePage(items.map((i) => i.record));
  // erasure wins: with no suppression at all (the common case) nothing needs hashing; the check is per page, so an
  // erasure recorded while a run goes on applies from its next page
  const candidates = (await core.repos.suppressions.any())
    ? items.map((item, i) =>
        suppressionCandidates(item.record, mapped[i].ok ? mapped[i].value : undefined, [
          item.key,
          ctx.targetIdentityField && mapped[i].ok
            ? stringOrUndefined(getPath(mapped[i].value, ctx.targetIdentityField))
            : undefined,
        ]),
      )
    : undefined;
  const suppressed = candidates ? await core.repos.suppressions.suppressed(candidates.flat()) : new Set<string>();
  const planned = items.map((item, i) => ({
    item,
    decision: decide(ctx, item, mapped[i], candidates?.[i]?.some((h) => suppressed.has(h)) ?? false),
  }));
  const destinations = mapped.map((m) => (m.ok && isPlainObject(m.value) ? destinationOf(ctx, m.value) : undefined));
  return { planned, destinations };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
