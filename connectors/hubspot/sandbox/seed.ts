import { messyContacts, type SeedContact } from '../../../core/sdk';
import type { SandboxState } from './state';
import { normalizeEmail } from './store';

/**
 * Seed data: the kit's messy contacts as a messy HubSpot portal holds them. A full name typed into one field lands
 * in `firstname` only; e-mails keep their odd casing and spaces. HubSpot keeps one contact per e-mail, so a
 * duplicate person whose address differs only in case updates the earlier contact (the portal ends up with
 * slightly fewer contacts than seed rows). Companies are created from the distinct company names.
 */

export function contactProperties(contact: SeedContact): Record<string, string> {
  const out: Record<string, string> = {
    email: contact.email,
    lifecyclestage: contact.lifecycleStage,
    marketing_consent: contact.marketingConsent ? 'true' : 'false',
    email_subscription_status: contact.marketingConsent ? 'subscribed' : 'unsubscribed',
  };
  const firstname = contact.fullName ?? contact.firstName;
  if (firstname !== undefined) out.firstname = firstname;
  if (contact.lastName !== undefined) out.lastname = contact.lastName;
  if (contact.phone !== undefined) out.phone = contact.phone;
  if (contact.city !== undefined) out.city = contact.city;
  if (contact.company !== undefined) out.company = contact.company;
  return out;
}

export function seedContacts(state: SandboxState, count: number, seed?: number): void {
  const contacts = state.stores.contacts;
  const companies = new Set<string>();
  for (const row of messyContacts(count, seed)) {
    const at = Date.parse(row.updatedAt);
    const properties = contactProperties(row);
    const existing = contacts.findByUnique(normalizeEmail(row.email));
    if (existing) contacts.update(existing.id, properties, at);
    else contacts.create(properties, at);
    if (row.company !== undefined) companies.add(row.company);
  }
  const start = Date.UTC(2026, 0, 1);
  [...companies].forEach((name, i) => {
    const domain = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com`;
    state.stores.companies.create({ name, domain }, start + i * 1000);
  });
}
