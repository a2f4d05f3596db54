import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import { SearchError, validateSearch, type SearchRequest } from './search';
import { present } from './store';
import {
  DEAL_TO_CONTACT,
  EMAIL_PATTERN,
  OBJECT_ALIASES,
  associateContact,
  errorBody,
  errorReply,
  propertyProblems,
  type ObjectName,
  type SandboxState,
} from './state';

/** The HubSpot endpoints the sandbox serves, as HubSpot answers them (shapes, limits, 200/207 and error bodies). */

const BATCH_LIMIT = 100;
const LIST_LIMIT = 100;

interface BatchInput {
  id?: unknown;
  idProperty?: unknown;
  properties?: unknown;
  objectWriteTraceId?: unknown;
  associations?: { to?: { id?: unknown }; types?: { associationCategory?: unknown; associationTypeId?: unknown }[] }[];
}

function objectOf(request: SandboxRequest): ObjectName | SandboxReply {
  const name = OBJECT_ALIASES[request.params.object ?? ''];
  return name ?? errorReply(400, `Unable to infer object type from: ${request.params.object}`, 'VALIDATION_ERROR');
}

function inputsOf(request: SandboxRequest): BatchInput[] | SandboxReply {
  const inputs = (request.body as { inputs?: unknown } | undefined)?.inputs;
  if (!Array.isArray(inputs)) return errorReply(400, 'Invalid input JSON: inputs is required', 'VALIDATION_ERROR');
  if (inputs.length > BATCH_LIMIT)
    return errorReply(
      400,
      `Batch input size ${inputs.length} exceeds the maximum of ${BATCH_LIMIT}`,
      'VALIDATION_ERROR',
      {
        context: { maxInputs: [String(BATCH_LIMIT)] },
      },
    );
  return inputs as BatchInput[];
}

const isReply = (value: unknown): value is SandboxReply =>
  typeof value === 'object' &&
  value !== null &&
  'status' in value &&
  typeof (value as SandboxReply).status === 'number';

function batchReply(results: unknown[], errors: unknown[], okStatus = 200): SandboxReply {
  const now = new Date().toISOString();
  const body: Record<string, unknown> = { status: 'COMPLETE', results, startedAt: now, completedAt: now };
  if (errors.length > 0) Object.assign(body, { errors, numErrors: errors.length });
  return { status: errors.length > 0 ? 207 : okStatus, body };
}

function inputError(message: string, context: Record<string, string[]>) {
  return { ...errorBody(message, 'VALIDATION_ERROR'), context, errors: [{ message }], links: {} };
}

export function buildRoutes(state: SandboxState): SandboxRoute[] {
  const list = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const limit = Number(request.query.limit ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT)
      return errorReply(400, `limit must be between 1 and ${LIST_LIMIT}`, 'VALIDATION_ERROR');
    if (request.query.archived === 'true') return { status: 200, body: { results: [] } };
    const store = state.stores[object];
    const wanted = (request.query.properties ?? '').split(',').filter(Boolean);
    const page = store.list(request.query.after, limit);
    const body: Record<string, unknown> = { results: page.results.map((o) => present(store, o, wanted)) };
    if (page.next !== undefined) body.paging = { next: { after: page.next, link: `?after=${page.next}` } };
    return { status: 200, body };
  };

  const search = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const body = (request.body ?? {}) as SearchRequest;
    let page: { limit: number; offset: number };
    let matches;
    try {
      page = validateSearch(body, request.rawBody.length);
      matches = state.searchers[object].matches(body);
    } catch (error) {
      if (error instanceof SearchError)
        return errorReply(400, `There was a problem with the request. ${error.message}`, 'VALIDATION_ERROR');
      throw error;
    }
    const store = state.stores[object];
    const slice = matches.slice(page.offset, page.offset + page.limit);
    const reply: Record<string, unknown> = {
      total: matches.length,
      results: slice.map((o) => present(store, o, body.properties)),
    };
    const next = page.offset + page.limit;
    if (next < matches.length) reply.paging = { next: { after: String(next) } };
    return { status: 200, body: reply };
  };

  const upsert = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const inputs = inputsOf(request);
    if (isReply(inputs)) return inputs;
    const store = state.stores[object];
    const unique = store.options.unique;
    if (unique === undefined)
      return errorReply(400, `${object} have no unique property to upsert by`, 'VALIDATION_ERROR');
    const ids = inputs.map((i) => (typeof i.id === 'string' ? unique.normalize(i.id) : ''));
    const dupes = ids.filter((id, n) => ids.indexOf(id) !== n);
    if (dupes.length > 0)
      return errorReply(400, `Duplicate IDs found in batch input: [${dupes.join(', ')}]`, 'VALIDATION_ERROR');
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = typeof input.id === 'string' ? input.id : '';
      if (input.idProperty !== unique.property) {
        errors.push(
          inputError(`Property ${String(input.idProperty)} is not a unique identifier property`, { ids: [id] }),
        );
        continue;
      }
      const properties = (input.properties ?? {}) as Record<string, unknown>;
      const problems = propertyProblems(object, properties);
      if (object === 'contacts' && !EMAIL_PATTERN.test(id.trim())) problems.unshift(`Email address ${id} is invalid`);
      if (id === '') problems.unshift('id is required');
      if (problems.length > 0) {
        errors.push(inputError(`Property values were not valid: ${problems.join('; ')}`, { ids: [id] }));
        continue;
      }
      const values = { ...(properties as Record<string, string>), [unique.property]: id.trim() };
      const existing = store.findByUnique(id);
      const saved = existing ? store.update(existing.id, values) : store.create(values);
      const wanted = [...Object.keys(values), unique.property];
      results.push({ ...present(store, saved, wanted), new: existing === undefined });
    }
    return batchReply(results, errors);
  };

  const create = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const inputs = inputsOf(request);
    if (isReply(inputs)) return inputs;
    const store = state.stores[object];
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const trace = typeof input.objectWriteTraceId === 'string' ? input.objectWriteTraceId : undefined;
      const context: Record<string, string[]> = trace === undefined ? {} : { objectWriteTraceId: [trace] };
      const properties = (input.properties ?? {}) as Record<string, unknown>;
      const problems = propertyProblems(object, properties);
      const links: string[] = [];
      const contactLinks: string[] = [];
      for (const association of input.associations ?? []) {
        const to = String(association.to?.id ?? '');
        const type = association.types?.[0];
        if (object === 'deals' && type?.associationTypeId === DEAL_TO_CONTACT) {
          if (type.associationCategory !== 'HUBSPOT_DEFINED')
            problems.push(`association category must be HUBSPOT_DEFINED`);
          else if (state.stores.contacts.get(to) === undefined) problems.push(`contact ${to} does not exist`);
          else contactLinks.push(to);
        } else if (
          object !== 'line_items' ||
          type?.associationTypeId !== 20 ||
          type.associationCategory !== 'HUBSPOT_DEFINED'
        )
          problems.push(`association type ${String(type?.associationTypeId)} is not valid from ${object} to a deal`);
        else if (state.stores.deals.get(to) === undefined) problems.push(`deal ${to} does not exist`);
        else links.push(to);
      }
      if (problems.length > 0) {
        errors.push(inputError(problems.join('; '), context));
        continue;
      }
      const saved = store.create(properties as Record<string, string>);
      for (const contact of contactLinks) associateContact(state, saved.id, contact);
      for (const deal of links) {
        const set = state.associations.get(deal) ?? new Set<string>();
        set.add(saved.id);
        state.associations.set(deal, set);
      }
      results.push({
        ...present(store, saved, Object.keys(properties)),
        ...(trace ? { objectWriteTraceId: trace } : {}),
      });
    }
    return batchReply(results, errors, 201);
  };

  const read = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const inputs = inputsOf(request);
    if (isReply(inputs)) return inputs;
    const store = state.stores[object];
    const wanted = (request.body as { properties?: string[] }).properties ?? [];
    const results: unknown[] = [];
    const missing: string[] = [];
    for (const input of inputs) {
      const found = store.get(String(input.id));
      if (found) results.push(present(store, found, wanted));
      else missing.push(String(input.id));
    }
    const errors =
      missing.length === 0
        ? []
        : [{ ...errorBody('Could not get some objects', 'OBJECT_NOT_FOUND'), context: { ids: missing } }];
    return batchReply(results, errors);
  };

  const archive = (request: SandboxRequest): SandboxReply => {
    const object = objectOf(request);
    if (isReply(object)) return object;
    const inputs = inputsOf(request);
    if (isReply(inputs)) return inputs;
    for (const input of inputs) {
      const id = String(input.id);
      state.stores[object].remove(id);
      if (object === 'line_items') for (const set of state.associations.values()) set.delete(id);
      if (object === 'deals') {
        state.associations.delete(id);
        state.dealContacts.delete(id);
      }
    }
    return { status: 204 };
  };

  const gdprDelete = (request: SandboxRequest): SandboxReply => {
    const body = (request.body ?? {}) as { objectId?: unknown; idProperty?: unknown };
    if (typeof body.objectId !== 'string' || body.objectId === '')
      return errorReply(400, 'Invalid input JSON: objectId is required', 'VALIDATION_ERROR');
    const contacts = state.stores.contacts;
    if (body.idProperty !== undefined && body.idProperty !== 'email')
      return errorReply(
        400,
        `Property ${String(body.idProperty)} is not a unique identifier property`,
        'VALIDATION_ERROR',
      );
    const found = body.idProperty === 'email' ? contacts.findByUnique(body.objectId) : contacts.get(body.objectId);
    if (found) contacts.remove(found.id);
    if (body.idProperty === 'email') state.blocklist.add(body.objectId.trim().toLowerCase());
    return { status: 204 };
  };

  const dealContacts = (inputs: BatchInput[]): SandboxReply => {
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id);
      const entry = state.dealContacts.get(id);
      const ids = (entry?.ids ?? []).filter((c) => state.stores.contacts.get(c) !== undefined);
      if (ids.length === 0) {
        errors.push({
          ...errorBody(`No contacts are associated with deal ${id}.`, 'OBJECT_NOT_FOUND'),
          context: { fromObjectId: [id] },
        });
        continue;
      }
      results.push({
        from: { id },
        to: ids.map((contact) => ({
          toObjectId: Number(contact),
          associationTypes: [
            { category: 'HUBSPOT_DEFINED', typeId: DEAL_TO_CONTACT, label: null },
            ...(entry?.primary === contact ? [{ category: 'USER_DEFINED', typeId: 1001, label: 'Primary' }] : []),
          ],
        })),
      });
    }
    return batchReply(results, errors);
  };

  const associations = (request: SandboxRequest): SandboxReply => {
    const from = OBJECT_ALIASES[request.params.from ?? ''];
    const to = OBJECT_ALIASES[request.params.to ?? ''];
    if (from !== 'deals' || (to !== 'line_items' && to !== 'contacts'))
      return errorReply(400, `The sandbox only associates deals to line items and contacts`, 'VALIDATION_ERROR');
    const inputs = inputsOf(request);
    if (isReply(inputs)) return inputs;
    if (to === 'contacts') return dealContacts(inputs);
    const results: unknown[] = [];
    const errors: unknown[] = [];
    for (const input of inputs) {
      const id = String(input.id);
      const items = [...(state.associations.get(id) ?? [])];
      if (items.length === 0) {
        errors.push({
          ...errorBody(`No line_items are associated with deal ${id}.`, 'OBJECT_NOT_FOUND'),
          context: { fromObjectId: [id] },
        });
        continue;
      }
      results.push({
        from: { id },
        to: items.map((item) => ({
          toObjectId: Number(item),
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 19, label: null }],
        })),
      });
    }
    return batchReply(results, errors);
  };

  return [
    { method: 'GET', path: '/crm/v3/objects/:object', handler: list },
    { method: 'POST', path: '/crm/v3/objects/:object/search', handler: search },
    { method: 'POST', path: '/crm/v3/objects/contacts/gdpr-delete', handler: gdprDelete },
    { method: 'POST', path: '/crm/v3/objects/:object/batch/upsert', handler: upsert },
    { method: 'POST', path: '/crm/v3/objects/:object/batch/create', handler: create },
    { method: 'POST', path: '/crm/v3/objects/:object/batch/read', handler: read },
    { method: 'POST', path: '/crm/v3/objects/:object/batch/archive', handler: archive },
    { method: 'POST', path: '/crm/v4/associations/:from/:to/batch/read', handler: associations },
  ];
}
