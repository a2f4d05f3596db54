import { randomUUID } from 'node:crypto';
import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import { subscriberHash } from '../client';
import type { MemberStatus } from '../schemas/member';
import type { MemberStore } from './store';
import { applyInput, batchSubscribe, memberProblem, type BatchBody, type MemberInput } from './writes';

/** The sandbox's Mailchimp routes, under /3.0 like the real base URL. Errors use Mailchimp's problem shape. */

export const API_PREFIX = '/3.0';
export const MAX_BATCH = 500;
export const MAX_COUNT = 1000;

export function problem(
  status: number,
  title: string,
  detail: string,
  errors?: { field: string; message: string }[],
): SandboxReply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: {
      type: 'https://mailchimp.com/developer/marketing/docs/errors/',
      title,
      status,
      detail,
      instance: randomUUID(),
      ...(errors ? { errors } : {}),
    },
  };
}

const notFound = () => problem(404, 'Resource Not Found', 'The requested resource could not be found.');

const invalid = (detail: string, field: string, message: string) =>
  problem(400, 'Invalid Resource', detail, [{ field, message }]);

/** The member's public JSON (what GET returns). */
function view(member: object): object {
  return { ...member, _links: [] };
}

export function mailchimpRoutes(store: MemberStore, clock: () => number, listName: string): SandboxRoute[] {
  const list = (req: SandboxRequest) => req.params.listId === store.listId;
  const route = (method: string, path: string, handler: SandboxRoute['handler']): SandboxRoute => ({
    method,
    path: API_PREFIX + path,
    handler: (req) => (path.startsWith('/lists/') && !list(req) ? notFound() : handler(req)),
  });
  const member = (req: SandboxRequest) => store.get(req.params.hash!);

  return [
    route('GET', '/ping', () => ({ status: 200, body: { health_status: "Everything's Chimpy!" } })),
    route('GET', '/lists/:listId', () => ({
      status: 200,
      body: {
        id: store.listId,
        name: listName,
        stats: { member_count: [...store.members.values()].filter((m) => m.status === 'subscribed').length },
      },
    })),
    route('POST', '/lists/:listId', (req) => {
      const body = (req.body ?? {}) as BatchBody;
      if (!Array.isArray(body.members))
        return invalid(
          "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
          'members',
          'Schema describes array, object found instead',
        );
      if (body.members.length > MAX_BATCH)
        return invalid(
          "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
          'members',
          `Maximum allowed member items exceeded, please provide at most ${MAX_BATCH} items.`,
        );
      const result = batchSubscribe(
        store,
        body,
        {
          skipMergeValidation: req.query.skip_merge_validation === 'true',
          skipDuplicateCheck: req.query.skip_duplicate_check === 'true',
        },
        clock(),
      );
      return {
        status: 200,
        body: {
          ...result,
          new_members: result.new_members.map(view),
          updated_members: result.updated_members.map(view),
        },
      };
    }),
    route('GET', '/lists/:listId/members', (req) => {
      const count = req.query.count === undefined ? 10 : Number(req.query.count);
      const offset = req.query.offset === undefined ? 0 : Number(req.query.offset);
      if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT)
        return invalid('The value of count is invalid.', 'count', `count must be between 1 and ${MAX_COUNT}.`);
      if (!Number.isInteger(offset) || offset < 0)
        return invalid('The value of offset is invalid.', 'offset', 'offset must be a positive integer.');
      let since: number | undefined;
      if (req.query.since_last_changed !== undefined) {
        since = Date.parse(req.query.since_last_changed);
        if (Number.isNaN(since))
          return invalid('since_last_changed is not a valid date.', 'since_last_changed', 'Use ISO 8601.');
      }
      const page = store.page({
        since,
        status: req.query.status,
        offset,
        count,
        desc: req.query.sort_dir === 'DESC',
      });
      return {
        status: 200,
        body: { members: page.members.map(view), list_id: store.listId, total_items: page.total, _links: [] },
      };
    }),
    route('GET', '/lists/:listId/members/:hash', (req) => {
      const found = member(req);
      return found ? { status: 200, body: view(found) } : notFound();
    }),
    route('PUT', '/lists/:listId/members/:hash', (req) => putMember(req, false)),
    route('PATCH', '/lists/:listId/members/:hash', (req) => putMember(req, true)),
    route('DELETE', '/lists/:listId/members/:hash', (req) => {
      const found = member(req);
      if (!found || found.status === 'archived') return notFound();
      found.status = 'archived';
      store.put(found, clock());
      return { status: 204 };
    }),
    route('POST', '/lists/:listId/members/:hash/tags', (req) => {
      const found = member(req);
      if (!found) return notFound();
      const tags = (req.body as { tags?: unknown } | undefined)?.tags;
      if (!Array.isArray(tags) || tags.some((t) => typeof (t as { name?: unknown })?.name !== 'string'))
        return invalid('Tags must be an array of {name, status}.', 'tags', 'Schema describes array.');
      for (const tag of tags as { name: string; status?: string }[]) {
        if (tag.status === 'inactive') found.tags = found.tags.filter((t) => t.name !== tag.name);
        else store.applyTags(found, [tag.name]);
      }
      store.put(found, clock());
      return { status: 204 };
    }),
    route('POST', '/lists/:listId/members/:hash/actions/delete-permanent', (req) => {
      const found = member(req);
      if (!found) return notFound();
      store.remove(found.id);
      store.erased.add(found.id);
      return { status: 204 };
    }),
    route('GET', '/lists/:listId/merge-fields', () => ({
      status: 200,
      body: {
        merge_fields: store.mergeFields.map((f) => ({ ...f, list_id: store.listId })),
        list_id: store.listId,
        total_items: store.mergeFields.length,
      },
    })),
  ];

  function putMember(req: SandboxRequest, patch: boolean): SandboxReply {
    const input = (req.body ?? {}) as MemberInput;
    const existing = member(req);
    if (patch && !existing) return notFound();
    const email = typeof input.email_address === 'string' ? input.email_address : existing?.email_address;
    const hashParam = req.params.hash!;
    const hash = hashParam.includes('@') ? subscriberHash(hashParam) : hashParam;
    if (email === undefined || subscriberHash(email) !== hash)
      return invalid('The email address does not match the subscriber hash.', 'email_address', 'Mismatch.');
    const error = memberProblem(
      store,
      { ...input, email_address: email },
      {
        skipMergeValidation: req.query.skip_merge_validation === 'true',
      },
    );
    if (error) return invalid(error.error, error.field, error.field_message);
    const at = clock();
    if (existing && existing.status !== 'archived') {
      applyInput(store, existing, input, at);
      return { status: 200, body: view(existing) };
    }
    const status = (input.status ?? input.status_if_new) as MemberStatus | undefined;
    if (typeof status !== 'string')
      return invalid(
        'The resource submitted could not be validated.',
        'status_if_new',
        'A status is required for new members.',
      );
    const created = store.create(email, status, at);
    applyInput(store, created, { ...input, status: undefined }, at);
    return { status: 200, body: view(created) };
  }
}
