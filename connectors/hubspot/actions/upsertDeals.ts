import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type HubSpotClient } from '../client';
import { UpsertDealInput } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { BATCH_LIMIT, chunks, lineItemIds } from '../streams/lineItems';
import { DEFAULT_DEAL_ID_PROPERTY, LINE_ITEMS_PATH, dealsType } from '../streams/objects';
import {
  batchRejection,
  errorsByKey,
  permanent,
  toHubSpotProperties,
  type BatchResponse,
  type UpsertResult,
} from './batch';

/**
 * Action `upsertDeals`: batch upsert of deals by the unique `dealIdProperty`, then their line items. A record's
 * `lineItems`, when given, replace the deal's current ones: existing associated line items are archived and the new
 * ones created already associated to the deal (line item → deal, HUBSPOT_DEFINED type 20), so running the same
 * batch twice leaves the same line items, not twice as many. Archiving first means a failure in between leaves the
 * deal without line items until the retry, never with duplicates.
 */

export const UPSERT_DEALS_PATH = `${dealsType.path}/batch/upsert`;
export const LINE_ITEM_TO_DEAL = 20;

interface Upserted {
  index: number;
  dealId: string;
  isNew: boolean;
}

export const upsertDeals = defineAction<HubSpotSettings, UpsertDealInput>({
  name: 'upsertDeals',
  title: 'Upsert deals',
  description: 'Creates or updates deals matched by the dealIdProperty, with their line items',
  recordSchema: UpsertDealInput,
  mode: 'upsert',
  maxBatchSize: 100,
  identity: ['externalId'],
  async write({ connection, records }) {
    const idProperty = connection.settings.dealIdProperty ?? DEFAULT_DEAL_ID_PROPERTY;
    const client = clientFor(connection);
    const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
    // the same external id twice in one batch: HubSpot refuses duplicate ids, so the last record wins for both
    const lastIndex = new Map<string, number>();
    records.forEach((r, i) => lastIndex.set(r.externalId, i));
    const unique = [...lastIndex.entries()];
    const inputs = unique.map(([externalId, i]) => ({
      id: externalId,
      idProperty,
      properties: toHubSpotProperties({ ...records[i]!.properties, [idProperty]: externalId }),
    }));
    let response: BatchResponse;
    try {
      ({ body: response } = await client.post<BatchResponse>(UPSERT_DEALS_PATH, 'upsert deals', { inputs }));
    } catch (error) {
      const reason = batchRejection(error);
      return records.map(() => permanent(reason));
    }
    const byExternalId = new Map<string, UpsertResult>();
    for (const result of response.results ?? []) {
      const key = result.properties?.[idProperty];
      if (key) byExternalId.set(key, result);
    }
    const failed = errorsByKey(response, (id) => id);
    const upserted: Upserted[] = [];
    for (const [externalId, index] of unique) {
      const result = byExternalId.get(externalId);
      if (result !== undefined) {
        outcomes[index] = { status: 'ok', targetId: String(result.id), operation: result.new ? 'created' : 'updated' };
        upserted.push({ index, dealId: String(result.id), isNew: result.new === true });
      } else {
        outcomes[index] = failed.has(externalId)
          ? permanent(failed.get(externalId)!)
          : { status: 'failed', failure: 'retryable', reason: 'HubSpot returned no result for this deal' };
      }
    }
    const withItems = upserted.filter((u) => records[u.index]!.lineItems !== undefined);
    for (const [reason, indexes] of await replaceLineItems(client, records, withItems)) {
      for (const index of indexes) outcomes[index] = permanent(`deal saved, line items failed: ${reason}`);
    }
    records.forEach((record, i) => {
      if (outcomes[i] === undefined) outcomes[i] = outcomes[lastIndex.get(record.externalId)!]!;
    });
    return outcomes;
  },
});

/** Replaces the line items of the given deals; answers the failures as reason → record indexes. */
async function replaceLineItems(
  client: HubSpotClient,
  records: UpsertDealInput[],
  deals: Upserted[],
): Promise<Map<string, number[]>> {
  const failures = new Map<string, number[]>();
  const fail = (reason: string, index: number) => failures.set(reason, [...(failures.get(reason) ?? []), index]);
  if (deals.length === 0) return failures;
  const existing = await lineItemIds(
    client,
    deals.filter((d) => !d.isNew).map((d) => d.dealId),
  );
  const stale = [...new Set([...existing.values()].flat())];
  for (const part of chunks(stale, BATCH_LIMIT)) {
    await client.post<unknown>(`${LINE_ITEMS_PATH}/batch/archive`, 'archive replaced line items', {
      inputs: part.map((id) => ({ id })),
    });
  }
  const inputs = deals.flatMap((deal) =>
    (records[deal.index]!.lineItems ?? []).map((item, n) => ({
      // HubSpot names failed inputs of a batch create by this id
      objectWriteTraceId: `${deal.index}-${n}`,
      properties: toHubSpotProperties(item.properties),
      associations: [
        {
          to: { id: deal.dealId },
          types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: LINE_ITEM_TO_DEAL }],
        },
      ],
    })),
  );
  for (const part of chunks(inputs, BATCH_LIMIT)) {
    const indexOf = (trace: string) => Number(trace.split('-')[0]);
    let response: BatchResponse<unknown>;
    try {
      ({ body: response } = await client.post<BatchResponse<unknown>>(
        `${LINE_ITEMS_PATH}/batch/create`,
        'create line items',
        { inputs: part },
      ));
    } catch (error) {
      const reason = batchRejection(error);
      for (const index of new Set(part.map((p) => indexOf(p.objectWriteTraceId)))) fail(reason, index);
      continue;
    }
    const failed = errorsByKey(response, (id) => id);
    const seen = new Set<number>();
    for (const input of part) {
      const reason = failed.get(input.objectWriteTraceId);
      const index = indexOf(input.objectWriteTraceId);
      if (reason !== undefined && !seen.has(index)) {
        seen.add(index);
        fail(reason, index);
      }
    }
  }
  return failures;
}
