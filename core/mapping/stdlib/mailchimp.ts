import { md5 } from './hash';

/**
 * `$mailchimpSubscriberHash(email)`: the id of a list member in Mailchimp's API paths
 * (`/lists/{list_id}/members/{subscriber_hash}`): the MD5 hex of the lowercase e-mail address
 * ([doc] mailchimp.com/developer/marketing/docs/methods-parameters/ "subscriber_hash"). Surrounding spaces are
 * trimmed first, as Mailchimp stores addresses trimmed. Empty or missing → undefined.
 */
export function mailchimpSubscriberHash(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.normalize('NFC').trim().toLowerCase();
  return email === '' ? undefined : md5(email);
}
