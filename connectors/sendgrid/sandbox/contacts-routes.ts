import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import { CONTACT_FIELD_LIMITS } from '../schemas/records';
import { RESERVED_FIELDS, type SandboxAccount, type SandboxContact, type SandboxJob } from './state';

/**
 * Contact routes of the sandbox, as SendGrid documents them: field definitions, the asynchronous upsert (whole
 * request refused with 400 above 30,000 contacts or 6 MB; a contact SendGrid cannot take goes to the job's error
 * file, not to a 4xx), import status with an errors_url, search by emails, delete by ids.
 */

export interface ContactRouteOptions {
  account: SandboxAccount;
  /** Base URL of the sandbox, for errors_url links. */
  url: () => string;
  /** Polls answered `pending` before a job completes. */
  pollsToComplete: number;
}

export const MAX_CONTACTS = 30_000;
export const MAX_BODY_BYTES = 6_000_000;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LIMITS: Record<string, number> = {
  ...CONTACT_FIELD_LIMITS,
  address_line_1: 100,
  address_line_2: 100,
  state_province_region: 50,
  anonymous_id: 254,
};
const STRING_FIELDS = [
  'first_name',
  'last_name',
  'phone_number',
  'city',
  'country',
  'postal_code',
  'external_id',
] as const satisfies readonly (keyof SandboxContact)[];

export function errorBody(message: string, field?: string): { errors: { message: string; field: string | null }[] } {
  return { errors: [{ message, field: field ?? null }] };
}

function bad(message: string, field?: string): SandboxReply {
  return { status: 400, body: errorBody(message, field) };
}

/** Why SendGrid would refuse one contact, or undefined. */
function contactProblem(account: SandboxAccount, contact: Record<string, unknown>): string | undefined {
  const email = contact.email;
  if (typeof email !== 'string' || email.trim() === '') return 'email is required (at least one identifier)';
  if (!EMAIL.test(email.trim())) return `email "${email}" is invalid`;
  for (const [field, limit] of Object.entries(LIMITS)) {
    const value = contact[field];
    if (typeof value === 'string' && value.length > limit) return `${field} exceeds the maximum length of ${limit}`;
  }
  const custom = contact.custom_fields;
  if (custom !== undefined && (typeof custom !== 'object' || custom === null)) return 'custom_fields must be an object';
  for (const [id, value] of Object.entries((custom ?? {}) as Record<string, unknown>)) {
    const field = account.fieldById(id);
    if (field === undefined) return `custom field ID ${id} does not exist`;
    if (field.field_type === 'Number' && typeof value !== 'number')
      return `custom field ${field.name} must be a number`;
  }
  return undefined;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function contactRoutes(options: ContactRouteOptions): SandboxRoute[] {
  const { account } = options;

  const putContacts = (request: SandboxRequest): SandboxReply => {
    if (request.rawBody.length > MAX_BODY_BYTES) return bad('request body must be at most 6 MB', 'contacts');
    const body = request.body as { contacts?: unknown; list_ids?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || !Array.isArray(body.contacts) || body.contacts.length === 0)
      return bad('contacts is required and must hold at least one contact', 'contacts');
    if (body.contacts.length > MAX_CONTACTS) return bad(`contacts must hold at most ${MAX_CONTACTS} items`, 'contacts');
    const listIds = Array.isArray(body.list_ids) ? body.list_ids.filter((l): l is string => typeof l === 'string') : [];
    const accepted: Record<string, unknown>[] = [];
    const rejected: { email: string; error: string }[] = [];
    for (const raw of body.contacts as unknown[]) {
      const contact = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const problem = contactProblem(account, contact);
      if (problem === undefined) accepted.push(contact);
      else rejected.push({ email: typeof contact.email === 'string' ? contact.email : '', error: problem });
    }
    const job: SandboxJob = {
      id: account.nextId('import'),
      job_type: 'upsert',
      status: 'pending',
      polls: 0,
      started_at: new Date().toISOString(),
      results: { requested_count: body.contacts.length },
    };
    job.apply = () => {
      let created = 0;
      let updated = 0;
      const at = new Date().toISOString();
      for (const c of accepted) {
        const changes: Parameters<SandboxAccount['upsert']>[0] = { email: String(c.email), list_ids: listIds };
        for (const key of STRING_FIELDS) if (typeof c[key] === 'string') changes[key] = c[key] as string;
        if (typeof c.custom_fields === 'object' && c.custom_fields !== null)
          changes.custom_fields = c.custom_fields as Record<string, string | number>;
        if (account.upsert(changes, at).created) created++;
        else updated++;
      }
      Object.assign(job.results, { created_count: created, updated_count: updated, errored_count: rejected.length });
      if (rejected.length > 0) {
        const token = `errors-${job.id}.csv`;
        const lines = ['email,error', ...rejected.map((r) => `${csvCell(r.email)},${csvCell(r.error)}`)];
        account.files.set(token, Buffer.from(`${lines.join('\n')}\n`));
        job.results.errors_url = `${options.url()}/files/${token}`;
      }
      job.status = rejected.length === 0 ? 'completed' : accepted.length === 0 ? 'failed' : 'errored';
      job.finished_at = at;
    };
    account.jobs.set(job.id, job);
    return { status: 202, body: { job_id: job.id } };
  };

  const importStatus = (request: SandboxRequest): SandboxReply => {
    const job = account.jobs.get(request.params.id ?? '');
    if (job === undefined) return { status: 404, body: errorBody('job not found') };
    job.polls += 1;
    if (job.status === 'pending' && job.polls > options.pollsToComplete) {
      job.apply?.();
      delete job.apply;
    }
    const { apply: _apply, polls: _polls, ...shown } = job;
    return { status: 200, body: shown };
  };

  const searchEmails = (request: SandboxRequest): SandboxReply => {
    const emails = (request.body as { emails?: unknown } | undefined)?.emails;
    if (!Array.isArray(emails) || emails.length === 0) return bad('emails is required', 'emails');
    if (emails.length > 100) return bad('emails must hold at most 100 addresses', 'emails');
    const result: Record<string, unknown> = {};
    let found = 0;
    for (const email of emails) {
      if (typeof email !== 'string') continue;
      const contact = account.contactByEmail(email);
      if (contact === undefined) result[email] = { error: 'contact not found' };
      else {
        found++;
        result[email] = { contact: account.present(contact) };
      }
    }
    if (found === 0) return { status: 404, body: errorBody('No contacts found') };
    return { status: 200, body: { result } };
  };

  const deleteContacts = (request: SandboxRequest): SandboxReply => {
    const all = request.query.delete_all_contacts === 'true';
    const ids = (request.query.ids ?? '').split(',').filter((id) => id !== '');
    if (!all && ids.length === 0) return bad('ids or delete_all_contacts=true is required', 'ids');
    const targets = all ? [...account.contacts.keys()] : ids;
    let deleted = 0;
    for (const id of targets) if (account.deleteContact(id)) deleted++;
    const job: SandboxJob = {
      id: account.nextId('delete'),
      job_type: 'delete',
      status: 'completed',
      polls: 0,
      started_at: new Date().toISOString(),
      finished_at: new Date().toISOString(),
      results: { requested_count: targets.length, deleted_count: deleted },
    };
    account.jobs.set(job.id, job);
    return { status: 202, body: { job_id: job.id } };
  };

  const getFields = (): SandboxReply => ({
    status: 200,
    body: { custom_fields: account.fields, reserved_fields: RESERVED_FIELDS, _metadata: { self: '' } },
  });

  const postField = (request: SandboxRequest): SandboxReply => {
    const { name, field_type: type } = (request.body ?? {}) as { name?: unknown; field_type?: unknown };
    if (typeof name !== 'string' || !FIELD_NAME.test(name))
      return bad('name must be letters, digits and _, not starting with a digit, at most 100 characters', 'name');
    if (type !== 'Text' && type !== 'Number' && type !== 'Date')
      return bad('field_type must be Text, Number or Date', 'field_type');
    if (account.fieldByName(name) !== undefined || RESERVED_FIELDS.some((f) => f.name === name.toLowerCase()))
      return bad(`a field named ${name} already exists`, 'name');
    if (account.fields.length >= 500) return bad('you can have at most 500 custom fields', 'name');
    return { status: 200, body: account.addField(name, type) };
  };

  return [
    { method: 'GET', path: '/v3/marketing/field_definitions', handler: getFields },
    { method: 'POST', path: '/v3/marketing/field_definitions', handler: postField },
    { method: 'PUT', path: '/v3/marketing/contacts', handler: putContacts },
    { method: 'DELETE', path: '/v3/marketing/contacts', handler: deleteContacts },
    { method: 'GET', path: '/v3/marketing/contacts/imports/:id', handler: importStatus },
    { method: 'POST', path: '/v3/marketing/contacts/search/emails', handler: searchEmails },
  ];
}
