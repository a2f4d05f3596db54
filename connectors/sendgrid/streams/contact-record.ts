import type { FieldIndex } from '../fields';
import type { Contact } from '../schemas/records';

/**
 * One exported contact object → a `contacts` stream record. Export files name fields in lower or upper case
 * (CSV exports use CONTACT_ID, EMAIL…), carry custom fields either nested under `custom_fields` (keyed by id or
 * name) or as top-level columns named after the field; all of these come out keyed by the custom field's NAME.
 */

const STANDARD = ['first_name', 'last_name', 'phone_number', 'city', 'country'] as const;
const KNOWN = new Set<string>([
  'id',
  'contact_id',
  'email',
  'primary_email',
  'custom_fields',
  'created_at',
  'updated_at',
  ...STANDARD,
]);

function lowerKeys(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key.toLowerCase()] = v;
  return out;
}

/** ISO form of a SendGrid time (ISO text or epoch seconds), or undefined when unreadable. */
export function isoTime(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function toContact(raw: Record<string, unknown>, fields: FieldIndex): Contact | undefined {
  const row = lowerKeys(raw);
  const id = row.contact_id ?? row.id;
  if (typeof id !== 'string' || id === '') return undefined;
  const email = row.email ?? row.primary_email;
  const updated = isoTime(row.updated_at);
  const created = isoTime(row.created_at);
  const contact: Contact = {
    id,
    email: typeof email === 'string' ? email.trim().toLowerCase() : '',
    custom_fields: {},
    created_at: created ?? updated ?? '',
    updated_at: updated ?? created ?? '',
  };
  for (const key of STANDARD) {
    const value = row[key];
    if (typeof value === 'string' && value !== '') contact[key] = value;
    else if (typeof value === 'number') contact[key] = String(value);
  }
  const nested = row.custom_fields;
  if (typeof nested === 'object' && nested !== null && !Array.isArray(nested)) {
    for (const [key, value] of Object.entries(nested)) {
      const name = fields.byId.get(key)?.name ?? fields.byName.get(key.toLowerCase())?.name ?? key;
      contact.custom_fields[name] = value;
    }
  }
  for (const [key, value] of Object.entries(row)) {
    if (KNOWN.has(key)) continue;
    const definition = fields.byName.get(key);
    if (definition !== undefined && value !== '' && value !== null) contact.custom_fields[definition.name] = value;
  }
  return contact;
}
