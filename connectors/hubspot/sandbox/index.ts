import { setTimeout as sleep } from 'node:timers/promises';
import {
  RollingWindow,
  latencyFor,
  startSandboxServer,
  type LatencyModel,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRoute,
  signHubspotV3,
} from '../../../core/sdk';
import { BURST_PER_10S, type HubSpotSettings, type HubSpotTier } from '../schemas/settings';
import { buildRoutes } from './routes';
import { seedContacts } from './seed';
import { associateContact, createState, errorReply, type ObjectName } from './state';
import type { ObjectStore, SandboxObject } from './store';

/**
 * A local stand-in for HubSpot CRM v3, for the demo, end-to-end tests and benchmarks: contacts, companies, deals
 * and line items in memory, with HubSpot's paging, search (and its 10,000-result cap), batch limits, 207 partial
 * failures, Bearer auth, the ten-secondly burst and 5/s search limits with HubSpot's 429 bodies and headers, and
 * v3-signed webhooks when a contact is edited "in the UI".
 */

export const SANDBOX_TOKEN = 'sandbox-token';

export interface HubSpotSandboxOptions extends SandboxOptions {
  /** Tier whose burst limit the sandbox enforces (default professional: 190 per 10 s). */
  tier?: HubSpotTier;
  /** Token the sandbox accepts (default 'sandbox-token'). */
  accessToken?: string;
  /** Unique deal property upserts match on (default external_deal_id). */
  dealIdProperty?: string;
  /**
   * Time on the way in, before HubSpot counts the request (it counts arrivals): varying it is what makes a client
   * that counts its window from the moment it sends see 429s at window edges. Default none.
   */
  arrivalDelay?: LatencyModel | number;
  /** Time to answer once the request has arrived and been counted (per record: batch inputs). Default none. */
  latency?: LatencyModel | number;
  /** The burst window, for tests that cannot wait 10 s: requests per `burstIntervalMs` (default: the tier's). */
  burstLimit?: number;
  /** Length of the burst window in ms (default 10,000). */
  burstIntervalMs?: number;
}

export interface WebhookDelivery {
  status: number;
  events: unknown[];
}

export interface HubSpotSandbox extends ConnectorSandbox {
  connector: 'hubspot';
  settings: HubSpotSettings;
  contacts: ObjectStore;
  companies: ObjectStore;
  deals: ObjectStore;
  lineItems: ObjectStore;
  /** Line item ids of a deal. */
  lineItemsOf(dealId: string): string[];
  /** Associates a contact with a deal, as a user does on the deal's record (optionally labelled Primary). */
  associateContact(dealId: string, contactId: string, options?: { primary?: boolean }): void;
  /** Creates or updates a contact by e-mail as a user would in HubSpot; fires the webhook. */
  upsertContact(properties: Record<string, string>): Promise<SandboxObject>;
  /** Edits a contact as a user would in HubSpot: bumps lastmodifieddate, fires contact.propertyChange webhooks. */
  updateContact(id: string, properties: Record<string, string>): Promise<SandboxObject>;
  /** Deletes a contact in the UI; fires contact.deletion. */
  removeContact(id: string): Promise<boolean>;
  /** Adds `count` plain contacts at once (no webhooks): e-mails `<prefix><n>@example.com`. */
  addContacts(count: number, options?: { modifiedAt?: number | string; prefix?: string }): SandboxObject[];
  /** Sets the modification time of some records (or all of a type) without other changes. */
  setModifiedTime(ids: string[] | 'all', at: number | string, object?: ObjectName): void;
  /** Webhook deliveries made so far, with the status the receiver answered (0: unreachable). */
  deliveries: WebhookDelivery[];
}

/** Records a request carries: the inputs of a batch call, else 1. */
function inputsOf(body: unknown): number {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  return Array.isArray(inputs) ? inputs.length : 1;
}

const time = (at: number | string) => (typeof at === 'number' ? at : Date.parse(at));

const SEARCH_ROUTE = '/crm/v3/objects/:object/search';
const DAILY_LIMIT = 625_000;

export async function startSandbox(options: HubSpotSandboxOptions = {}): Promise<HubSpotSandbox> {
  const token = options.accessToken ?? SANDBOX_TOKEN;
  const tier = options.tier ?? 'professional';
  const enforce = options.enforceLimits !== false;
  const state = createState(options.dealIdProperty ?? 'external_deal_id');
  seedContacts(state, options.seedContacts ?? 0, options.seed);

  const burstIntervalMs = options.burstIntervalMs ?? 10_000;
  const burst = new RollingWindow(options.burstLimit ?? BURST_PER_10S[tier], burstIntervalMs);
  const secondly = new RollingWindow(5, 1_000);
  let daily = 0;
  const rateHeaders = (): Record<string, string> => ({
    'x-hubspot-ratelimit-max': String(burst.limit),
    'x-hubspot-ratelimit-remaining': String(burst.remaining()),
    'x-hubspot-ratelimit-interval-milliseconds': String(burstIntervalMs),
    'x-hubspot-ratelimit-daily': String(DAILY_LIMIT),
    'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, DAILY_LIMIT - daily)),
  });

  const before = async (request: { headers: Record<string, string | undefined> }, route: SandboxRoute) => {
    const delay = latencyFor(options.arrivalDelay);
    if (delay > 0) await sleep(delay);
    if (request.headers.authorization !== `Bearer ${token}`) {
      return errorReply(
        401,
        'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        'INVALID_AUTHENTICATION',
      );
    }
    if (!enforce) return undefined;
    if (route.path === SEARCH_ROUTE) {
      // search has its own limit, and its responses carry no rate-limit headers
      if (secondly.take() > 0) {
        return {
          status: 429,
          body: {
            status: 'error',
            message: 'You have reached your secondly limit.',
            errorType: 'RATE_LIMIT',
            correlationId: crypto.randomUUID(),
            policyName: 'SECONDLY',
          },
        };
      }
      return undefined;
    }
    if (burst.take() > 0) {
      return {
        status: 429,
        headers: rateHeaders(),
        body: {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: crypto.randomUUID(),
          policyName: 'TEN_SECONDLY_ROLLING',
          groupName: 'sandbox',
        },
      } satisfies SandboxReply;
    }
    daily++;
    return undefined;
  };

  const routes = buildRoutes(state).map((route) => ({
    ...route,
    handler: async (request: Parameters<SandboxRoute['handler']>[0]) => {
      const delay = latencyFor(options.latency, inputsOf(request.body));
      if (delay > 0) await sleep(delay);
      const reply = await route.handler(request);
      if (route.path === SEARCH_ROUTE) return reply;
      return { ...reply, headers: { ...rateHeaders(), ...reply.headers } };
    },
  }));
  const server = await startSandboxServer({ port: options.port ?? 0, routes, before });

  const deliveries: WebhookDelivery[] = [];
  let eventId = 1;
  const deliver = async (events: Record<string, unknown>[]) => {
    if (options.webhookUrl === undefined || events.length === 0) return;
    const body = JSON.stringify(events);
    const timestamp = String(Date.now());
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
    };
    if (options.webhookSecret !== undefined) {
      headers['x-hubspot-signature-v3'] = signHubspotV3({
        clientSecret: options.webhookSecret,
        method: 'POST',
        uri: options.webhookUrl,
        body,
        timestamp,
      });
    }
    // an unreachable receiver is recorded as status 0, as HubSpot would retry it later
    const status = await fetch(options.webhookUrl, { method: 'POST', headers, body }).then(
      (response) => response.status,
      () => 0,
    );
    deliveries.push({ status, events });
  };
  const event = (type: string, objectId: string, extra: Record<string, unknown> = {}) => ({
    eventId: eventId++,
    subscriptionId: 1,
    portalId: 1,
    appId: 1,
    occurredAt: Date.now(),
    subscriptionType: type,
    attemptNumber: 0,
    objectId: Number(objectId),
    changeSource: 'CRM_UI',
    ...extra,
  });
  const changeEvents = (id: string, properties: Record<string, string>) =>
    Object.entries(properties).map(([propertyName, propertyValue]) =>
      event('contact.propertyChange', id, { propertyName, propertyValue }),
    );
  const contacts = state.stores.contacts;

  const settings: HubSpotSettings = { accessToken: token, tier, baseUrl: server.url };
  if (options.webhookSecret !== undefined) settings.clientSecret = options.webhookSecret;
  if (!enforce) settings.searchRateLimit = 1000;

  const updateContact = async (id: string, properties: Record<string, string>) => {
    // a UI edit always moves the modification time forward, even within one millisecond
    const at = Math.max(Date.now(), (contacts.get(id)?.updatedAt ?? 0) + 1);
    const updated = contacts.update(id, properties, at);
    await deliver(changeEvents(id, properties));
    return updated;
  };

  return {
    connector: 'hubspot',
    url: server.url,
    settings,
    server,
    contacts,
    companies: state.stores.companies,
    deals: state.stores.deals,
    lineItems: state.stores.line_items,
    deliveries,
    lineItemsOf: (dealId) => [...(state.associations.get(dealId) ?? [])],
    associateContact: (dealId, contactId, extra = {}) => associateContact(state, dealId, contactId, extra.primary),
    async upsertContact(properties) {
      const existing = properties.email === undefined ? undefined : contacts.findByUnique(properties.email);
      if (existing) return updateContact(existing.id, properties);
      const created = contacts.create(properties);
      await deliver([event('contact.creation', created.id), ...changeEvents(created.id, properties)]);
      return created;
    },
    updateContact,
    async removeContact(id) {
      const removed = contacts.remove(id);
      if (removed) await deliver([event('contact.deletion', id)]);
      return removed;
    },
    addContacts(count, extra = {}) {
      const at = extra.modifiedAt === undefined ? Date.now() : time(extra.modifiedAt);
      const prefix = extra.prefix ?? 'bulk';
      const start = contacts.size;
      const out: SandboxObject[] = [];
      for (let i = 0; i < count; i++) {
        out.push(contacts.create({ email: `${prefix}${start + i}@example.com`, lifecyclestage: 'lead' }, at));
      }
      return out;
    },
    setModifiedTime(ids, at, object = 'contacts') {
      const store = state.stores[object];
      const list = ids === 'all' ? [...store.values()].map((o) => o.id) : ids;
      store.setModified(list, time(at));
    },
    close: () => server.close(),
  };
}
