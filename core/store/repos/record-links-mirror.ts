import type { Kysely } from 'kysely';
import type { Database } from '../schema';
import { toLink, type LinkedPair } from './record-links-rows';

/**
 * Links of `sourceConnectionId` not read by run `runId` that have a live peer in `peerConnectionId`, by link id
 * (pass the last source link id as `after` to page on). Mirror mode deletes these peers after a complete read.
 */
export async function unseenWithPeer(
  db: Kysely<Database>,
  linkGroup: string,
  sourceConnectionId: string,
  peerConnectionId: string,
  runId: string,
  options: { after?: string; limit?: number } = {},
): Promise<LinkedPair[]> {
  let query = db
    .selectFrom('record_links as s')
    .innerJoin('record_links as p', (join) =>
      join.onRef('p.entity_id', '=', 's.entity_id').onRef('p.link_group', '=', 's.link_group'),
    )
    .selectAll('s')
    .select([
      'p.id as p_id',
      'p.entity as p_entity',
      'p.external_id as p_external_id',
      'p.last_written_hash as p_last_written_hash',
      'p.last_read_hash as p_last_read_hash',
      'p.source_modified_at as p_source_modified_at',
      'p.created_at as p_created_at',
      'p.updated_at as p_updated_at',
      'p.last_written_fields as p_last_written_fields',
      'p.last_read_fields as p_last_read_fields',
      'p.last_seen_run as p_last_seen_run',
    ])
    .where('s.link_group', '=', linkGroup)
    .where('s.connection_id', '=', sourceConnectionId)
    .where('s.deleted_at', 'is', null)
    // a duplicate (its twin holds the target record) that is gone from the source deletes nothing
    .where('s.duplicate_of', 'is', null)
    .where((eb) => eb.or([eb('s.last_seen_run', 'is', null), eb('s.last_seen_run', '!=', runId)]))
    .where('p.connection_id', '=', peerConnectionId)
    .where('p.deleted_at', 'is', null)
    .orderBy('s.id')
    .limit(options.limit ?? 200);
  if (options.after !== undefined) query = query.where('s.id', '>', options.after);
  const rows = await query.execute();
  return rows.map((row) => ({
    source: toLink(row),
    peer: toLink({
      id: row.p_id,
      link_group: row.link_group,
      entity_id: row.entity_id,
      entity: row.p_entity,
      connection_id: peerConnectionId,
      external_id: row.p_external_id,
      last_written_hash: row.p_last_written_hash,
      last_read_hash: row.p_last_read_hash,
      source_modified_at: row.p_source_modified_at,
      deleted_at: null,
      created_at: row.p_created_at,
      updated_at: row.p_updated_at,
      last_written_fields: row.p_last_written_fields,
      last_read_fields: row.p_last_read_fields,
      last_seen_run: row.p_last_seen_run,
      duplicate_of: null,
      last_mapped: null,
    }),
  }));
}
