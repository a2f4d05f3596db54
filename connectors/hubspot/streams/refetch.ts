import type { Refetched, RefetchArgs } from '../../../core/sdk';
import { clientFor, HubSpotClient, type HubSpotObject } from '../client';
import type { HubSpotSettings } from '../schemas/settings';
import { toRecord } from './incremental';
import type { CrmObjectType } from './objects';

/**
 * Reads CRM objects again by id for a replay: `POST <object path>/batch/read` (up to 100 ids per call) with the
 * same properties the stream reads. An id HubSpot no longer has (absent from `results`, listed in a 207's
 * `errors`) is reported missing; a stored copy without an id cannot be found again (the stored copy is used).
 */

export const BATCH_READ_LIMIT = 100;

interface BatchReadResponse {
  results?: HubSpotObject[];
}

type Enrich<R> = (objects: HubSpotObject[], client: HubSpotClient) => Promise<R[]>;

function idOf(source: Record<string, unknown>): string | undefined {
  const id = source.id;
  if (typeof id === 'string' && id !== '') return id;
  return typeof id === 'number' && Number.isFinite(id) ? String(id) : undefined;
}

export async function refetchObjects<R extends { id: string }>(
  type: CrmObjectType,
  { connection, records }: RefetchArgs<HubSpotSettings>,
  enrich: Enrich<R>,
): Promise<Refetched<R>[]> {
  const client = clientFor(connection);
  const ids = records.map((r) => idOf(r.source));
  const wanted = [...new Set(ids.filter((id): id is string => id !== undefined))];
  const found = new Map<string, R>();
  for (let i = 0; i < wanted.length; i += BATCH_READ_LIMIT) {
    const chunk = wanted.slice(i, i + BATCH_READ_LIMIT);
    const { body } = await client.post<BatchReadResponse>(`${type.path}/batch/read`, `read ${type.stream} by id`, {
      inputs: chunk.map((id) => ({ id })),
      properties: type.properties(connection.settings),
      propertiesWithHistory: [],
    });
    const objects = (body?.results ?? []).map(toRecord);
    for (const record of await enrich(objects, client)) found.set(record.id, record);
  }
  return ids.map((id): Refetched<R> => {
    if (id === undefined) return { status: 'unsupported' };
    const record = found.get(id);
    return record === undefined
      ? { status: 'missing', reason: `HubSpot has no ${type.stream} record ${id} any more (deleted or archived)` }
      : { status: 'found', record };
  });
}
