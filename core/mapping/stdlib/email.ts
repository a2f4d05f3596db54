import { nfc } from './nfc';

/**
 * `$normalizeEmail(s)`: Unicode NFC, trims, drops a leading `mailto:` (any case) and surrounding `<>`, lowercases.
 * Returns undefined when empty or not a plausible address (one `@`, no spaces, a dotted domain of valid labels).
 */

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~.-]+$/u;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const UNICODE_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // NFC first and last: an address typed in NFD (e + combining accent) and in NFC is one address
  let email = nfc(value).trim().toLowerCase();
  if (email.startsWith('<') && email.endsWith('>')) email = email.slice(1, -1).trim();
  if (email.startsWith('mailto:')) email = email.slice('mailto:'.length).trim(); // any case: lowercased above
  if (email.startsWith('<') && email.endsWith('>')) email = email.slice(1, -1).trim();
  email = nfc(email);
  if (email.length === 0 || email.length > 254) return undefined;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return undefined;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2) return undefined;
  const tld = labels[labels.length - 1];
  if (!/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59}|\p{L}{2,63})$/u.test(tld)) return undefined;
  return labels.every((label) => DOMAIN_LABEL.test(label) || UNICODE_LABEL.test(label)) ? email : undefined;
}
