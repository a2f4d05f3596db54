import type { Arg } from './http';

/**
 * The sandbox's in-memory Unisender account: contacts by e-mail, lists, list membership (insertion-ordered, with
 * a cached array per list so export pages stay O(limit) over 100,000 contacts) and the methods' rules as the
 * documentation states them (500 rows per import, 50 custom fields, 1000 rows per export page, per-row log).
 */

export const IMPORT_MAX_ROWS = 500;
export const EXPORT_MAX_LIMIT = 1000;
export const MAX_CUSTOM_FIELDS = 50;
const SYSTEM_FIELDS = new Set(['email', 'email_status', 'email_list_ids', 'phone', 'tags', 'delete']);
const NEW_STATUSES = new Set(['new', 'active', 'inactive', 'unsubscribed']);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A failed call: answered with HTTP 200 and `{ error, code }`, as Unisender does. */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type ListStatus = 'active' | 'unsubscribed';

export interface SandboxContact {
  email: string;
  email_status: string;
  phone?: string;
  tags: Set<string>;
  fields: Map<string, string>;
  lists: Map<number, ListStatus>;
}

export interface ImportLogEntry {
  index: number;
  code: string;
  message: string;
}

export interface ImportResult {
  total: number;
  inserted: number;
  updated: number;
  deleted: number;
  new_emails: number;
  invalid: number;
  log: ImportLogEntry[];
}

const text = (value: Arg | undefined): string => (typeof value === 'string' ? value : '');
const strings = (value: Arg | undefined): string[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : typeof value === 'string' ? [value] : [];

export class UnisenderStore {
  readonly contacts = new Map<string, SandboxContact>();
  readonly lists = new Map<number, { id: number; title: string }>();
  /** Custom fields of the account, by substitution name. */
  readonly fieldNames = new Set<string>();
  private readonly members = new Map<number, Set<string>>();
  private readonly ordered = new Map<number, string[]>();

  createList(id: number, title: string): void {
    this.lists.set(id, { id, title });
    if (!this.members.has(id)) this.members.set(id, new Set());
  }

  /** E-mails of a list in insertion order (the export order). */
  listEmails(listId: number): string[] {
    let cached = this.ordered.get(listId);
    if (cached === undefined) {
      cached = [...(this.members.get(listId) ?? [])];
      this.ordered.set(listId, cached);
    }
    return cached;
  }

  join(contact: SandboxContact, listId: number, status: ListStatus = 'active'): void {
    const members = this.members.get(listId);
    if (members === undefined) return;
    if (!members.has(contact.email)) {
      members.add(contact.email);
      this.ordered.get(listId)?.push(contact.email);
    }
    contact.lists.set(listId, status);
  }

  leave(contact: SandboxContact, listId: number): void {
    if (this.members.get(listId)?.delete(contact.email)) this.ordered.delete(listId);
    contact.lists.delete(listId);
  }

  private parseListIds(raw: string): number[] | string {
    const ids = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const id of ids) if (!this.lists.has(Number(id))) return id;
    return ids.map(Number);
  }

  importContacts(fieldNames: string[], rows: Arg[], overwriteTags: boolean, overwriteLists: boolean): ImportResult {
    if (rows.length > IMPORT_MAX_ROWS)
      throw new ApiFailure('invalid_arg', `No more than ${IMPORT_MAX_ROWS} contacts per call, got ${rows.length}`);
    if (!fieldNames.includes('email') && !fieldNames.includes('phone'))
      throw new ApiFailure('invalid_arg', 'field_names must contain "email" or "phone"');
    const custom = fieldNames.filter((f) => !SYSTEM_FIELDS.has(f));
    if (custom.length > MAX_CUSTOM_FIELDS)
      throw new ApiFailure('invalid_arg', `No more than ${MAX_CUSTOM_FIELDS} user fields per call`);
    const unknown = custom.find((f) => !this.fieldNames.has(f));
    if (unknown !== undefined) throw new ApiFailure('invalid_arg', `Unknown field "${unknown}"`);
    const result: ImportResult = {
      total: rows.length,
      inserted: 0,
      updated: 0,
      deleted: 0,
      new_emails: 0,
      invalid: 0,
      log: [],
    };
    rows.forEach((row, index) => {
      const cells = strings(row);
      const value = (name: string) => {
        const i = fieldNames.indexOf(name);
        return i < 0 ? undefined : (cells[i] ?? '').trim();
      };
      const reject = (message: string) => {
        result.invalid++;
        result.log.push({ index, code: 'invalid_arg', message });
      };
      const email = (value('email') ?? '').toLowerCase();
      if (!EMAIL.test(email)) return reject(`Invalid e-mail address "${value('email') ?? ''}"`);
      const status = value('email_status');
      if (status !== undefined && status !== '' && !NEW_STATUSES.has(status))
        return reject(`Invalid email_status "${status}"`);
      const listIds = this.parseListIds(value('email_list_ids') ?? '');
      if (typeof listIds === 'string') return reject(`List ${listIds} not found`);
      const tags = (value('tags') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== '');
      if (tags.length > 10) return reject('No more than 10 tags per contact');
      let contact = this.contacts.get(email);
      if (contact === undefined) {
        contact = { email, email_status: status || 'new', tags: new Set(), fields: new Map(), lists: new Map() };
        this.contacts.set(email, contact);
        result.inserted++;
        result.new_emails++;
      } else result.updated++;
      const phone = value('phone');
      if (phone !== undefined) {
        if (phone === '') delete contact.phone;
        else contact.phone = phone;
      }
      if (value('tags') !== undefined) {
        if (overwriteTags) contact.tags.clear();
        for (const tag of tags) contact.tags.add(tag);
      }
      for (const name of custom) {
        const v = value(name) ?? '';
        if (v === '') contact.fields.delete(name);
        else contact.fields.set(name, v);
      }
      if (value('email_list_ids') !== undefined) {
        if (overwriteLists)
          for (const id of [...contact.lists.keys()]) if (!listIds.includes(id)) this.leave(contact, id);
        for (const id of listIds) if (!contact.lists.has(id)) this.join(contact, id);
      }
    });
    return result;
  }

  exportContacts(listIdRaw: string, fieldNames: string[], offset: number, limit: number) {
    if (!Number.isInteger(offset) || offset < 0)
      throw new ApiFailure('invalid_arg', 'offset must be a whole number ≥ 0');
    if (!Number.isInteger(limit) || limit < 1 || limit > EXPORT_MAX_LIMIT)
      throw new ApiFailure('invalid_arg', `limit must be between 1 and ${EXPORT_MAX_LIMIT}`);
    const names = fieldNames.length > 0 ? fieldNames : ['email', 'email_status', 'phone', 'tags', ...this.fieldNames];
    const unknown = names.find((f) => !SYSTEM_FIELDS.has(f) && !this.fieldNames.has(f));
    if (unknown !== undefined) throw new ApiFailure('invalid_arg', `Unknown field "${unknown}"`);
    let emails: string[];
    let listId: number | undefined;
    if (listIdRaw === '') emails = [...this.contacts.keys()];
    else {
      listId = Number(listIdRaw);
      if (!this.lists.has(listId)) throw new ApiFailure('invalid_arg', `List ${listIdRaw} not found`);
      emails = this.listEmails(listId);
    }
    const data = emails.slice(offset, offset + limit).map((email) => {
      const c = this.contacts.get(email)!;
      return names.map((name): string | null => {
        switch (name) {
          case 'email':
            return c.email;
          case 'email_status':
            return listId !== undefined && c.lists.get(listId) === 'unsubscribed' ? 'unsubscribed' : c.email_status;
          case 'phone':
            return c.phone ?? null;
          case 'tags':
            return [...c.tags].join(',');
          case 'email_list_ids':
            return [...c.lists.keys()].join(',');
          default:
            return c.fields.get(name) ?? null;
        }
      });
    });
    return { field_names: names, data };
  }

  /** Shared argument checks of unsubscribe and exclude; undefined when the contact is not in the account. */
  private target(args: Record<string, Arg>): { contact?: SandboxContact; listIds: number[] } {
    const type = text(args.contact_type);
    if (type !== 'email' && type !== 'phone')
      throw new ApiFailure('invalid_arg', 'contact_type must be email or phone');
    const contact = text(args.contact).trim().toLowerCase();
    if (type === 'email' && !EMAIL.test(contact))
      throw new ApiFailure('invalid_arg', `Invalid e-mail address "${text(args.contact)}"`);
    const listIds = this.parseListIds(text(args.list_ids));
    if (typeof listIds === 'string') throw new ApiFailure('invalid_arg', `List ${listIds} not found`);
    const found =
      type === 'email' ? this.contacts.get(contact) : [...this.contacts.values()].find((c) => c.phone === contact);
    return { contact: found, listIds };
  }

  unsubscribe(args: Record<string, Arg>): void {
    const { contact, listIds } = this.target(args);
    if (contact === undefined) return;
    if (listIds.length === 0) contact.email_status = 'unsubscribed';
    for (const id of listIds) if (contact.lists.has(id)) contact.lists.set(id, 'unsubscribed');
  }

  exclude(args: Record<string, Arg>): void {
    const { contact, listIds } = this.target(args);
    if (contact === undefined) return;
    for (const id of listIds.length === 0 ? [...contact.lists.keys()] : listIds) this.leave(contact, id);
  }
}
