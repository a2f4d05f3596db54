import type { HubSpotClient, HubSpotObject } from '../client';
import { BATCH_LIMIT, chunks } from './lineItems';

/**
 * The customer's e-mail of each deal, as `customer_email`: what turns a closed-won deal into an Odoo order.
 *
 * A deal does not hold an e-mail; its contacts do. So: a deal property `customer_email`, when the portal has one and
 * it is filled in, wins (someone set it on purpose); otherwise the e-mail of the deal's associated contact, read with
 * the associations v4 batch read (deal → contact ids; neither search nor batch read of deals returns associations)
 * and one batch read of those contacts. Of several contacts, the one whose association is labelled "Primary" is the
 * customer; without such a label, the first HubSpot lists that has an e-mail. A deal with no contact with an e-mail
 * gets null, and the template says what to fix.
 */

export const CUSTOMER_EMAIL_PROPERTY = 'customer_email';
export const CONTACT_ASSOCIATIONS_PATH = '/crm/v4/associations/deals/contacts/batch/read';
const CONTACTS_READ_PATH = '/crm/v3/objects/contacts/batch/read';

interface AssociationsResponse {
  results?: {
    from: { id: string | number };
    to?: { toObjectId: number | string; associationTypes?: { label?: string | null }[] }[];
  }[];
}

interface BatchReadResponse {
  results?: HubSpotObject[];
}

const filled = (v: string | null | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/** Contact ids of each deal, the primary-labelled ones first, else in HubSpot's order. */
async function contactIdsByDeal(client: HubSpotClient, dealIds: string[]): Promise<Map<string, string[]>> {
  const byDeal = new Map<string, string[]>();
  for (const part of chunks(dealIds, BATCH_LIMIT)) {
    const { body } = await client.post<AssociationsResponse>(
      CONTACT_ASSOCIATIONS_PATH,
      'read deal contact associations',
      { inputs: part.map((id) => ({ id })) },
    );
    for (const result of body.results ?? []) {
      const to = result.to ?? [];
      const primary = (t: (typeof to)[number]) =>
        (t.associationTypes ?? []).some((a) => /primary/i.test(a.label ?? ''));
      const ordered = [...to.filter(primary), ...to.filter((t) => !primary(t))];
      byDeal.set(
        String(result.from.id),
        ordered.map((t) => String(t.toObjectId)),
      );
    }
  }
  return byDeal;
}

/** The customer e-mail of each deal of the page (null: none found). */
export async function customerEmails(
  client: HubSpotClient,
  deals: HubSpotObject[],
): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  const lookup: string[] = [];
  for (const deal of deals) {
    const own = deal.properties[CUSTOMER_EMAIL_PROPERTY];
    if (filled(own)) out.set(deal.id, own);
    else lookup.push(deal.id);
  }
  if (lookup.length === 0) return out;
  const contactIds = await contactIdsByDeal(client, lookup);
  const wanted = [...new Set([...contactIds.values()].flat())];
  const emails = new Map<string, string>();
  for (const part of chunks(wanted, BATCH_LIMIT)) {
    const { body } = await client.post<BatchReadResponse>(CONTACTS_READ_PATH, 'read the contacts of deals', {
      inputs: part.map((id) => ({ id })),
      properties: ['email'],
      propertiesWithHistory: [],
    });
    for (const contact of body.results ?? []) {
      const email = contact.properties?.email;
      if (filled(email)) emails.set(String(contact.id), email);
    }
  }
  for (const id of lookup) {
    const first = (contactIds.get(id) ?? []).map((c) => emails.get(c)).find(filled);
    out.set(id, first ?? null);
  }
  return out;
}
