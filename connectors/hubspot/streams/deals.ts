import { defineStream } from '../../../core/sdk';
import { DealRecord } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import type { HubSpotClient, HubSpotObject } from '../client';
import { readObjects } from './incremental';
import { refetchObjects } from './refetch';
import { lineItemsByDeal } from './lineItems';
import { dealsType } from './objects';

async function withLineItems(objects: HubSpotObject[], client: HubSpotClient): Promise<DealRecord[]> {
  const items = await lineItemsByDeal(
    client,
    objects.map((o) => o.id),
  );
  return objects.map((deal) => ({ ...deal, lineItems: items.get(deal.id) ?? [] }));
}

/** Stream `deals`: deals with their line items. A line item change alone does not touch the deal's modified time. */
export const deals = defineStream<HubSpotSettings, DealRecord>({
  name: 'deals',
  title: 'Deals',
  description: 'Deals (name, amount, stage, pipeline, close date, the external id property) with their line items',
  recordSchema: DealRecord,
  identity: ['id'],
  modifiedField: 'updatedAt',
  read: (args) => readObjects(dealsType, args, withLineItems),
  refetch: (args) => refetchObjects(dealsType, args, withLineItems),
});
