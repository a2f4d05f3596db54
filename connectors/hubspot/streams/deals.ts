import { defineStream } from '../../../core/sdk';
import { DealRecord } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import type { HubSpotClient, HubSpotObject } from '../client';
import { readObjects } from './incremental';
import { refetchObjects } from './refetch';
import { CUSTOMER_EMAIL_PROPERTY, customerEmails } from './dealsCustomer';
import { lineItemsByDeal } from './lineItems';
import { dealsType, type CrmObjectType } from './objects';

/** The deal properties, plus the portal's own customer_email property when it has one (it wins over the contact). */
const dealsWithCustomer: CrmObjectType = {
  ...dealsType,
  properties: (settings) => [...new Set([...dealsType.properties(settings), CUSTOMER_EMAIL_PROPERTY])],
};

async function withLineItems(objects: HubSpotObject[], client: HubSpotClient): Promise<DealRecord[]> {
  const ids = objects.map((o) => o.id);
  const items = await lineItemsByDeal(client, ids);
  const emails = await customerEmails(client, objects);
  return objects.map((deal) => ({
    ...deal,
    properties: { ...deal.properties, [CUSTOMER_EMAIL_PROPERTY]: emails.get(deal.id) ?? null },
    lineItems: items.get(deal.id) ?? [],
  }));
}

/**
 * Stream `deals`: deals with their line items and the customer's e-mail (`customer_email`, from the deal's
 * associated contact unless the deal has its own). A line item or association change alone does not touch the
 * deal's modified time.
 */
export const deals = defineStream<HubSpotSettings, DealRecord>({
  name: 'deals',
  title: 'Deals',
  description:
    "Deals (name, amount, stage, pipeline, close date, the external id property) with their line items and the customer's e-mail (customer_email: the associated contact's)",
  recordSchema: DealRecord,
  identity: ['id'],
  modifiedField: 'updatedAt',
  read: (args) => readObjects(dealsWithCustomer, args, withLineItems),
  refetch: (args) => refetchObjects(dealsWithCustomer, args, withLineItems),
});
