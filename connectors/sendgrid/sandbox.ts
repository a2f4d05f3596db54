import { randomUUID } from 'node:crypto';
import {
  RollingWindow,
  messyContacts,
  startSandboxServer,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRoute,
  type SeedContact,
} from '../../core/sdk';
import type { SuppressionType } from './schemas/records';
import type { SendGridSettings } from './schemas/settings';
import { contactRoutes, errorBody } from './sandbox/contacts-routes';
import { dataRoutes } from './sandbox/data-routes';
import {
  SandboxAccount,
  type SandboxContact,
  type SandboxFieldDefinition,
  type SandboxJob,
  type SandboxSuppression,
} from './sandbox/state';
import { deliverEvents, eventSigner, type WebhookDelivery } from './sandbox/webhook';

/**
 * A local stand-in for SendGrid's Marketing contacts, suppressions and Event Webhook, for the demo, end-to-end
 * tests and benchmarks. It enforces what the connector relies on: Bearer auth, 30,000 contacts / 6 MB per upsert
 * (400), per-contact validation into the job's error file, asynchronous jobs that finish after a poll or two,
 * 100 emails per search, 5,000 addresses / 256 KB per erase job, and per-endpoint rate limits with SendGrid's
 * X-RateLimit-* headers and 429 body (unless `enforceLimits: false`). Webhooks are signed with a P-256 key whose
 * public half is in `settings.webhookPublicKey` (`webhookSecret` may supply the private key as PEM).
 */

export interface SendGridSandboxOptions extends SandboxOptions {
  /** API key the sandbox accepts (default 'SG.sandbox'). */
  apiKey?: string;
  /** Per-endpoint request limit (default 600 per 60 s, SendGrid's documented example figure scale). */
  rateLimit?: { requests: number; intervalMs: number };
  /** Status polls answered `pending` before an import or export completes (default 1). */
  pollsToComplete?: number;
  /** Contacts per export file (default 50,000); more contacts give more urls. */
  exportFileRecords?: number;
  /** Gzip export files (default true, as SendGrid's are). */
  gzipExports?: boolean;
  /** importPollMs in the settings handed out (default 50). */
  importPollMs?: number;
  /** Custom fields to define up front (default: company, lifecycle_stage, marketing_consent as Text). */
  customFields?: { name: string; field_type: SandboxFieldDefinition['field_type'] }[];
  /**
   * Put seeded people on the suppression lists as a real account has them (default false: the lists start empty):
   * those without marketing consent on the global unsubscribes, every 25th seeded row on the bounces.
   */
  seedSuppressions?: boolean;
}

export interface SendGridSandbox extends ConnectorSandbox {
  settings: SendGridSettings;
  account: SandboxAccount;
  /** Contacts by id (custom fields by id). */
  contacts: Map<string, SandboxContact>;
  fieldDefinitions: SandboxFieldDefinition[];
  suppressionLists: Record<SuppressionType, SandboxSuppression[]>;
  jobs: Map<string, SandboxJob>;
  /** Addresses of each erase job, in order. */
  erasures: string[][];
  /** Every webhook delivery attempted, in order. */
  webhookDeliveries: WebhookDelivery[];
  contactByEmail(email: string): SandboxContact | undefined;
  addCustomField(name: string, fieldType?: SandboxFieldDefinition['field_type']): SandboxFieldDefinition;
  /** A change made in the SendGrid UI: fields by name (custom fields by NAME); bumps updated_at. */
  updateContact(
    email: string,
    changes: Partial<Omit<SandboxContact, 'id' | 'email' | 'custom_fields'>> & {
      custom_fields?: Record<string, string | number>;
    },
  ): SandboxContact;
  /** A recipient unsubscribes, bounces or reports spam: the list gains the entry and the Event Webhook fires. */
  suppress(email: string, type: SuppressionType, reason?: string): Promise<WebhookDelivery | undefined>;
  /** Sends arbitrary events (signed) to webhookUrl. */
  sendEvents(events: Record<string, unknown>[]): Promise<WebhookDelivery | undefined>;
  /** Completes every pending import job now. */
  settle(): void;
}

const EVENT_NAMES: Record<SuppressionType, string> = {
  unsubscribe: 'unsubscribe',
  bounce: 'bounce',
  spamreport: 'spamreport',
};

function seedAccount(account: SandboxAccount, seeds: SeedContact[]): void {
  const company = account.fieldByName('company');
  const stage = account.fieldByName('lifecycle_stage');
  const consent = account.fieldByName('marketing_consent');
  for (const seed of seeds) {
    const custom: Record<string, string> = {};
    if (company && seed.company !== undefined) custom[company.id] = seed.company;
    if (stage) custom[stage.id] = seed.lifecycleStage;
    if (consent) custom[consent.id] = seed.marketingConsent ? 'yes' : 'no';
    const changes: Parameters<SandboxAccount['upsert']>[0] = {
      email: seed.email,
      custom_fields: custom,
      created_at: seed.updatedAt,
      updated_at: seed.updatedAt,
    };
    // SendGrid has only first/last name: a spreadsheet-style full name lands in first_name, messy as it is
    const first = seed.firstName ?? seed.fullName;
    if (first !== undefined) changes.first_name = first.slice(0, 50);
    if (seed.lastName !== undefined) changes.last_name = seed.lastName;
    if (seed.phone !== undefined) changes.phone_number = seed.phone;
    if (seed.city !== undefined) changes.city = seed.city;
    account.upsert(changes, seed.updatedAt);
  }
}

/** The seeded rows' suppressions, one list per address (a later row for the same address decides), dated as the row. */
function seedSuppressions(account: SandboxAccount, seeds: SeedContact[]): void {
  const byEmail = new Map<string, { type: SuppressionType; created: number }>();
  seeds.forEach((seed, index) => {
    const created = Math.floor(Date.parse(seed.updatedAt) / 1000);
    const email = seed.email.trim().toLowerCase();
    if (index % 25 === 24) byEmail.set(email, { type: 'bounce', created });
    else if (!seed.marketingConsent) byEmail.set(email, { type: 'unsubscribe', created });
    else byEmail.delete(email);
  });
  for (const [email, { type, created }] of byEmail) {
    const entry: SandboxSuppression = { email, created };
    if (type === 'bounce')
      Object.assign(entry, { reason: '550 5.1.1 The email account does not exist', status: '5.1.1' });
    account.suppress(type, entry);
  }
}

export async function startSandbox(options: SendGridSandboxOptions = {}): Promise<SendGridSandbox> {
  const apiKey = options.apiKey ?? 'SG.sandbox';
  const account = new SandboxAccount();
  for (const field of options.customFields ?? [
    { name: 'company', field_type: 'Text' as const },
    { name: 'lifecycle_stage', field_type: 'Text' as const },
    { name: 'marketing_consent', field_type: 'Text' as const },
  ])
    account.addField(field.name, field.field_type);
  const seeds = messyContacts(options.seedContacts ?? 0, options.seed);
  seedAccount(account, seeds);
  if (options.seedSuppressions === true) seedSuppressions(account, seeds);

  const signer = eventSigner(options.webhookSecret);
  const limit = options.rateLimit ?? { requests: 600, intervalMs: 60_000 };
  const windows = new Map<string, RollingWindow>();
  const deliveries: WebhookDelivery[] = [];
  let baseUrl = '';
  const pollsToComplete = options.pollsToComplete ?? 1;

  const rateHeaders = (window: RollingWindow, now: number, waitMs: number): Record<string, string> => ({
    'x-ratelimit-limit': String(window.limit),
    'x-ratelimit-remaining': String(window.remaining(now)),
    'x-ratelimit-reset': String(Math.ceil((now + (waitMs > 0 ? waitMs : window.intervalMs)) / 1000)),
  });
  // `before` computes the rate-limit headers; the wrapped handlers put them on every answer, as SendGrid does
  const lastHeaders = new WeakMap<object, Record<string, string>>();
  const routes: SandboxRoute[] = [
    ...contactRoutes({ account, url: () => baseUrl, pollsToComplete }),
    ...dataRoutes({
      account,
      url: () => baseUrl,
      pollsToComplete,
      exportFileRecords: options.exportFileRecords ?? 50_000,
      gzipExports: options.gzipExports ?? true,
    }),
  ].map((route) => ({
    ...route,
    handler: async (request) => {
      const reply = await route.handler(request);
      const headers = lastHeaders.get(request);
      return headers === undefined ? reply : { ...reply, headers: { ...headers, ...reply.headers } };
    },
  }));

  const server = await startSandboxServer({
    port: options.port,
    routes,
    before(request, route): SandboxReply | undefined {
      if (route.path.startsWith('/files/')) return undefined;
      const key = `${route.method} ${route.path}`;
      let window = windows.get(key);
      if (window === undefined) windows.set(key, (window = new RollingWindow(limit.requests, limit.intervalMs)));
      const now = Date.now();
      if (request.headers.authorization !== `Bearer ${apiKey}`) {
        return {
          status: 401,
          body: errorBody('authorization required'),
          headers: rateHeaders(window, now, 0),
        };
      }
      const wait = options.enforceLimits === false ? 0 : window.take(now);
      const headers = rateHeaders(window, now, wait);
      if (wait > 0) return { status: 429, body: { errors: [{ message: 'too many requests' }] }, headers };
      lastHeaders.set(request, headers);
      return undefined;
    },
  });
  baseUrl = server.url;

  const post = async (events: Record<string, unknown>[]): Promise<WebhookDelivery | undefined> => {
    if (options.webhookUrl === undefined) return undefined;
    const delivery = await deliverEvents(options.webhookUrl, signer, events);
    deliveries.push(delivery);
    return delivery;
  };

  const sandbox: SendGridSandbox = {
    connector: 'sendgrid',
    url: server.url,
    server,
    settings: {
      apiKey,
      baseUrl: server.url,
      importPollMs: options.importPollMs ?? 50,
      webhookPublicKey: signer.publicKey,
    },
    account,
    contacts: account.contacts,
    fieldDefinitions: account.fields,
    get suppressionLists() {
      return account.suppressions;
    },
    jobs: account.jobs,
    erasures: account.erasures,
    webhookDeliveries: deliveries,
    contactByEmail: (email) => account.contactByEmail(email),
    addCustomField: (name, fieldType = 'Text') => account.addField(name, fieldType),
    updateContact(email, changes) {
      const existing = account.contactByEmail(email);
      if (existing === undefined) throw new Error(`the sandbox has no contact ${email}`);
      const { custom_fields: byName, ...rest } = changes;
      const custom: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(byName ?? {})) {
        const field =
          account.fieldByName(name) ?? account.addField(name, typeof value === 'number' ? 'Number' : 'Text');
        custom[field.id] = value;
      }
      return account.upsert({ ...rest, email: existing.email, custom_fields: custom }).contact;
    },
    async suppress(email, type, reason) {
      const normalized = email.trim().toLowerCase();
      const created = Math.floor(Date.now() / 1000);
      const entry: SandboxSuppression = { email: normalized, created };
      if (type === 'bounce')
        Object.assign(entry, { reason: reason ?? '550 5.1.1 The email account does not exist', status: '5.1.1' });
      if (type === 'spamreport') entry.ip = '127.0.0.1';
      account.suppress(type, entry);
      const event: Record<string, unknown> = {
        email: normalized,
        event: EVENT_NAMES[type],
        sg_event_id: randomUUID().replace(/-/g, ''),
        sg_message_id: `${randomUUID()}.sandbox`,
        timestamp: created,
      };
      if (type === 'bounce') Object.assign(event, { type: 'bounce', reason: entry.reason, status: entry.status });
      return post([event]);
    },
    sendEvents: post,
    settle() {
      for (const job of account.jobs.values()) {
        if (job.status !== 'pending') continue;
        job.apply?.();
        delete job.apply;
      }
    },
    close: () => server.close(),
  };
  return sandbox;
}
