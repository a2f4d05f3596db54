import { gunzipSync } from 'node:zlib';
import { Value } from '@sinclair/typebox/value';
import { startSandbox, type SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { SendGridSettings } from '../../../connectors/sendgrid/schemas/settings';

/** The sandbox as a vendor stand-in: SendGrid's documented behaviour, checked with plain HTTP. */

let sandbox: SendGridSandbox;
const auth = () => ({ authorization: `Bearer ${sandbox.settings.apiKey}`, 'content-type': 'application/json' });

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = auth()) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, body: json as Record<string, unknown> };
}

async function finishJob(jobId: string) {
  for (let i = 0; i < 5; i++) {
    const job = await api('GET', `/v3/marketing/contacts/imports/${jobId}`);
    if (job.body.status !== 'pending') return job.body;
  }
  throw new Error('job never finished');
}

afterEach(async () => {
  await sandbox?.close();
});

describe('SendGrid sandbox', () => {
  it('seeds messy contacts in SendGrid shape, lowercased and de-duplicated by email', async () => {
    sandbox = await startSandbox({ seedContacts: 200, seed: 3 });
    expect(sandbox.contacts.size).toBeGreaterThan(150);
    expect(sandbox.contacts.size).toBeLessThan(200); // duplicates of one person collapse onto one email
    for (const contact of sandbox.contacts.values()) {
      expect(contact.email).toBe(contact.email.trim().toLowerCase());
      expect(contact.id).toMatch(/^[0-9a-f-]{36}$/);
    }
    const again = await startSandbox({ seedContacts: 200, seed: 3 });
    expect([...again.contacts.keys()]).toEqual([...sandbox.contacts.keys()]);
    await again.close();
  });

  it('hands out settings a connection accepts', async () => {
    sandbox = await startSandbox({ importPollMs: 25 });
    expect(Value.Check(SendGridSettings, sandbox.settings)).toBe(true);
    expect(sandbox.settings).toMatchObject({ apiKey: 'SG.sandbox', baseUrl: sandbox.url, importPollMs: 25 });
  });

  it('refuses requests without the Bearer key, with the rate-limit headers on every answer', async () => {
    sandbox = await startSandbox();
    const denied = await api('GET', '/v3/marketing/field_definitions', undefined, { authorization: 'Bearer SG.wrong' });
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ errors: [{ message: 'authorization required', field: null }] });
    const ok = await api('GET', '/v3/marketing/field_definitions');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-ratelimit-limit')).toBe('600');
    expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBe(599);
    expect(Number(ok.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers 429 with SendGrid’s body and a reset time once an endpoint’s limit is spent', async () => {
    sandbox = await startSandbox({ rateLimit: { requests: 2, intervalMs: 60_000 } });
    expect((await api('GET', '/v3/marketing/field_definitions')).status).toBe(200);
    expect((await api('GET', '/v3/marketing/field_definitions')).status).toBe(200);
    const limited = await api('GET', '/v3/marketing/field_definitions');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ errors: [{ message: 'too many requests' }] });
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 30);
    // limits are per endpoint
    expect((await api('POST', '/v3/marketing/contacts/exports', { file_type: 'json' })).status).toBe(202);
  });

  it('does not limit when enforceLimits is false', async () => {
    sandbox = await startSandbox({ rateLimit: { requests: 1, intervalMs: 60_000 }, enforceLimits: false });
    for (let i = 0; i < 3; i++) expect((await api('GET', '/v3/marketing/field_definitions')).status).toBe(200);
  });

  it('creates field definitions, refusing duplicates and bad names', async () => {
    sandbox = await startSandbox({ customFields: [] });
    const created = await api('POST', '/v3/marketing/field_definitions', { name: 'tier', field_type: 'Number' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: 'tier', field_type: 'Number' });
    expect((await api('POST', '/v3/marketing/field_definitions', { name: 'TIER', field_type: 'Text' })).status).toBe(
      400,
    );
    expect((await api('POST', '/v3/marketing/field_definitions', { name: '1st', field_type: 'Text' })).status).toBe(
      400,
    );
    const listed = await api('GET', '/v3/marketing/field_definitions');
    expect(listed.body.custom_fields).toEqual([created.body]);
  });

  it('imports asynchronously, putting invalid contacts in the job’s error file instead of a 4xx', async () => {
    sandbox = await startSandbox({ pollsToComplete: 1 });
    const company = sandbox.fieldDefinitions.find((f) => f.name === 'company')!;
    const put = await api('PUT', '/v3/marketing/contacts', {
      contacts: [
        { email: 'Ann@Example.com', first_name: 'Ann', custom_fields: { [company.id]: 'Acme' } },
        { email: 'not-an-email' },
        { email: 'long@example.com', first_name: 'x'.repeat(51) },
        { email: 'field@example.com', custom_fields: { zz_T: 'x' } },
      ],
    });
    expect(put.status).toBe(202);
    const jobId = String(put.body.job_id);
    const first = await api('GET', `/v3/marketing/contacts/imports/${jobId}`);
    expect(first.body.status).toBe('pending');
    expect(sandbox.contactByEmail('ann@example.com')).toBeUndefined(); // not applied before the job completes
    const done = await finishJob(jobId);
    expect(done).toMatchObject({
      status: 'errored',
      results: { requested_count: 4, created_count: 1, errored_count: 3 },
    });
    expect(sandbox.contactByEmail('ann@example.com')).toMatchObject({
      first_name: 'Ann',
      custom_fields: { [company.id]: 'Acme' },
    });
    const errors = await fetch(String((done.results as Record<string, unknown>).errors_url)).then((r) => r.text());
    const lines = errors.trim().split('\n');
    expect(lines[0]).toBe('email,error');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      'not-an-email',
      'long@example.com',
      'field@example.com',
    ]);
    expect(errors).toContain('first_name exceeds the maximum length of 50');
  });

  it('refuses an upsert above 30,000 contacts or 6 MB with 400, as SendGrid does', async () => {
    sandbox = await startSandbox();
    const many = Array.from({ length: 30_001 }, (_, i) => ({ email: `c${i}@example.com` }));
    const tooMany = await api('PUT', '/v3/marketing/contacts', { contacts: many });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(tooMany.body)).toContain('30000');
    const big = Array.from({ length: 2_000 }, (_, i) => ({
      email: `c${i}@example.com`,
      postal_code: 'x'.repeat(3_100),
    }));
    const tooBig = await api('PUT', '/v3/marketing/contacts', { contacts: big });
    expect(tooBig.status).toBe(400);
    expect(JSON.stringify(tooBig.body)).toContain('6 MB');
    expect(sandbox.jobs.size).toBe(0);
  });

  it('searches up to 100 emails, 404 when none is a contact, and deletes by ids', async () => {
    sandbox = await startSandbox();
    sandbox.account.upsert({ email: 'a@example.com' });
    const found = await api('POST', '/v3/marketing/contacts/search/emails', {
      emails: ['a@example.com', 'b@example.com'],
    });
    expect(found.status).toBe(200);
    const result = found.body.result as Record<string, { contact?: { id: string }; error?: string }>;
    expect(result['b@example.com']).toEqual({ error: 'contact not found' });
    const none = await api('POST', '/v3/marketing/contacts/search/emails', { emails: ['b@example.com'] });
    expect(none.status).toBe(404);
    const tooMany = Array.from({ length: 101 }, (_, i) => `x${i}@example.com`);
    expect((await api('POST', '/v3/marketing/contacts/search/emails', { emails: tooMany })).status).toBe(400);
    const id = result['a@example.com']!.contact!.id;
    const deleted = await api('DELETE', `/v3/marketing/contacts?ids=${id}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body.job_id).toEqual(expect.any(String));
    expect(sandbox.contacts.size).toBe(0);
  });

  it('exports contacts as gzipped NDJSON split into files, custom fields by name', async () => {
    sandbox = await startSandbox({ seedContacts: 25, seed: 2, exportFileRecords: 10 });
    const created = await api('POST', '/v3/marketing/contacts/exports', { file_type: 'json' });
    expect(created.status).toBe(202);
    const id = String(created.body.id);
    expect((await api('GET', `/v3/marketing/contacts/exports/${id}`)).body.status).toBe('pending');
    const ready = await api('GET', `/v3/marketing/contacts/exports/${id}`);
    expect(ready.body.status).toBe('ready');
    const urls = ready.body.urls as string[];
    expect(urls.length).toBe(Math.ceil(sandbox.contacts.size / 10));
    const rows: Record<string, unknown>[] = [];
    for (const url of urls) {
      const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
      expect(bytes[0]).toBe(0x1f);
      for (const line of gunzipSync(bytes).toString('utf8').trim().split('\n')) rows.push(JSON.parse(line));
    }
    expect(rows).toHaveLength(sandbox.contacts.size);
    expect(rows[0]).toEqual(expect.objectContaining({ contact_id: expect.any(String), email: expect.any(String) }));
    expect(Object.keys(rows[0]!.custom_fields as object)).toContain('lifecycle_stage');
  });

  it('lists suppressions newest first with start_time, limit and offset', async () => {
    sandbox = await startSandbox();
    for (let i = 0; i < 5; i++) sandbox.account.suppress('bounce', { email: `b${i}@example.com`, created: 1000 + i });
    const page = await api('GET', '/v3/suppression/bounces?start_time=1001&limit=2&offset=1');
    expect(page.body).toEqual([
      { email: 'b3@example.com', created: 1003 },
      { email: 'b2@example.com', created: 1002 },
    ]);
    expect((await api('GET', '/v3/suppression/bounces?limit=501')).status).toBe(400);
  });

  it('erases recipients: 400 above 5,000 addresses or for a malformed one, else the data is gone', async () => {
    sandbox = await startSandbox();
    sandbox.account.upsert({ email: 'e@example.com' });
    sandbox.account.suppress('unsubscribe', { email: 'e@example.com', created: 1 });
    const many = Array.from({ length: 5_001 }, (_, i) => `x${i}@example.com`);
    expect((await api('POST', '/v3/recipients/erasejob', { email_addresses: many })).status).toBe(400);
    const invalid = await api('POST', '/v3/recipients/erasejob', { email_addresses: ['e@example.com', 'nope'] });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({
      errors: [{ message: 'Email_address nope is not valid', field: 'email_addresses' }],
    });
    const ok = await api('POST', '/v3/recipients/erasejob', { email_addresses: ['e@example.com'] });
    expect(ok.status).toBe(202);
    expect(sandbox.contactByEmail('e@example.com')).toBeUndefined();
    expect(sandbox.suppressionLists.unsubscribe).toEqual([]);
    expect(sandbox.erasures).toEqual([['e@example.com']]);
  });

  it('signs with a key derived from webhookSecret (same secret, same key) or a generated one', async () => {
    sandbox = await startSandbox({ webhookSecret: 'demo-secret' });
    const same = await startSandbox({ webhookSecret: 'demo-secret' });
    const fresh = await startSandbox();
    expect(same.settings.webhookPublicKey).toBe(sandbox.settings.webhookPublicKey);
    expect(fresh.settings.webhookPublicKey).not.toBe(sandbox.settings.webhookPublicKey);
    expect(Buffer.from(sandbox.settings.webhookPublicKey!, 'base64').length).toBe(91); // DER SPKI of a P-256 key
    await Promise.all([same.close(), fresh.close()]);
  });

  it('changes a contact the way the UI does, and suppresses without a webhook URL', async () => {
    sandbox = await startSandbox();
    const { contact } = sandbox.account.upsert(
      { email: 'ui@example.com', first_name: 'Old' },
      '2025-01-01T00:00:00.000Z',
    );
    const changed = sandbox.updateContact('UI@example.com', { first_name: 'New', custom_fields: { tier: 3 } });
    expect(changed.id).toBe(contact.id);
    expect(changed.first_name).toBe('New');
    expect(changed.updated_at > '2025-01-01T00:00:00.000Z').toBe(true);
    const tier = sandbox.fieldDefinitions.find((f) => f.name === 'tier');
    expect(tier?.field_type).toBe('Number');
    expect(changed.custom_fields[tier!.id]).toBe(3);
    expect(() => sandbox.updateContact('nobody@example.com', {})).toThrow('no contact');
    expect(await sandbox.suppress('ui@example.com', 'spamreport')).toBeUndefined();
    expect(sandbox.suppressionLists.spamreport).toEqual([
      { email: 'ui@example.com', created: expect.any(Number), ip: '127.0.0.1' },
    ]);
  });

  it('holds 100,000 seeded contacts and finds them by email through its indexes', async () => {
    sandbox = await startSandbox({ seedContacts: 100_000, seed: 11, gzipExports: false });
    expect(sandbox.contacts.size).toBeGreaterThan(90_000);
    const some = [...sandbox.contacts.values()].slice(0, 100).map((c) => c.email);
    const found = await api('POST', '/v3/marketing/contacts/search/emails', { emails: some });
    expect(Object.keys(found.body.result as object)).toHaveLength(100);
  }, 120_000);
});
