import { normalizeEmail } from './email';
import { md5 } from './hash';
import { isMd5Hex } from './identifiers';

/**
 * `$mailchimpSubscriberHash(email)`: the id of a list member in Mailchimp's API paths
 * (`/lists/{list_id}/members/{subscriber_hash}`): the MD5 hex of the lowercase e-mail address
 * ([doc] mailchimp.com/developer/marketing/docs/methods-parameters/ "subscriber_hash"). The address is read as
 * `$normalizeEmail` reads it (NFC, trimmed, lowercase, `mailto:` and `<>` dropped), as Mailchimp stores addresses
 * trimmed. A value that already is a subscriber hash (32 hex, any case) comes back lowercased, never hashed twice
 * (the hash of a hash names no member); empty, missing or not an address → undefined.
 */
export function mailchimpSubscriberHash(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (isMd5Hex(value)) return value.trim().toLowerCase();
  const email = normalizeEmail(value);
  return email === undefined ? undefined : md5(email);
}
