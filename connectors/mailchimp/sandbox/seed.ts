import { messyContacts, type SeedContact } from '../../../core/sdk';
import type { MemberStatus } from '../schemas/member';
import { subscriberHash } from '../client';
import type { MemberStore } from './store';

/**
 * The shared messy contacts as Mailchimp members: FNAME/LNAME (a full name split at its first space, kept messy),
 * PHONE and CITY merge fields, the lifecycle stage as a tag. Statuses: members without marketing consent are
 * unsubscribed, every 25th is cleaned (bounced), the rest subscribed. A second row for the same address (other
 * casing) updates the first member, as a re-import would.
 */

function statusOf(contact: SeedContact, index: number): MemberStatus {
  if (index % 25 === 24) return 'cleaned';
  return contact.marketingConsent ? 'subscribed' : 'unsubscribed';
}

function names(contact: SeedContact): { FNAME: string; LNAME: string } {
  if (contact.fullName !== undefined) {
    const trimmed = contact.fullName.trim();
    const space = trimmed.indexOf(' ');
    return space < 0
      ? { FNAME: trimmed, LNAME: '' }
      : { FNAME: trimmed.slice(0, space), LNAME: trimmed.slice(space).trim() };
  }
  return { FNAME: contact.firstName ?? '', LNAME: contact.lastName ?? '' };
}

export function seedMembers(store: MemberStore, count: number, seed: number | undefined): void {
  messyContacts(count, seed).forEach((contact, index) => {
    // updatedAt is ISO with milliseconds; Mailchimp writes whole seconds and +00:00
    const at = `${contact.updatedAt.slice(0, 19)}+00:00`;
    const status = statusOf(contact, index);
    const hash = subscriberHash(contact.email);
    const member = store.members.get(hash) ?? store.create(contact.email, status, at, hash);
    member.status = status;
    member.last_changed = at;
    member.timestamp_opt = status === 'subscribed' ? at : '';
    if (status === 'unsubscribed') member.unsubscribe_reason = 'N/A (Unsubscribed by admin)';
    const merge: Record<string, string> = { ...names(contact), PHONE: contact.phone ?? '', CITY: contact.city ?? '' };
    for (const [tag, value] of Object.entries(merge)) if (store.hasMergeTag(tag)) member.merge_fields[tag] = value;
    member.language = /[а-яё]/i.test(contact.city ?? '') ? 'ru' : 'en';
    store.applyTags(member, [contact.lifecycleStage]);
    store.put(member);
  });
}
