import { defineStream } from '../../../core/sdk';
import { DealRecord } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { readObjects } from './incremental';
import { lineItemsByDeal } from './lineItems';
import { dealsType } from './objects';

/** Stream `deals`: deals with their line items. A line item change alone does not touch the deal's modified time. */
export const deals = defineStream<HubSpotSettings, DealRecord>({
  name: 'deals',
  title: 'Deals',
  description: 'Deals (name, amount, stage, pipeline, close date, the external id property) with their line items',
  recordSchema: DealRecord,
  identity: ['id'],
  modifiedField: 'updatedAt',
  read: (args) =>
    readObjects(dealsType, args, async (objects, client) => {
      const items = await lineItemsByDeal(
        client,
        objects.map((o) => o.id),
      );
      return objects.map((deal) => ({ ...deal, lineItems: items.get(deal.id) ?? [] }));
    }),
});
