import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConcurrencyGauge,
  latencyFor,
  startSandboxServer,
  type LatencyModel,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
} from '../../core/sdk';
import { subscriberHash } from './client';
import type { MemberStatus } from './schemas/member';
import { API_PREFIX, mailchimpRoutes, problem } from './sandbox/routes';
import { seedMembers } from './sandbox/seed';
import { MemberStore, type MergeValue, type SandboxMember } from './sandbox/store';
import { WEBHOOK_TOKEN_PARAM } from './webhooks';

/**
 * A local stand-in for the Mailchimp Marketing API (one audience), for the demo, e2e tests and benchmarks.
 * Enforces what the connector relies on: Basic (any user, key as password) or Bearer auth; 10 simultaneous
 * connections (429 beyond, unless enforceLimits is false); batch subscribe ≤500 with per-member errors; members
 * paging (count ≤1000, offset, since_last_changed, sorted by last_changed); merge fields; tags; archive; erasure
 * (an erased address cannot be re-imported). UI-style changes (`unsubscribe`, `updateMember`, `cleanMember`) bump
 * last_changed and POST the form-encoded webhook to `webhookUrl?token=<webhookSecret>`.
 */

export const SANDBOX_API_KEY = 'sandbox-key-us1';
export const SANDBOX_ACCESS_TOKEN = 'sandbox-oauth-token';
export const DEFAULT_LIST_ID = 'sandbox01';
export const DEFAULT_MERGE_FIELDS = ['FNAME', 'LNAME', 'PHONE', 'CITY'];
export const CONNECTION_LIMIT = 10;

export interface MailchimpSandboxOptions extends SandboxOptions {
  listId?: string;
  /** Merge fields of the audience (default FNAME, LNAME, PHONE, CITY). */
  mergeFields?: (string | { tag: string; name?: string; type?: string })[];
  /** Delay of every answer in ms (to make simultaneous connections observable). */
  latencyMs?: number;
  /**
   * How long answers take, as Mailchimp's do: a fixed part, a part per member of a batch and a spread (see
   * LatencyModel); replaces `latencyMs`. With it the 10-connection limit bites as it does against the real API.
   */
  latency?: LatencyModel | number;
  /** Clock of last_changed (tests); default Date.now. */
  clock?: () => number;
}

export interface WebhookDelivery {
  type: string;
  status?: number;
  error?: string;
}

export interface MailchimpSandbox extends ConnectorSandbox {
  settings: {
    apiKey: string;
    listId: string;
    baseUrl: string;
    maxConnections: number;
    webhookToken?: string;
  };
  listId: string;
  /** The audience, by subscriber hash (direct access for tests and the demo). */
  members: Map<string, SandboxMember>;
  /** The member with this address (any casing/padding), or undefined. */
  member(email: string): SandboxMember | undefined;
  /** Hashes of permanently deleted addresses. */
  erased: Set<string>;
  /** Most requests seen in flight at once. */
  readonly peakConcurrency: number;
  /** Webhooks the sandbox sent, in order. */
  webhookDeliveries: WebhookDelivery[];
  /** The member unsubscribes (as from an e-mail footer): status, last_changed, `unsubscribe` webhook. */
  unsubscribe(email: string): Promise<SandboxMember>;
  /** A user edits the member in the Mailchimp UI: merge fields, language, or the address (`upemail` webhook). */
  updateMember(
    email: string,
    changes: {
      merge_fields?: Record<string, MergeValue>;
      language?: string;
      email_address?: string;
      status?: MemberStatus;
    },
  ): Promise<SandboxMember>;
  /** The address bounces hard: status cleaned, `cleaned` webhook. */
  cleanMember(email: string): Promise<SandboxMember>;
  /** Holds every answer until the returned function is called (to observe concurrency deterministically). */
  hold(): () => void;
}

/** "Y-m-d H:i:s" in UTC, as Mailchimp writes fired_at. */
function firedAt(at: number): string {
  return new Date(at).toISOString().slice(0, 19).replace('T', ' ');
}

/** Members a request carries: those of a batch subscribe, else 1. */
function membersOf(body: unknown): number {
  const members = (body as { members?: unknown } | undefined)?.members;
  return Array.isArray(members) ? members.length : 1;
}

function authorised(req: SandboxRequest): boolean {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7) === SANDBOX_ACCESS_TOKEN;
  if (!header.startsWith('Basic ')) return false;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) === SANDBOX_API_KEY;
}

export async function startSandbox(options: MailchimpSandboxOptions = {}): Promise<MailchimpSandbox> {
  const clock = options.clock ?? Date.now;
  const listId = options.listId ?? DEFAULT_LIST_ID;
  const store = new MemberStore(listId, options.mergeFields ?? DEFAULT_MERGE_FIELDS);
  seedMembers(store, options.seedContacts ?? 0, options.seed);
  const enforce = options.enforceLimits !== false;
  const gauge = new ConcurrencyGauge(enforce ? CONNECTION_LIMIT : Number.MAX_SAFE_INTEGER);
  const entered = new WeakSet<SandboxRequest>();
  let gate: Promise<void> | undefined;
  const routes = mailchimpRoutes(store, clock, 'Sandbox audience').map((route) => ({
    ...route,
    handler: async (req: SandboxRequest): Promise<SandboxReply> => {
      const delay = latencyFor(options.latency ?? options.latencyMs, membersOf(req.body));
      if (delay > 0) await sleep(delay);
      if (gate) await gate;
      return route.handler(req);
    },
  }));

  const server = await startSandboxServer({
    port: options.port,
    routes,
    before(req) {
      if (!gauge.enter())
        return problem(
          429,
          'Too Many Requests',
          `You have exceeded the limit of ${CONNECTION_LIMIT} simultaneous connections.`,
        );
      entered.add(req);
      if (!authorised(req))
        return problem(
          401,
          'API Key Invalid',
          "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
        );
      return undefined;
    },
    after(req) {
      if (entered.delete(req)) gauge.leave();
    },
  });

  const webhookDeliveries: WebhookDelivery[] = [];
  async function fire(type: string, data: Record<string, string>): Promise<void> {
    if (options.webhookUrl === undefined) return;
    const url = new URL(options.webhookUrl);
    if (options.webhookSecret !== undefined) url.searchParams.set(WEBHOOK_TOKEN_PARAM, options.webhookSecret);
    const form = new URLSearchParams({ type, fired_at: firedAt(clock()) });
    for (const [key, value] of Object.entries(data)) form.append(`data[${key.replace(/\./g, '][')}]`, value);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'MailChimp' },
        body: form.toString(),
      });
      await response.arrayBuffer();
      webhookDeliveries.push({ type, status: response.status });
    } catch (error) {
      webhookDeliveries.push({ type, error: error instanceof Error ? error.message : String(error) });
    }
  }

  function must(email: string): SandboxMember {
    const found = store.get(email.includes('@') ? subscriberHash(email) : email);
    if (!found) throw new Error(`the sandbox audience has no member ${email}`);
    return found;
  }

  function memberData(member: SandboxMember): Record<string, string> {
    const data: Record<string, string> = {
      id: member.unique_email_id,
      email: member.email_address,
      email_type: 'html',
      list_id: listId,
      'merges.EMAIL': member.email_address,
    };
    for (const [tag, value] of Object.entries(member.merge_fields))
      if (typeof value === 'string' || typeof value === 'number') data[`merges.${tag}`] = String(value);
    return data;
  }

  const settings: MailchimpSandbox['settings'] = {
    apiKey: SANDBOX_API_KEY,
    listId,
    baseUrl: `${server.url}${API_PREFIX}`,
    maxConnections: 8,
  };
  if (options.webhookSecret !== undefined) settings.webhookToken = options.webhookSecret;

  return {
    connector: 'mailchimp',
    url: server.url,
    settings,
    server,
    listId,
    members: store.members,
    erased: store.erased,
    member: (email) => store.get(subscriberHash(email)),
    get peakConcurrency() {
      return gauge.peak;
    },
    webhookDeliveries,
    async unsubscribe(email) {
      const member = must(email);
      member.status = 'unsubscribed';
      member.unsubscribe_reason = 'N/A (Unsubscribed by the contact)';
      store.put(member, clock());
      await fire('unsubscribe', { ...memberData(member), action: 'unsub', reason: 'manual' });
      return member;
    },
    async updateMember(email, changes) {
      const member = must(email);
      const oldEmail = member.email_address;
      const newEmail = changes.email_address?.trim();
      if (newEmail !== undefined && subscriberHash(newEmail) !== member.id) {
        store.remove(member.id);
        member.id = subscriberHash(newEmail);
        member.email_address = newEmail;
      }
      if (changes.merge_fields) Object.assign(member.merge_fields, changes.merge_fields);
      if (changes.language !== undefined) member.language = changes.language;
      if (changes.status !== undefined) member.status = changes.status;
      store.put(member, clock());
      if (newEmail !== undefined && newEmail !== oldEmail)
        await fire('upemail', { list_id: listId, new_id: member.id, new_email: newEmail, old_email: oldEmail });
      else await fire('profile', memberData(member));
      return member;
    },
    async cleanMember(email) {
      const member = must(email);
      member.status = 'cleaned';
      store.put(member, clock());
      await fire('cleaned', {
        list_id: listId,
        campaign_id: 'sandboxcmp',
        reason: 'hard',
        email: member.email_address,
      });
      return member;
    },
    hold() {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return () => {
        gate = undefined;
        release();
      };
    },
    close: () => server.close(),
  };
}
