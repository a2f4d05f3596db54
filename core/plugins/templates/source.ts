/**
 * Source files of a scaffolded plugin (`hub plugins new`): the connector, its client, schemas, stream, action and
 * webhook. Placeholders __PACKAGE__, __ID__ and __DISPLAY_NAME__ are replaced by the generator; the files are kept
 * here as strings (not as files beside the hub) so a built hub carries them in dist/ without a copy step.
 */
export const SOURCE_FILES: Readonly<Record<string, string>> = {
  'src/index.ts': `import { defineConnector } from 'connector-hub/sdk';
import { upsertContacts } from './actions/upsertContacts';
import { policy, request } from './client';
import { Settings } from './schemas/settings';
import { contacts } from './streams/contacts';
import { contactChanged } from './webhooks';

/**
 * The __DISPLAY_NAME__ connector. The hub loads it through the "connectorHub" block of package.json: { "export": "connector" }.
 */
export const connector = defineConnector({
  id: '__ID__',
  displayName: '__DISPLAY_NAME__',
  version: '0.1.0',
  category: 'crm',
  description: 'Reads contacts from __DISPLAY_NAME__ and upserts contacts into it.',
  settingsSchema: Settings,
  policy,
  async check(connection) {
    const account = await request<{ name: string }>(connection, '/v1/account');
    return { ok: true, message: \`connected to account \${account.name}\` };
  },
  streams: [contacts],
  actions: [upsertContacts],
  webhooks: [contactChanged],
});

export default connector;
export { conformance } from './conformance';
export { startSandbox } from './sandbox';
export type { Sandbox, SandboxContact, SandboxOptions } from './sandbox';
`,
  'src/client.ts': `import {
  AuthError,
  classifyHttpFailure,
  RetryableError,
  SsrfError,
  type ApiPolicy,
  type ConnectionContext,
} from 'connector-hub/sdk';
import { DEFAULT_BASE_URL, type Settings } from './schemas/settings';

/**
 * A small client over fetch: the example API is three JSON endpoints, so no vendor SDK is needed. Replace it with
 * the vendor's official SDK where one exists, keeping the error mapping: every failure becomes one of the SDK's
 * typed errors (the runner retries, waits or gives up by their kind) and no message ever contains the API key.
 */

export const policy: ApiPolicy = {
  rateBudget: { requests: 10, intervalMs: 1_000 },
  concurrency: 2,
  retryStatuses: [500, 502, 503, 504],
  retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
  timeoutMs: 30_000,
};

export interface RequestOptions {
  method?: 'GET' | 'POST';
  query?: Record<string, string | number | undefined>;
  body?: unknown;
}

export function baseUrl(settings: Settings): string {
  return (settings.baseUrl ?? DEFAULT_BASE_URL).replace(/\\/+$/, '');
}

/** Calls the API and returns its JSON body; throws AuthError, RateLimitedError, RetryableError or PermanentError. */
export async function request<T>(
  connection: ConnectionContext<Settings>,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const url = new URL(baseUrl(connection.settings) + path);
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const timeout = AbortSignal.timeout(policy.timeoutMs ?? 30_000);
  const signal = connection.signal ? AbortSignal.any([connection.signal, timeout]) : timeout;
  const init = {
    method: options.method ?? 'GET',
    headers: {
      authorization: 'Bearer ' + connection.settings.apiKey,
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal,
  };
  let response: Response;
  try {
    // In the hub, every request goes through the outbound door it hands the connection (connection.http): https
    // only, no private or loopback hosts, credentials never follow a redirect elsewhere, counted in /metrics.
    // Plain fetch only for a bare context (this package's own tests against its local sandbox).
    response = connection.http
      ? await connection.http.fetch(url, { ...init, timeoutMs: policy.timeoutMs, field: 'baseUrl' })
      : await fetch(url, init);
  } catch (error) {
    // a base URL the door refused is a settings problem: its message names the field
    if (error instanceof SsrfError) throw error;
    // network errors and timeouts are worth retrying; the message names the host, never the key
    const reason = error instanceof Error ? error.message : String(error);
    throw new RetryableError(\`request to \${url.host} failed: \${reason}\`);
  }
  const text = await response.text();
  if (!response.ok) {
    const message = describeFailure(response.status, text, path);
    if (response.status === 401 || response.status === 403)
      throw new AuthError(\`\${message}; check the API key and reconnect\`, { status: response.status });
    throw classifyHttpFailure(policy, { status: response.status, headers: response.headers }, message);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function describeFailure(status: number, text: string, path: string): string {
  let reason = '';
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') reason = \`: \${body.error}\`;
  } catch {
    // not JSON: the status alone
  }
  return \`\${path} answered \${status}\${reason}\`;
}
`,
  'src/schemas/settings.ts': `import { Type, type Static } from '@sinclair/typebox';
import { Secret } from 'connector-hub/sdk';

/** The vendor's real API; a sandbox connection sets \`baseUrl\` to the sandbox instead. */
export const DEFAULT_BASE_URL = 'https://api.__ID__.example';

/** Connection settings; the settings type is derived from this schema. Secrets are marked with Secret(). */
export const Settings = Type.Object(
  {
    apiKey: Secret(Type.String({ minLength: 1, description: 'API key (sent as a Bearer token)' })),
    baseUrl: Type.Optional(
      Type.String({ minLength: 1, description: \`API base URL (default \${DEFAULT_BASE_URL}; the sandbox URL in tests)\` }),
    ),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 100, description: 'Contacts per page' })),
    webhookSecret: Type.Optional(
      Secret(Type.String({ minLength: 1, description: 'Secret the vendor signs webhook deliveries with' })),
    ),
  },
  { additionalProperties: false },
);
export type Settings = Static<typeof Settings>;
`,
  'src/schemas/contact.ts': `import { Type, type Static } from '@sinclair/typebox';

/** A contact as the \`contacts\` stream yields it. */
export const Contact = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'Vendor id' }),
    email: Type.String({ minLength: 3 }),
    firstName: Type.Union([Type.String(), Type.Null()]),
    lastName: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.String({ format: 'date-time', description: 'Last modification time (ISO 8601)' }),
  },
  { additionalProperties: false },
);
export type Contact = Static<typeof Contact>;

/** One input record of the \`upsertContacts\` action; the email identifies the contact. */
export const ContactInput = Type.Object(
  {
    email: Type.String({ minLength: 1 }),
    firstName: Type.Optional(Type.String()),
    lastName: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ContactInput = Static<typeof ContactInput>;
`,
  'src/streams/contacts.ts': `import { defineStream, type Json } from 'connector-hub/sdk';
import { request } from '../client';
import { Contact } from '../schemas/contact';
import type { Settings } from '../schemas/settings';

interface ContactsPage {
  contacts: Contact[];
  /** Cursor of the next page; null on the last one. */
  next: string | null;
}

function cursorOf(checkpoint: Json | null): { after?: string; since?: string } {
  if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) return {};
  const { after, since } = checkpoint;
  return {
    ...(typeof after === 'string' ? { after } : {}),
    ...(typeof since === 'string' ? { since } : {}),
  };
}

function checkpointOf(after: string | undefined, since: string | undefined): Json | null {
  const value: Record<string, string> = {};
  if (after !== undefined) value.after = after;
  if (since !== undefined) value.since = since;
  return Object.keys(value).length === 0 ? null : value;
}

/**
 * Contacts in modification order (updatedAt, then id). Mid-read the checkpoint is the cursor after the last record
 * of a page, so a resumed read continues exactly where the previous one stopped. After a complete read it is the
 * newest modification time seen, so the next read asks only for what changed since (inclusive: contacts changed in
 * that same instant are read again, never missed) — an unchanged rerun costs one request. \`since\` narrows a
 * first read.
 */
export const contacts = defineStream<Settings, Contact>({
  name: 'contacts',
  title: 'Contacts',
  description: 'Every contact, oldest change first; resumable by cursor, then only what changed',
  recordSchema: Contact,
  identity: ['id'],
  modifiedField: 'updatedAt',
  async *read({ connection, checkpoint, since }) {
    const start = cursorOf(checkpoint);
    let after = start.after;
    let newest = start.since;
    const from = start.since ?? since;
    const limit = connection.settings.pageSize ?? 100;
    for (;;) {
      const page = await request<ContactsPage>(connection, '/v1/contacts', {
        query: { limit, after, updatedSince: after === undefined ? from : undefined },
      });
      for (const contact of page.contacts) {
        if (newest === undefined || contact.updatedAt > newest) newest = contact.updatedAt;
      }
      if (page.next === null) {
        yield { records: page.contacts, checkpoint: checkpointOf(undefined, newest) };
        return;
      }
      after = page.next;
      yield { records: page.contacts, checkpoint: checkpointOf(after, newest) };
    }
  },
});
`,
  'src/actions/upsertContacts.ts': `import { defineAction, type WriteOutcome } from 'connector-hub/sdk';
import { request } from '../client';
import { ContactInput } from '../schemas/contact';
import type { Settings } from '../schemas/settings';

/** The API's answer for one row of a batch, in input order. */
type BatchResult = { id: string; status: 'created' | 'updated' } | { error: string };

/**
 * Creates or updates contacts by email, up to 100 per request (maxBatchSize: the runner never sends more). A row the API rejects
 * (e.g. an invalid email) becomes a failed/permanent outcome with the API's reason; the rest of the batch succeeds.
 */
export const upsertContacts = defineAction<Settings, ContactInput>({
  name: 'upsertContacts',
  title: 'Create or update contacts',
  description: 'Upserts contacts by email; one outcome per record, in order',
  recordSchema: ContactInput,
  mode: 'upsert',
  maxBatchSize: 100,
  identity: ['email'],
  async write({ connection, records }) {
    const answer = await request<{ results: BatchResult[] }>(connection, '/v1/contacts/batch', {
      method: 'POST',
      body: { contacts: records },
    });
    return records.map((_, i): WriteOutcome => {
      const result = answer.results[i];
      if (result === undefined)
        return { status: 'failed', failure: 'retryable', reason: 'the API returned no result for this record' };
      if ('error' in result) return { status: 'failed', failure: 'permanent', reason: result.error, field: 'email' };
      return { status: 'ok', targetId: result.id, operation: result.status };
    });
  },
});
`,
  'src/webhooks.ts': `import {
  constantTimeEqual,
  defineWebhook,
  hmacSha256,
  withinReplayWindow,
  type WebhookEvent,
} from 'connector-hub/sdk';
import type { Settings } from './schemas/settings';

/**
 * The example API signs each delivery like many vendors do: header \`x-__ID__-signature: t=<unix seconds>,v1=<hex>\`
 * where v1 = HMAC-SHA256(webhookSecret, "<t>.<raw body>"). Deliveries older than five minutes are refused, so a
 * captured request cannot be replayed. The HMAC, the constant-time comparison and the replay window are the SDK's.
 */
export const SIGNATURE_HEADER = 'x-__ID__-signature';
export const TOLERANCE_SECONDS = 300;

export function signPayload(secret: string, rawBody: string | Buffer, timestamp: number): string {
  return \`t=\${timestamp},v1=\${hmacSha256(secret, \`\${timestamp}.\`, rawBody).toString('hex')}\`;
}

export function verifySignature(
  secret: string,
  header: string | undefined,
  rawBody: Buffer,
  now: Date = new Date(),
): boolean {
  if (header === undefined) return false;
  const parts = new Map(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || given === undefined) return false;
  if (!withinReplayWindow(timestamp * 1000, now.getTime(), TOLERANCE_SECONDS * 1000)) return false;
  return constantTimeEqual(Buffer.from(given, 'hex'), hmacSha256(secret, \`\${timestamp}.\`, rawBody));
}

interface Delivery {
  id: string;
  type: string;
  occurredAt: string;
  contact: Record<string, unknown>;
}

export const contactChanged = defineWebhook<Settings>({
  name: 'contactChanged',
  description: 'A contact was created or changed at the vendor',
  stream: 'contacts',
  verify(request, connection) {
    const secret = connection.settings.webhookSecret;
    if (secret === undefined) return false;
    return verifySignature(secret, request.headers[SIGNATURE_HEADER], request.rawBody, request.receivedAt);
  },
  parse(request): WebhookEvent[] {
    const delivery = JSON.parse(request.rawBody.toString('utf8')) as Delivery;
    return [
      {
        id: delivery.id,
        type: delivery.type,
        stream: 'contacts',
        occurredAt: delivery.occurredAt,
        record: delivery.contact,
      },
    ];
  },
});
`,
};
