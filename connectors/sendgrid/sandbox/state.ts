import { createHash } from 'node:crypto';
import type { SuppressionType } from '../schemas/records';

/**
 * The sandbox's in-memory SendGrid account: contacts indexed by id and by email (so 100,000 contacts stay cheap),
 * custom field definitions, suppression lists and jobs. Contact ids are derived from the email, so two sandboxes
 * seeded alike hold the same ids.
 */

export interface SandboxContact {
  id: string;
  email: string;
  first_name?: string;
  last_name?: string;
  phone_number?: string;
  city?: string;
  country?: string;
  postal_code?: string;
  external_id?: string;
  /** By custom field id, as SendGrid stores them. */
  custom_fields: Record<string, string | number>;
  list_ids: string[];
  created_at: string;
  updated_at: string;
}

export interface SandboxFieldDefinition {
  id: string;
  name: string;
  field_type: 'Text' | 'Number' | 'Date';
}

export interface SandboxSuppression {
  email: string;
  /** Unix seconds. */
  created: number;
  reason?: string;
  status?: string;
  ip?: string;
}

export interface SandboxJob {
  id: string;
  job_type: 'upsert' | 'delete';
  status: 'pending' | 'completed' | 'errored' | 'failed';
  polls: number;
  started_at: string;
  finished_at?: string;
  results: {
    requested_count: number;
    created_count?: number;
    updated_count?: number;
    deleted_count?: number;
    errored_count?: number;
    errors_url?: string;
  };
  /** Applies the job's changes; runs once, when the job completes. */
  apply?: () => void;
}

export interface SandboxExport {
  id: string;
  status: 'pending' | 'ready' | 'failure';
  polls: number;
  created_at: string;
  updated_at: string;
  urls?: string[];
  contact_count?: number;
}

export const RESERVED_FIELDS = [
  'first_name',
  'last_name',
  'email',
  'alternate_emails',
  'address_line_1',
  'address_line_2',
  'city',
  'state_province_region',
  'postal_code',
  'country',
  'phone_number',
  'external_id',
].map((name, i) => ({ id: `_rf${i}_T`, name, field_type: 'Text' as const }));

export function contactIdFor(email: string): string {
  const h = createHash('sha1').update(email).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class SandboxAccount {
  readonly contacts = new Map<string, SandboxContact>();
  private readonly byEmail = new Map<string, string>();
  readonly fields: SandboxFieldDefinition[] = [];
  readonly suppressions: Record<SuppressionType, SandboxSuppression[]> = {
    unsubscribe: [],
    bounce: [],
    spamreport: [],
  };
  readonly jobs = new Map<string, SandboxJob>();
  readonly exports = new Map<string, SandboxExport>();
  readonly files = new Map<string, Buffer>();
  /** Every erase request's addresses, in order. */
  readonly erasures: string[][] = [];
  private counter = 0;

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}-${String(this.counter).padStart(6, '0')}-${createHash('sha1').update(String(this.counter)).digest('hex').slice(0, 12)}`;
  }

  contactByEmail(email: string): SandboxContact | undefined {
    const id = this.byEmail.get(email.trim().toLowerCase());
    return id === undefined ? undefined : this.contacts.get(id);
  }

  fieldByName(name: string): SandboxFieldDefinition | undefined {
    const wanted = name.toLowerCase();
    return this.fields.find((f) => f.name.toLowerCase() === wanted);
  }

  fieldById(id: string): SandboxFieldDefinition | undefined {
    return this.fields.find((f) => f.id === id);
  }

  addField(name: string, fieldType: SandboxFieldDefinition['field_type']): SandboxFieldDefinition {
    const existing = this.fieldByName(name);
    if (existing !== undefined) return existing;
    const suffix = fieldType === 'Number' ? 'N' : fieldType === 'Date' ? 'D' : 'T';
    const field: SandboxFieldDefinition = { id: `e${this.fields.length + 1}_${suffix}`, name, field_type: fieldType };
    this.fields.push(field);
    return field;
  }

  /** Creates or updates by email: omitted fields stay as they are, as SendGrid's upsert does. */
  upsert(
    changes: Omit<Partial<SandboxContact>, 'custom_fields'> & {
      email: string;
      custom_fields?: Record<string, string | number>;
    },
    at = new Date().toISOString(),
  ): { contact: SandboxContact; created: boolean } {
    const email = changes.email.trim().toLowerCase();
    const existing = this.contactByEmail(email);
    const { custom_fields: custom, list_ids: lists, ...rest } = changes;
    if (existing !== undefined) {
      Object.assign(existing, rest, { email, updated_at: at });
      if (custom !== undefined) Object.assign(existing.custom_fields, custom);
      for (const list of lists ?? []) if (!existing.list_ids.includes(list)) existing.list_ids.push(list);
      return { contact: existing, created: false };
    }
    const contact: SandboxContact = {
      ...rest,
      id: contactIdFor(email),
      email,
      custom_fields: { ...custom },
      list_ids: [...(lists ?? [])],
      created_at: changes.created_at ?? at,
      updated_at: changes.updated_at ?? at,
    };
    this.contacts.set(contact.id, contact);
    this.byEmail.set(email, contact.id);
    return { contact, created: true };
  }

  deleteContact(id: string): boolean {
    const contact = this.contacts.get(id);
    if (contact === undefined) return false;
    this.contacts.delete(id);
    this.byEmail.delete(contact.email);
    return true;
  }

  /** Adds (or refreshes) a suppression; lists hold one entry per email, newest first. */
  suppress(type: SuppressionType, entry: SandboxSuppression): void {
    const list = this.suppressions[type];
    const at = list.findIndex((s) => s.email === entry.email);
    if (at >= 0) list.splice(at, 1);
    let i = 0;
    while (i < list.length && list[i]!.created > entry.created) i++;
    list.splice(i, 0, entry);
  }

  /** GDPR erasure: the address disappears from contacts and every suppression list. */
  erase(emails: string[]): void {
    this.erasures.push(emails);
    const set = new Set(emails);
    for (const email of emails) {
      const contact = this.contactByEmail(email);
      if (contact !== undefined) this.deleteContact(contact.id);
    }
    for (const type of Object.keys(this.suppressions) as SuppressionType[])
      this.suppressions[type] = this.suppressions[type].filter((s) => !set.has(s.email));
  }

  /** The contact as the API shows it: custom fields keyed by NAME. */
  present(contact: SandboxContact): Record<string, unknown> {
    const custom: Record<string, unknown> = {};
    for (const [id, value] of Object.entries(contact.custom_fields)) custom[this.fieldById(id)?.name ?? id] = value;
    const { list_ids, custom_fields: _ignored, ...rest } = contact;
    return { ...rest, list_ids, custom_fields: custom };
  }
}
