import type { RecordLink } from '../store/repos';
import { contentHash, pickPaths, type SourceRecord } from './hashing';

/**
 * Sync-pair rules on links. Every link row describes one record in one connection:
 * - written state (lastWrittenHash + lastWrittenFields): what the flow writing INTO that connection last wrote;
 * - read state (lastReadFields, lastReadHash): the record as the flow reading FROM that connection last read it;
 * - sourceModifiedAt: the newest known modification time of the record's content in that connection.
 */

/**
 * True when `record` reads back in the state the opposite flow last wrote into it: every written field holds
 * what was written, and every other field (the modification time aside) is as this flow last read it. Such a
 * record is the hub's own echo and is not written back.
 */
export function isEcho(link: RecordLink | undefined, record: SourceRecord, fields: Record<string, string>): boolean {
  if (link?.lastWrittenHash === undefined || link.lastWrittenFields === undefined) return false;
  if (contentHash(pickPaths(record, link.lastWrittenFields)) !== link.lastWrittenHash) return false;
  const previous = link.lastReadFields;
  if (previous === undefined) return true;
  const written = new Set(link.lastWrittenFields.map((f) => f.split('.')[0]));
  const keys = new Set([...Object.keys(fields), ...Object.keys(previous)]);
  for (const key of keys) {
    if (written.has(key)) continue;
    if (fields[key] !== previous[key]) return false;
  }
  return true;
}

export const STALE_READ = 'stale read: a newer version of this record was already synced';

/** A read older than the version of the same record already seen (a re-delivered page, a lagging replica). */
export function isStale(sourceLink: RecordLink | undefined, modifiedAt: number | undefined): boolean {
  return (
    modifiedAt !== undefined && sourceLink?.sourceModifiedAt !== undefined && modifiedAt < sourceLink.sourceModifiedAt
  );
}

/** Last writer wins: the target's content is newer than this source record, so the source must not overwrite it. */
export function targetIsNewer(targetLink: RecordLink | undefined, modifiedAt: number | undefined): boolean {
  return (
    modifiedAt !== undefined && targetLink?.sourceModifiedAt !== undefined && modifiedAt < targetLink.sourceModifiedAt
  );
}

/** Field ownership: only the fields this flow owns (and the identity) of a mapped record are written. */
export function restrictToOwned(payload: SourceRecord, writableFields: readonly string[] | undefined): SourceRecord {
  return writableFields === undefined ? payload : pickPaths(payload, writableFields);
}
