import type { WriteOutcome } from '../../../core/sdk';
import { isPlausibleEmail, normalizeEmail } from '../emails';
import type { FieldIndex } from '../fields';
import { CONTACT_FIELD_LIMITS, type ContactInput } from '../schemas/records';

/**
 * Turns upsertContacts records into SendGrid ContactRequest bodies, checking what SendGrid would reject per record
 * (missing or broken email, over-long fields, unknown custom fields, non-numbers in Number fields) so that a bad
 * record fails alone with the field named, instead of failing the whole request. Records with the same email in
 * one batch become one contact (later records win field by field) and share its outcome.
 */

export type ContactRequest = Record<string, unknown> & { email: string; custom_fields?: Record<string, unknown> };

export interface PreparedContact {
  email: string;
  payload: ContactRequest;
  /** Positions of the input records this contact stands for. */
  indexes: number[];
}

export interface Prepared {
  /** One slot per input record: a failure already decided here, or undefined (decided by the import). */
  outcomes: (WriteOutcome | undefined)[];
  contacts: PreparedContact[];
}

const STANDARD_FIELDS = [
  'first_name',
  'last_name',
  'phone_number',
  'city',
  'country',
  'postal_code',
  'external_id',
] as const satisfies readonly (keyof ContactInput)[];

function failed(field: string, reason: string): WriteOutcome {
  return { status: 'failed', failure: 'permanent', field, reason };
}

function fail(field: string, reason: string): { ok: false; outcome: WriteOutcome } {
  return { ok: false, outcome: failed(field, reason) };
}

/** Custom field names used by the records (to load or refresh the field definitions once). */
export function customFieldNames(records: ContactInput[]): Set<string> {
  const names = new Set<string>();
  for (const record of records) {
    const custom = record?.custom_fields;
    if (typeof custom === 'object' && custom !== null) for (const name of Object.keys(custom)) names.add(name);
  }
  return names;
}

function customValue(name: string, value: unknown, type: string): { value: unknown } | { error: WriteOutcome } {
  const field = `custom_fields.${name}`;
  if (type === 'Number') {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (!Number.isFinite(n))
      return {
        error: failed(field, `custom field "${name}" is a Number field in SendGrid; got ${JSON.stringify(value)}`),
      };
    return { value: n };
  }
  if (typeof value !== 'string' && typeof value !== 'number')
    return { error: failed(field, `custom field "${name}" must be text or a number; got ${typeof value}`) };
  return { value: String(value) };
}

type Built = { ok: true; payload: ContactRequest } | { ok: false; outcome: WriteOutcome };

function buildOne(record: ContactInput, fields: FieldIndex): Built {
  const email = normalizeEmail(record?.email);
  if (email === undefined) return fail('email', 'email is required: SendGrid identifies contacts by email here');
  if (!isPlausibleEmail(email)) return fail('email', `"${email}" is not a valid e-mail address`);
  const payload: ContactRequest = { email };
  for (const key of STANDARD_FIELDS) {
    const value = record[key];
    if (value === undefined || value === null) continue;
    const text = String(value);
    const limit = (CONTACT_FIELD_LIMITS as Record<string, number>)[key];
    if (limit !== undefined && text.length > limit)
      return fail(key, `${key} is ${text.length} characters long; SendGrid accepts at most ${limit}`);
    payload[key] = text;
  }
  const custom = record.custom_fields;
  if (custom !== undefined && custom !== null) {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(custom)) {
      if (value === undefined || value === null) continue;
      const definition = fields.byName.get(name.toLowerCase());
      if (definition === undefined) {
        return fail(
          `custom_fields.${name}`,
          `custom field "${name}" does not exist in SendGrid: create it (Marketing > Custom Fields, or POST ` +
            '/v3/marketing/field_definitions) with the type its values need, then retry',
        );
      }
      const converted = customValue(name, value, definition.field_type);
      if ('error' in converted) return { ok: false, outcome: converted.error };
      out[definition.id] = converted.value;
    }
    if (Object.keys(out).length > 0) payload.custom_fields = out;
  }
  return { ok: true, payload };
}

export function prepareContacts(records: ContactInput[], fields: FieldIndex): Prepared {
  const outcomes: (WriteOutcome | undefined)[] = new Array(records.length).fill(undefined);
  const byEmail = new Map<string, PreparedContact>();
  records.forEach((record, index) => {
    const built = buildOne(record, fields);
    if (!built.ok) {
      outcomes[index] = built.outcome;
      return;
    }
    const payload = built.payload;
    const existing = byEmail.get(payload.email);
    if (existing === undefined) {
      byEmail.set(payload.email, { email: payload.email, payload, indexes: [index] });
      return;
    }
    const customFields = { ...existing.payload.custom_fields, ...payload.custom_fields };
    existing.payload = { ...existing.payload, ...payload };
    if (Object.keys(customFields).length > 0) existing.payload.custom_fields = customFields;
    existing.indexes.push(index);
  });
  return { outcomes, contacts: [...byEmail.values()] };
}
