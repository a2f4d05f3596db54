import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import connector from '../../../connectors/sendgrid';
import { startSandbox, type SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { isHubError, type WebhookRequest } from '../../../core/sdk';
import { action, connection, readAll } from './helpers';

/** The connector against its sandbox, end to end over HTTP. */

let sandbox: SendGridSandbox;
afterEach(async () => {
  await sandbox?.close();
});

const conn = () => connection(sandbox.settings);

describe('SendGrid connector against the sandbox', () => {
  it('upserts contacts with custom fields by name and fails bad records alone', async () => {
    sandbox = await startSandbox();
    const outcomes = await action('upsertContacts').write({
      connection: conn(),
      records: [
        { email: ' Ann@Example.com ', first_name: 'Ann', custom_fields: { Company: 'Acme', lifecycle_stage: 'lead' } },
        { email: 'bob@example.com', custom_fields: { shoe_size: 42 } },
        { email: 'cid@example.com', last_name: 'y'.repeat(51) },
        { email: 'ann@example.com', city: 'Berlin' },
      ],
    });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'ann@example.com', operation: 'created' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'permanent', field: 'custom_fields.shoe_size' });
    expect(outcomes[2]).toMatchObject({ status: 'failed', failure: 'permanent', field: 'last_name' });
    expect(outcomes[3]).toEqual(outcomes[0]);
    const ann = sandbox.contactByEmail('ann@example.com')!;
    const company = sandbox.fieldDefinitions.find((f) => f.name === 'company')!;
    expect(ann).toMatchObject({ first_name: 'Ann', city: 'Berlin', custom_fields: { [company.id]: 'Acme' } });
    expect(sandbox.contactByEmail('bob@example.com')).toBeUndefined();
  });

  it('splits a batch above 6 MB into requests the sandbox accepts', async () => {
    sandbox = await startSandbox();
    const records = Array.from({ length: 2_400 }, (_, i) => ({
      email: `p${i}@example.com`,
      postal_code: 'z'.repeat(3_000),
    }));
    const outcomes = await action('upsertContacts').write({ connection: conn(), records });
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(sandbox.server.count({ route: 'PUT /v3/marketing/contacts', status: 202 })).toBe(2);
    expect(sandbox.server.count({ route: 'PUT /v3/marketing/contacts', status: 400 })).toBe(0);
    expect(sandbox.contacts.size).toBe(2_400);
  });

  it('reads contacts incrementally: a UI change comes back, older records do not', async () => {
    sandbox = await startSandbox();
    for (let day = 1; day <= 5; day++)
      sandbox.account.upsert({ email: `c${day}@example.com`, first_name: `C${day}` }, `2025-01-0${day}T12:00:00.000Z`);
    const first = await readAll('contacts', conn());
    const all = first.flatMap((p) => p.records);
    expect(all.map((r) => r.email).sort()).toEqual(['c1', 'c2', 'c3', 'c4', 'c5'].map((c) => `${c}@example.com`));
    const checkpoint = first.at(-1)!.checkpoint;
    expect(checkpoint).toEqual({
      updatedAt: '2025-01-05T12:00:00.000Z',
      id: sandbox.contactByEmail('c5@example.com')!.id,
    });

    sandbox.updateContact('c1@example.com', { first_name: 'Changed', custom_fields: { company: 'Globex' } });
    const second = (await readAll('contacts', conn(), checkpoint)).flatMap((p) => p.records);
    // c5 is inside the ten-minute look-back of the checkpoint; c2–c4 are older
    expect(second.map((r) => r.email).sort()).toEqual(['c1@example.com', 'c5@example.com']);
    expect(second.find((r) => r.email === 'c1@example.com')).toMatchObject({
      first_name: 'Changed',
      custom_fields: { company: 'Globex' },
    });
  });

  it('reads a large export in pages of 1,000, each contact once', async () => {
    sandbox = await startSandbox({ seedContacts: 2_600, seed: 5, exportFileRecords: 1_000 });
    const pages = await readAll('contacts', conn());
    expect(pages.map((p) => p.records.length)).toEqual([1_000, 1_000, sandbox.contacts.size - 2_000]);
    expect(pages[0]!.checkpoint).toBeNull(); // pages before the last keep the starting checkpoint
    expect(new Set(pages.flatMap((p) => p.records.map((r) => r.id))).size).toBe(sandbox.contacts.size);
  });

  it('reads suppressions and resumes after the newest one', async () => {
    sandbox = await startSandbox();
    sandbox.account.suppress('unsubscribe', { email: 'u@example.com', created: 1_700_000_000 });
    sandbox.account.suppress('bounce', { email: 'b@example.com', created: 1_700_000_100, reason: '550 no such user' });
    sandbox.account.suppress('spamreport', { email: 's@example.com', created: 1_700_000_200, ip: '10.0.0.1' });
    const pages = await readAll('suppressions', conn());
    expect(pages.flatMap((p) => p.records)).toEqual([
      {
        id: 'unsubscribe:u@example.com',
        email: 'u@example.com',
        type: 'unsubscribe',
        created_at: '2023-11-14T22:13:20.000Z',
      },
      {
        id: 'bounce:b@example.com',
        email: 'b@example.com',
        type: 'bounce',
        reason: '550 no such user',
        created_at: '2023-11-14T22:15:00.000Z',
      },
      {
        id: 'spamreport:s@example.com',
        email: 's@example.com',
        type: 'spamreport',
        created_at: '2023-11-14T22:16:40.000Z',
      },
    ]);
    const checkpoint = pages.at(-1)!.checkpoint;
    sandbox.account.suppress('bounce', { email: 'late@example.com', created: 1_700_000_500 });
    const again = (await readAll('suppressions', conn(), checkpoint)).flatMap((p) => p.records.map((r) => r.id));
    // start_time is inclusive: entries of the newest second come again (the ids de-duplicate them)
    expect(again.sort()).toEqual([
      'bounce:b@example.com',
      'bounce:late@example.com',
      'spamreport:s@example.com',
      'unsubscribe:u@example.com',
    ]);
  });

  it('deletes contacts by email, skipping emails that are not contacts', async () => {
    sandbox = await startSandbox();
    const { contact } = sandbox.account.upsert({ email: 'del@example.com' });
    const outcomes = await action('deleteContacts').write({
      connection: conn(),
      records: [{ email: 'DEL@example.com' }, { email: 'ghost@example.com' }, { email: 'broken' }],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: contact.id, operation: 'deleted' },
      { status: 'skipped', reason: 'no SendGrid contact has this email', targetId: 'ghost@example.com' },
      { status: 'failed', failure: 'permanent', field: 'email', reason: '"broken" is not a valid e-mail address' },
    ]);
    expect(sandbox.contacts.size).toBe(0);
  });

  it('erases recipients', async () => {
    sandbox = await startSandbox();
    sandbox.account.upsert({ email: 'gdpr@example.com' });
    const outcomes = await action('eraseRecipients').write({
      connection: conn(),
      records: [{ email: 'gdpr@example.com' }],
    });
    expect(outcomes).toEqual([{ status: 'ok', targetId: 'gdpr@example.com', operation: 'deleted' }]);
    expect(sandbox.erasures).toEqual([['gdpr@example.com']]);
    expect(sandbox.contactByEmail('gdpr@example.com')).toBeUndefined();
  });

  it('turns the sandbox’s 429 into RateLimitedError waiting until X-RateLimit-Reset', async () => {
    sandbox = await startSandbox({ rateLimit: { requests: 1, intervalMs: 60_000 } });
    await action('eraseRecipients').write({ connection: conn(), records: [{ email: 'a@example.com' }] });
    const error = await action('eraseRecipients')
      .write({ connection: conn(), records: [{ email: 'b@example.com' }] })
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('rate_limited');
    const wait = (error as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(50_000);
    expect(wait).toBeLessThanOrEqual(61_000);
  });

  it('reports a wrong key as an auth failure without showing the key', async () => {
    sandbox = await startSandbox();
    const wrong = connection({ ...sandbox.settings, apiKey: 'SG.wrong-secret-key' });
    const checked = await connector.check(wrong);
    expect(checked.ok).toBe(false);
    expect(checked.message).toContain('401');
    expect(checked.message).not.toContain('SG.wrong-secret-key');
    const error = await action('eraseRecipients')
      .write({ connection: wrong, records: [{ email: 'a@example.com' }] })
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('auth');
    expect(JSON.stringify((error as Error).message)).not.toContain('wrong-secret');
  });
});

describe('sandbox Event Webhook', () => {
  let receiver: Server;
  const received: WebhookRequest[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
        received.push({
          method: 'POST',
          url: req.url ?? '/',
          headers,
          query: {},
          rawBody: Buffer.concat(chunks),
          receivedAt: new Date(),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('fires an ECDSA-signed event the connector verifies and parses into the suppression record', async () => {
    const port = (receiver.address() as AddressInfo).port;
    sandbox = await startSandbox({ webhookUrl: `http://127.0.0.1:${port}/hooks/sg` });
    const delivery = await sandbox.suppress('Unsub@Example.com', 'unsubscribe');
    expect(delivery?.status).toBe(200);
    const request = received.at(-1)!;
    const webhook = connector.webhooks![0]!;
    const conn = connection(sandbox.settings);
    expect(await webhook.verify(request, conn)).toBe(true);
    const [event] = webhook.parse(request, conn);
    const streamed = (await readAll('suppressions', conn)).flatMap((p) => p.records);
    expect(event).toMatchObject({ type: 'unsubscribe', stream: 'suppressions', record: streamed[0] });

    // a connection holding another key refuses the same delivery
    const other = await startSandbox();
    expect(await webhook.verify(request, connection(other.settings))).toBe(false);
    await other.close();
  });
});
