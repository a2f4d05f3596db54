/**
 * The scaffold's sandbox (`src/sandbox.ts`: the vendor's endpoints on the SDK's sandbox kit, `startSandboxServer`
 * from `connector-hub/sdk` — a partner package uses the hub only through the SDK, and carries no copy) and its
 * `conformance` export (`src/conformance.ts`: the sandbox plus a hook per rule, for `hub plugins check` and the tests).
 */
export const SANDBOX_FILES: Readonly<Record<string, string>> = {
  'src/sandbox.ts': `import { randomUUID } from 'node:crypto';
import { startSandboxServer, type SandboxReply, type SandboxRequest } from 'connector-hub/sdk';
import type { Contact, ContactInput } from './schemas/contact';
import type { Settings } from './schemas/settings';
import { SIGNATURE_HEADER, signPayload } from './webhooks';

/**
 * A local stand-in for the __DISPLAY_NAME__ API on 127.0.0.1: the same endpoints, limits and error shapes the connector relies
 * on, with its data in memory. Tests and \`hub plugins check\` run against it; replace the example endpoints with
 * your vendor's, and enforce what the vendor documents (batch size, rate limit, per-row errors, auth).
 */

export const SANDBOX_API_KEY = 'sandbox-key';
/** The vendor's documented limits, as this sandbox enforces them. */
export const MAX_BATCH = 100;
export const RATE_LIMIT = { requests: 100, intervalMs: 1_000 };

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** How many generated contacts the sandbox starts with. */
  seedContacts?: number;
  /** Where updateContact() POSTs a signed webhook. */
  webhookUrl?: string;
  webhookSecret?: string;
  /** Rate limit as the vendor enforces it; false turns it off. */
  enforceLimits?: boolean;
}

export type SandboxContact = Contact;

export interface Sandbox {
  connector: '__ID__';
  url: string;
  /** Settings of a connection that talks to this sandbox. */
  settings: Settings;
  /** The sandbox's data, by contact id. */
  contacts: Map<string, Contact>;
  /** Requests answered so far. */
  requests(): number;
  findByEmail(email: string): Contact | undefined;
  /** How many stored contacts have this email (a correct upsert keeps it at one). */
  countByEmail(email: string): number;
  /** Changes a contact the way a user would in the vendor's UI, and sends the signed webhook when configured. */
  updateContact(email: string, changes: { firstName?: string; lastName?: string }): Promise<Contact>;
  /** The next request is answered 429 with \`Retry-After: <seconds>\`, as the vendor does when over its limit; null undoes it. */
  rateLimitNext(seconds: number | null): void;
  close(): Promise<void>;
}

type Reply = SandboxReply;

const EMAIL = /^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/;
const sortKey = (c: Contact) => \`\${c.updatedAt}|\${c.id}\`;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const contacts = new Map<string, Contact>();
  const byEmail = new Map<string, string>();
  let ordered: Contact[] | undefined; // sorted by (updatedAt, id); rebuilt after a change
  let clock = Date.parse('2025-01-01T00:00:00.000Z');
  const tick = () => new Date((clock = Math.max(clock + 1, Date.now()))).toISOString();
  let forced429: number | undefined;
  const window: number[] = [];

  const put = (input: ContactInput, existingId?: string): Contact => {
    const id = existingId ?? randomUUID();
    const before = contacts.get(id);
    const contact: Contact = {
      id,
      email: input.email.trim().toLowerCase(),
      firstName: input.firstName ?? before?.firstName ?? null,
      lastName: input.lastName ?? before?.lastName ?? null,
      updatedAt: tick(),
    };
    contacts.set(id, contact);
    byEmail.set(contact.email, id);
    ordered = undefined;
    return contact;
  };
  for (let i = 1; i <= (options.seedContacts ?? 0); i++)
    put({ email: \`contact\${i}@example.com\`, firstName: \`First\${i}\`, lastName: \`Last\${i}\` });

  const list = (query: URLSearchParams): Reply => {
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 100) || 100, 1), 100);
    ordered ??= [...contacts.values()].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    const after = query.get('after') ?? (query.get('updatedSince') ? \`\${query.get('updatedSince')}|\` : '');
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sortKey(ordered[mid]!) <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = ordered.slice(lo, lo + limit);
    const more = lo + limit < ordered.length;
    return { status: 200, body: { contacts: page, next: more ? sortKey(page[page.length - 1]!) : null } };
  };

  const upsert = (body: unknown): Reply => {
    const rows = (body as { contacts?: unknown } | undefined)?.contacts;
    if (!Array.isArray(rows)) return { status: 400, body: { error: 'body must be { "contacts": [...] }' } };
    if (rows.length > MAX_BATCH) return { status: 400, body: { error: \`at most \${MAX_BATCH} contacts per request\` } };
    const results = rows.map((row: ContactInput) => {
      const email = typeof row?.email === 'string' ? row.email.trim().toLowerCase() : '';
      if (!EMAIL.test(email)) return { error: \`invalid email: \${JSON.stringify(row?.email ?? null)}\` };
      const existing = byEmail.get(email);
      const contact = put({ ...row, email }, existing);
      return { id: contact.id, status: existing === undefined ? 'created' : 'updated' };
    });
    return { status: 200, body: { results } };
  };

  /** Runs before every route, as the vendor does: forced 429, the rate limit, then the API key. */
  const gate = (request: SandboxRequest): Reply | undefined => {
    if (forced429 !== undefined) {
      const seconds = forced429;
      forced429 = undefined;
      return { status: 429, body: { error: 'rate limit exceeded' }, headers: { 'retry-after': String(seconds) } };
    }
    if (options.enforceLimits !== false) {
      const now = Date.now();
      while (window.length > 0 && window[0]! <= now - RATE_LIMIT.intervalMs) window.shift();
      if (window.length >= RATE_LIMIT.requests)
        return { status: 429, body: { error: 'rate limit exceeded' }, headers: { 'retry-after': '1' } };
      window.push(now);
    }
    if (request.headers.authorization !== \`Bearer \${SANDBOX_API_KEY}\`)
      return { status: 401, body: { error: 'invalid API key' } };
    return undefined;
  };

  // the SDK's sandbox kit: route table, raw body, request log, 404 for unknown routes, 127.0.0.1 only
  const server = await startSandboxServer({
    port: options.port,
    before: gate,
    routes: [
      { method: 'GET', path: '/v1/account', handler: () => ({ status: 200, body: { name: 'sandbox' } }) },
      { method: 'GET', path: '/v1/contacts', handler: (req) => list(new URLSearchParams(req.query)) },
      {
        method: 'POST',
        path: '/v1/contacts/batch',
        handler: (req) =>
          req.body === undefined && req.rawBody.length > 0
            ? { status: 400, body: { error: 'body is not JSON' } }
            : upsert(req.body),
      },
    ],
  });
  const url = server.url;

  return {
    connector: '__ID__',
    url,
    settings: {
      apiKey: SANDBOX_API_KEY,
      baseUrl: url,
      ...(options.webhookSecret === undefined ? {} : { webhookSecret: options.webhookSecret }),
    },
    contacts,
    requests: () => server.log.length,
    findByEmail: (email) => {
      const id = byEmail.get(email.trim().toLowerCase());
      return id === undefined ? undefined : contacts.get(id);
    },
    countByEmail: (email) => {
      const wanted = email.trim().toLowerCase();
      let count = 0;
      for (const contact of contacts.values()) if (contact.email === wanted) count++;
      return count;
    },
    async updateContact(email, changes) {
      const id = byEmail.get(email.trim().toLowerCase());
      const current = id === undefined ? undefined : contacts.get(id);
      if (current === undefined) throw new Error(\`sandbox has no contact \${email}\`);
      const contact = put({ email: current.email, ...changes }, current.id);
      if (options.webhookUrl !== undefined && options.webhookSecret !== undefined) {
        const rawBody = JSON.stringify({ id: randomUUID(), type: 'contact.updated', occurredAt: contact.updatedAt, contact });
        const signature = signPayload(options.webhookSecret, rawBody, Math.floor(Date.now() / 1000));
        await fetch(options.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
          body: rawBody,
        });
      }
      return contact;
    },
    rateLimitNext(seconds) {
      forced429 = seconds ?? undefined;
    },
    close: () => server.close(),
  };
}
`,
  'src/conformance.ts': `import type { WebhookRequest } from 'connector-hub/sdk';
import type { ConformanceOptions, ConformanceSetup } from 'connector-hub/sdk/testing';
import { startSandbox, type Sandbox } from './sandbox';
import type { ContactInput } from './schemas/contact';
import type { Settings } from './schemas/settings';
import { SIGNATURE_HEADER, signPayload, TOLERANCE_SECONDS } from './webhooks';

/**
 * What the hub's conformance rules run against: this connector's sandbox, sample records and one hook per rule
 * (a rule whose hook is missing is reported as skipped, never as passed). test/conformance.test.ts and
 * \`hub plugins check\` both use it, so the package is held to the same rules in its own CI and in the hub's.
 */

export const WEBHOOK_SECRET = 'whsec-sandbox';

export function conformanceOptions(sandbox: () => Sandbox): ConformanceOptions<Settings> {
  return {
    settings: () => ({ ...sandbox().settings, pageSize: 10 }),
    badSettings: () => ({ ...sandbox().settings, apiKey: 'wrong-key-0123456789' }),
    sampleRecords: {
      upsertContacts: [
        { email: 'ann@example.com', firstName: 'Ann' },
        { email: 'bob@example.com', lastName: 'Stone' },
      ],
    },
    batchRecord: { upsertContacts: (i) => ({ email: \`batch\${i}@example.com\`, firstName: \`Batch \${i}\` }) },
    rejectedRecord: { upsertContacts: { record: { email: 'not-an-email' }, reason: 'invalid email' } },
    countAtTarget: (_action, record) => sandbox().countByEmail((record as ContactInput).email),
    rateLimit: async () => {
      sandbox().rateLimitNext(2);
      return { waitMs: 2_000 };
    },
    restore: () => sandbox().rateLimitNext(null),
    signedWebhook: (_webhook, signedAt): WebhookRequest => {
      const rawBody = JSON.stringify({
        id: 'evt-1',
        type: 'contact.updated',
        occurredAt: signedAt.toISOString(),
        contact: { id: 'c-1', email: 'ann@example.com' },
      });
      const signature = signPayload(WEBHOOK_SECRET, rawBody, Math.floor(signedAt.getTime() / 1000));
      return {
        method: 'POST',
        url: '/webhooks/contactChanged',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        query: {},
        rawBody: Buffer.from(rawBody),
        receivedAt: new Date(),
      };
    },
    webhookMaxAgeMs: TOLERANCE_SECONDS * 1_000,
  };
}

/** The \`conformance\` export \`hub plugins check\` looks for: starts a sandbox, hands back the options and a close. */
export const conformance: ConformanceSetup<Settings> = async () => {
  const sandbox = await startSandbox({ seedContacts: 25, webhookSecret: WEBHOOK_SECRET });
  return { options: conformanceOptions(() => sandbox), close: () => sandbox.close() };
};
`,
};
