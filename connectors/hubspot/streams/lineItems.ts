import type { HubSpotClient, HubSpotObject } from '../client';
import type { LineItemRecord } from '../schemas/records';
import { LINE_ITEM_PROPERTIES, LINE_ITEMS_PATH } from './objects';

/**
 * A deal's line items. Neither the search endpoint nor batch read returns associations, so one path serves both
 * read modes: the associations v4 batch read (deal → line item ids), then a batch read of those line items.
 */

/** Inputs per batch call (HubSpot's batch limit). */
export const BATCH_LIMIT = 100;

export const ASSOCIATIONS_PATH = '/crm/v4/associations/deals/line_items/batch/read';

interface AssociationsResponse {
  results?: { from: { id: string }; to?: { toObjectId: number | string }[] }[];
}

interface BatchReadResponse {
  results?: HubSpotObject[];
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Line item ids of each deal; deals with none are absent (HubSpot lists them under errors of a 207). */
export async function lineItemIds(client: HubSpotClient, dealIds: string[]): Promise<Map<string, string[]>> {
  const byDeal = new Map<string, string[]>();
  for (const part of chunks(dealIds, BATCH_LIMIT)) {
    const { body } = await client.post<AssociationsResponse>(ASSOCIATIONS_PATH, 'read deal line item associations', {
      inputs: part.map((id) => ({ id })),
    });
    for (const result of body.results ?? []) {
      const ids = (result.to ?? []).map((to) => String(to.toObjectId));
      byDeal.set(String(result.from.id), ids);
    }
  }
  return byDeal;
}

/** The line items of each deal, with their properties; every deal of `dealIds` has an entry. */
export async function lineItemsByDeal(
  client: HubSpotClient,
  dealIds: string[],
): Promise<Map<string, LineItemRecord[]>> {
  const out = new Map<string, LineItemRecord[]>(dealIds.map((id) => [id, []]));
  if (dealIds.length === 0) return out;
  const idsByDeal = await lineItemIds(client, dealIds);
  const wanted = [...new Set([...idsByDeal.values()].flat())];
  const items = new Map<string, LineItemRecord>();
  for (const part of chunks(wanted, BATCH_LIMIT)) {
    const { body } = await client.post<BatchReadResponse>(`${LINE_ITEMS_PATH}/batch/read`, 'read line items', {
      inputs: part.map((id) => ({ id })),
      properties: LINE_ITEM_PROPERTIES,
      propertiesWithHistory: [],
    });
    for (const item of body.results ?? []) {
      const properties: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(item.properties ?? {}))
        properties[key] = value === null ? null : String(value);
      items.set(String(item.id), { id: String(item.id), properties });
    }
  }
  for (const [dealId, ids] of idsByDeal) {
    const list = out.get(dealId);
    if (list === undefined) continue;
    for (const id of ids) {
      const item = items.get(id);
      if (item !== undefined) list.push(item);
    }
  }
  return out;
}
