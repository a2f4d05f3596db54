import crypto from 'node:crypto';
import type { MappingDefinition, MappingEngineOptions } from '../mapping';
import { HUB_VERSION } from '../version';
import { isEcho, isStale, STALE_READ } from './conflict';
import { stableStringify } from './hashing';
import type { Decision, PageItem } from './plan';

/**
 * Unchanged pages without mapping them again.
 *
 * A source link remembers what its record mapped to when it was last written or found unchanged
 * (`lastMapped` = `<fingerprint>:<payload hash prefix>`). The fingerprint names everything a payload depends on
 * besides the record: the mapping (id, version, expression text, schemas), the engine options (default country,
 * city synonyms, limits), the hub's version (its stdlib), and the flow options that shape the hashed payload (field
 * ownership, the action when hashes name it). A mapping that reads a clock or draws random numbers gets none: its
 * output may differ for the same record, so it is always evaluated.
 *
 * A record is decided without mapping when it reads exactly as last read (`readHash`), is not an echo, not a
 * duplicate, has no sibling, and its target record still holds the payload it last mapped to (the target link's
 * `lastWrittenHash` agrees with `lastMapped`): the decision is the one `decide` would reach, unchanged (or stale).
 * The other records of the page are mapped; when one of them may compete for a destination (a write, or unchanged),
 * the reused ones are mapped too, so identity collisions are resolved on mapped values exactly as before. So a page
 * is decided as it always was; what a record mapped to is not recomputed when nothing it depends on changed.
 */

/** JSONata functions whose value is not a function of their arguments. */
const NONDETERMINISTIC = /\$(now|millis|random)\b/;

/** Hex characters of the payload hash kept in `lastMapped` (80 bits). */
const HASH_PREFIX = 20;

export interface FingerprintParts {
  mapping: MappingDefinition;
  engineOptions?: MappingEngineOptions;
  writableFields?: readonly string[];
  /** The action's name when written hashes name it (FlowContext.actionInHash). */
  hashedAction?: string;
}

/** The flow's mapping fingerprint (16 hex characters), or undefined when its mapping must always be evaluated. */
export function mappingFingerprint(parts: FingerprintParts): string | undefined {
  const { mapping } = parts;
  if (NONDETERMINISTIC.test(mapping.expression)) return undefined;
  const text = stableStringify({
    hub: HUB_VERSION,
    id: mapping.id,
    version: mapping.version ?? null,
    expression: mapping.expression,
    source: mapping.source ?? null,
    target: mapping.target ?? null,
    engine: parts.engineOptions ?? null,
    writable: parts.writableFields ?? null,
    action: parts.hashedAction ?? null,
  });
  return crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** What a source link keeps for a record whose payload hashed to `hash` under the flow's fingerprint. */
export function mappedToken(fingerprint: string | undefined, hash: string): string | undefined {
  return fingerprint === undefined ? undefined : `${fingerprint}:${hash.slice(0, HASH_PREFIX)}`;
}

/** Whether `item` reads as last read and its target still holds what it last mapped to (see above). */
function readsAsMapped(item: PageItem, fingerprint: string): boolean {
  const source = item.sourceLink;
  const written = item.targetLink?.lastWrittenHash;
  if (source === undefined || written === undefined || source.lastMapped === undefined) return false;
  if (source.duplicateOf !== undefined || (item.siblings !== undefined && item.siblings.length > 0)) return false;
  if (source.lastReadHash !== item.readHash || source.lastMapped !== mappedToken(fingerprint, written)) return false;
  return !isEcho(item.sourceLink, item.record, item.fields);
}

/**
 * The items of a page that read exactly as they were last mapped (see above), or none when two of them share a
 * target or an entity (the page then goes through mapping whole, where identity collisions are resolved).
 */
export function reusableItems(items: readonly PageItem[], fingerprint: string | undefined): PageItem[] {
  if (fingerprint === undefined) return [];
  const reusable: PageItem[] = [];
  const targets = new Set<string>();
  const entities = new Set<string>();
  for (const item of items) {
    if (!readsAsMapped(item, fingerprint)) continue;
    const target = item.targetLink?.externalId ?? '';
    const entity = item.sourceLink?.entityId ?? '';
    if (targets.has(target) || entities.has(entity)) return [];
    targets.add(target);
    entities.add(entity);
    reusable.push(item);
  }
  return reusable;
}

/** The decision for a reusable item, as `decide` would reach it: stale first, else unchanged. */
export function reusedDecision(item: PageItem): Decision {
  return isStale(item.sourceLink, item.modifiedAt) ? { kind: 'stale', reason: STALE_READ } : { kind: 'unchanged' };
}
