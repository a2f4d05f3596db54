/**
 * The scaffold's tests: the conformance rules run against the sandbox, plus unit tests of the connector.
 */
export const TEST_FILES: Readonly<Record<string, string>> = {
  'test/conformance.test.ts': `import { describeConnectorConformance } from 'connector-hub/sdk/testing';
import { connector } from '../src';
import { conformanceOptions, WEBHOOK_SECRET } from '../src/conformance';
import { startSandbox, type Sandbox } from '../src/sandbox';

// The hub's conformance rules, run against this connector pointed at its own sandbox: the same rules
// \`hub plugins check\` applies and the hub holds its built-in connectors to (options in src/conformance.ts).
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 25, webhookSecret: WEBHOOK_SECRET });
});
afterAll(() => sandbox.close());

describeConnectorConformance(connector, conformanceOptions(() => sandbox));
`,
  'test/connector.test.ts': `import { AuthError, RateLimitedError, type ConnectionContext } from 'connector-hub/sdk';
import { connector } from '../src';
import { upsertContacts } from '../src/actions/upsertContacts';
import { startSandbox, type Sandbox } from '../src/sandbox';
import type { Settings } from '../src/schemas/settings';
import { contacts } from '../src/streams/contacts';

const log = { debug() {}, info() {}, warn() {}, error() {} };
const connection = (settings: Settings): ConnectionContext<Settings> => ({ id: 'c1', name: 'test', settings, log });

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ seedContacts: 7 });
});
afterEach(() => sandbox.close());

describe('check', () => {
  it('accepts the sandbox key', async () => {
    await expect(connector.check(connection(sandbox.settings))).resolves.toMatchObject({ ok: true });
  });

  it('turns a 401 into an AuthError that does not contain the key', async () => {
    const error = await connector.check(connection({ ...sandbox.settings, apiKey: 'wrong-key-123' })).catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String(error.message)).not.toContain('wrong-key-123');
  });

  it("turns a 429 into a RateLimitedError with the vendor's wait", async () => {
    sandbox.rateLimitNext(3);
    const error = await connector.check(connection(sandbox.settings)).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error.retryAfterMs).toBe(3_000);
  });
});

describe('contacts stream', () => {
  it('reads every contact once in pages and resumes from a checkpoint', async () => {
    const settings = { ...sandbox.settings, pageSize: 3 };
    const pages = [];
    for await (const page of contacts.read({ connection: connection(settings), checkpoint: null })) pages.push(page);
    expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
    const resumed = [];
    for await (const page of contacts.read({ connection: connection(settings), checkpoint: pages[0]!.checkpoint }))
      resumed.push(...page.records);
    expect(resumed.map((r) => r.id)).toEqual([...pages[1]!.records, ...pages[2]!.records].map((r) => r.id));
  });
});

describe('upsertContacts action', () => {
  it('returns one outcome per record, a rejected row as failed/permanent, and no duplicates on a rerun', async () => {
    const records = [{ email: 'New@Example.com' }, { email: 'not-an-email' }, { email: 'contact1@example.com' }];
    const first = await upsertContacts.write({ connection: connection(sandbox.settings), records });
    expect(first.map((o) => o.status)).toEqual(['ok', 'failed', 'ok']);
    expect(first[1]).toMatchObject({ failure: 'permanent', reason: expect.stringContaining('invalid email') });
    expect(first[2]).toMatchObject({ operation: 'updated', targetId: sandbox.findByEmail('contact1@example.com')?.id });
    const again = await upsertContacts.write({ connection: connection(sandbox.settings), records });
    expect(again[0]).toMatchObject({ status: 'ok', operation: 'updated' });
    expect(sandbox.contacts.size).toBe(8);
  });
});
`,
  'test/webhooks.test.ts': `import type { WebhookRequest } from 'connector-hub/sdk';
import { contactChanged, SIGNATURE_HEADER, signPayload } from '../src/webhooks';

const secret = 'whsec-test';
const connection = {
  id: 'c1',
  name: 'test',
  settings: { apiKey: 'k', webhookSecret: secret },
  log: { debug() {}, info() {}, warn() {}, error() {} },
};
const body = JSON.stringify({
  id: 'evt-1',
  type: 'contact.updated',
  occurredAt: '2025-01-01T00:00:00.000Z',
  contact: { id: 'c-1', email: 'ann@example.com' },
});
const now = new Date('2025-01-01T00:00:10.000Z');
const seconds = Math.floor(now.getTime() / 1000);

function delivery(raw: string, signature: string | undefined): WebhookRequest {
  return {
    method: 'POST',
    url: '/webhooks/c1/contactChanged',
    headers: { [SIGNATURE_HEADER]: signature },
    query: {},
    rawBody: Buffer.from(raw),
    receivedAt: now,
  };
}

describe('contactChanged webhook', () => {
  it('accepts a correctly signed delivery and parses its event', () => {
    const request = delivery(body, signPayload(secret, body, seconds));
    expect(contactChanged.verify(request, connection)).toBe(true);
    expect(contactChanged.parse(request, connection)).toEqual([
      expect.objectContaining({ id: 'evt-1', stream: 'contacts', record: { id: 'c-1', email: 'ann@example.com' } }),
    ]);
  });

  it('rejects an altered, a stale and an unsigned delivery', () => {
    const altered = body.replace('ann@', 'eve@');
    expect(contactChanged.verify(delivery(altered, signPayload(secret, body, seconds)), connection)).toBe(false);
    expect(contactChanged.verify(delivery(body, signPayload(secret, body, seconds - 3_600)), connection)).toBe(false);
    expect(contactChanged.verify(delivery(body, undefined), connection)).toBe(false);
    expect(contactChanged.verify(delivery(body, signPayload('other', body, seconds)), connection)).toBe(false);
  });
});
`,
};
