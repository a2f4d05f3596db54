import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subscriberHash } from '../../../connectors/mailchimp/client';
import { clearMergeFieldCache } from '../../../connectors/mailchimp/merge-fields';
import { startSandbox, SANDBOX_API_KEY, type MailchimpSandbox } from '../../../connectors/mailchimp/sandbox';
import { audienceEvents } from '../../../connectors/mailchimp/webhooks';
import { upsertMembers } from '../../../connectors/mailchimp/actions/upsertMembers';
import { tagMembers } from '../../../connectors/mailchimp/actions/tagMembers';
import { deleteMemberPermanently } from '../../../connectors/mailchimp/actions/deleteMemberPermanently';
import { archiveMember } from '../../../connectors/mailchimp/actions/archiveMember';
import type { WebhookRequest } from '../../../core/sdk';
import { connection, readMembers } from './helpers';

const sandboxes: MailchimpSandbox[] = [];
async function sandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<MailchimpSandbox> {
  const started = await startSandbox(options);
  sandboxes.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((s) => s.close()));
  clearMergeFieldCache();
});

const basic = `Basic ${Buffer.from(`any:${SANDBOX_API_KEY}`).toString('base64')}`;

async function call(s: MailchimpSandbox, method: string, path: string, body?: unknown, auth = basic) {
  const response = await fetch(`${s.settings.baseUrl}${path}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

describe('mailchimp sandbox: API behaviour', () => {
  it('refuses a wrong key with a 401 problem and accepts Basic (any user) and Bearer', async () => {
    const s = await sandbox();
    const denied = await call(
      s,
      'GET',
      `/lists/${s.listId}`,
      undefined,
      'Basic ' + Buffer.from('u:wrong-us1').toString('base64'),
    );
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({
      type: expect.any(String) as string,
      title: 'API Key Invalid',
      status: 401,
      detail: expect.any(String) as string,
      instance: expect.any(String) as string,
    });
    expect((await call(s, 'GET', `/lists/${s.listId}`)).status).toBe(200);
    expect((await call(s, 'GET', `/lists/${s.listId}`, undefined, 'Bearer sandbox-oauth-token')).status).toBe(200);
    expect((await call(s, 'GET', '/lists/other')).status).toBe(404);
  });

  it('seeds messy contacts as members with merge fields, tags and mixed statuses', async () => {
    const s = await sandbox({ seedContacts: 300, seed: 7 });
    const all = [...s.members.values()];
    expect(all.length).toBeGreaterThan(250);
    expect(all.length).toBeLessThan(300); // duplicates of one address merged
    const statuses = new Set(all.map((m) => m.status));
    expect(statuses).toEqual(new Set(['subscribed', 'unsubscribed', 'cleaned']));
    expect(all.filter((m) => m.status === 'subscribed').length).toBeGreaterThan(all.length / 2);
    expect(Object.keys(all[0]!.merge_fields).sort()).toEqual(['CITY', 'FNAME', 'LNAME', 'PHONE']);
    expect(all.every((m) => m.id === subscriberHash(m.email_address))).toBe(true);
    expect(all.some((m) => m.merge_fields.CITY === 'СПб' || m.merge_fields.CITY === 'Питер')).toBe(true);
  });

  it('rejects a batch of more than 500 members like Mailchimp (400 problem)', async () => {
    const s = await sandbox();
    const members = Array.from({ length: 501 }, (_, i) => ({
      email_address: `m${i}@example.com`,
      status: 'subscribed',
    }));
    const reply = await call(s, 'POST', `/lists/${s.listId}`, { members, update_existing: true });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ title: 'Invalid Resource', status: 400 });
    expect(s.members.size).toBe(0);
    expect((await call(s, 'POST', `/lists/${s.listId}`, { members: members.slice(0, 500) })).status).toBe(200);
    expect(s.members.size).toBe(500);
  });

  it('batch subscribe: per-member errors, ERROR_CONTACT_EXISTS, update_existing and sync_tags', async () => {
    const s = await sandbox();
    const first = await call(s, 'POST', `/lists/${s.listId}`, {
      members: [
        { email_address: 'a@example.com', status: 'subscribed', merge_fields: { FNAME: 'A' }, tags: ['one'] },
        { email_address: 'not-an-email', status: 'subscribed' },
        { email_address: 'b@example.com', status: 'subscribed', merge_fields: { NOPE: 'x' } },
        { email_address: 'c@example.com' },
      ],
    });
    expect(first.body).toMatchObject({ total_created: 1, error_count: 3 });
    const errors = first.body!.errors as { email_address: string; error_code: string; field: string }[];
    expect(errors.map((e) => [e.email_address, e.error_code, e.field])).toEqual([
      ['not-an-email', 'ERROR_GENERIC', 'email_address'],
      ['b@example.com', 'ERROR_GENERIC', 'NOPE'],
      ['c@example.com', 'ERROR_GENERIC', 'status'],
    ]);
    const again = await call(s, 'POST', `/lists/${s.listId}`, {
      members: [{ email_address: 'A@example.com', status: 'subscribed' }],
    });
    expect((again.body!.errors as { error_code: string }[])[0]!.error_code).toBe('ERROR_CONTACT_EXISTS');
    s.member('a@example.com')!.status = 'unsubscribed';
    await call(s, 'POST', `/lists/${s.listId}`, {
      members: [{ email_address: 'a@example.com', merge_fields: { LNAME: 'Z' }, tags: ['two'] }],
      update_existing: true,
    });
    const a = s.member('a@example.com')!;
    expect(a.status).toBe('unsubscribed'); // no status given: kept
    expect(a.merge_fields).toMatchObject({ FNAME: 'A', LNAME: 'Z' });
    expect(a.tags.map((t) => t.name)).toEqual(['one', 'two']);
    await call(s, 'POST', `/lists/${s.listId}`, {
      members: [{ email_address: 'a@example.com', tags: ['three'] }],
      update_existing: true,
      sync_tags: true,
    });
    expect(s.member('a@example.com')!.tags.map((t) => t.name)).toEqual(['three']);
  });

  it('pages members by last_changed with since_last_changed, offset and count ≤ 1000', async () => {
    const s = await sandbox({ seedContacts: 50, seed: 3 });
    const tooMany = await call(s, 'GET', `/lists/${s.listId}/members?count=1001`);
    expect(tooMany.status).toBe(400);
    const page = await call(
      s,
      'GET',
      `/lists/${s.listId}/members?count=10&offset=5&sort_field=last_changed&sort_dir=ASC`,
    );
    const members = page.body!.members as { last_changed: string }[];
    expect(members).toHaveLength(10);
    expect(page.body!.total_items).toBe(s.members.size);
    const times = members.map((m) => Date.parse(m.last_changed));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    const since = members[9]!.last_changed;
    const after = await call(
      s,
      'GET',
      `/lists/${s.listId}/members?count=1000&since_last_changed=${encodeURIComponent(since)}`,
    );
    const rest = after.body!.members as { last_changed: string }[];
    expect(rest.every((m) => Date.parse(m.last_changed) >= Date.parse(since))).toBe(true);
    expect(after.body!.total_items).toBe(s.members.size - 14);
  });

  it('upsertMembers end to end: status_if_new never re-subscribes, tags land on new and existing members', async () => {
    const s = await sandbox({ seedContacts: 30, seed: 9 });
    const conn = connection(s.settings);
    const unsubscribed = [...s.members.values()].find((m) => m.status === 'unsubscribed')!;
    const outcomes = await upsertMembers.write({
      connection: conn,
      records: [
        {
          email_address: `  ${unsubscribed.email_address.toUpperCase()} `,
          status_if_new: 'subscribed',
          merge_fields: { city: 'Berlin' },
          tags: ['synced'],
        },
        {
          email_address: 'fresh@example.com',
          status_if_new: 'pending',
          merge_fields: { FNAME: 'Fresh' },
          tags: ['synced', 'new'],
        },
        { email_address: 'broken@', status_if_new: 'subscribed' },
        { email_address: 'other@example.com', status: 'subscribed', merge_fields: { COMPANY: 'Acme' } },
      ],
    });
    expect(outcomes.map((o) => (o.status === 'ok' ? o.operation : `${o.status}`))).toEqual([
      'updated',
      'created',
      'failed',
      'failed',
    ]);
    expect(outcomes[2]!.status === 'failed' && outcomes[2]!.reason).toMatch(/looks fake or invalid/);
    expect(outcomes[3]!.status === 'failed' && outcomes[3]!.reason).toMatch(
      /create merge field COMPANY in the audience/,
    );
    const existing = s.member(unsubscribed.email_address)!;
    expect(existing.status).toBe('unsubscribed');
    expect(existing.merge_fields.CITY).toBe('Berlin');
    expect(existing.tags.map((t) => t.name)).toContain('synced');
    const fresh = s.member('fresh@example.com')!;
    expect(fresh).toMatchObject({
      status: 'pending',
      merge_fields: expect.objectContaining({ FNAME: 'Fresh' }) as object,
    });
    expect(fresh.tags.map((t) => t.name)).toEqual(['synced', 'new']);
    expect(s.member('other@example.com')).toBeUndefined();
  });

  it('delete-permanent erases the member and a re-import of the address is refused', async () => {
    const s = await sandbox();
    const conn = connection(s.settings);
    await upsertMembers.write({
      connection: conn,
      records: [{ email_address: 'gdpr@example.com', status: 'subscribed' }],
    });
    const [erased] = await deleteMemberPermanently.write({
      connection: conn,
      records: [{ email_address: 'GDPR@example.com' }],
    });
    expect(erased).toMatchObject({ status: 'ok', operation: 'deleted' });
    expect(s.member('gdpr@example.com')).toBeUndefined();
    const [again] = await upsertMembers.write({
      connection: conn,
      records: [{ email_address: 'gdpr@example.com', status_if_new: 'subscribed' }],
    });
    expect(again).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect(again!.status === 'failed' && again!.reason).toMatch(/permanently deleted and cannot be re-imported/);
    const [missing] = await deleteMemberPermanently.write({
      connection: conn,
      records: [{ email_address: 'gdpr@example.com' }],
    });
    expect(missing).toMatchObject({ status: 'skipped' });
  });

  it('answers 429 beyond 10 simultaneous connections, in the problem shape', async () => {
    const s = await sandbox();
    const release = s.hold();
    const requests = Array.from({ length: 13 }, () => call(s, 'GET', `/lists/${s.listId}`));
    // wait until the sandbox has refused the surplus (the ten others are held in flight)
    while (s.server.count({ status: 429 }) < 3) await new Promise((r) => setImmediate(r));
    release();
    const replies = await Promise.all(requests);
    expect(replies.filter((r) => r.status === 429)).toHaveLength(3);
    expect(replies.find((r) => r.status === 429)!.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
    expect(s.peakConcurrency).toBe(10);
  });

  it('does not limit connections when enforceLimits is false', async () => {
    const s = await sandbox({ enforceLimits: false });
    const release = s.hold();
    const requests = Array.from({ length: 13 }, () => call(s, 'GET', `/lists/${s.listId}`));
    while (s.peakConcurrency < 13) await new Promise((r) => setImmediate(r));
    release();
    expect((await Promise.all(requests)).every((r) => r.status === 200)).toBe(true);
  });

  it('the connector keeps to its connection cap: 40 parallel tag calls, never more than 8 in flight, no 429', async () => {
    const s = await sandbox({ seedContacts: 40, latencyMs: 5 });
    const conn = connection(s.settings);
    const emails = [...s.members.values()].map((m) => m.email_address);
    const outcomes = await Promise.all(
      emails.map((email) =>
        tagMembers.write({
          connection: conn,
          records: [{ email_address: email, tags: [{ name: 'x', status: 'active' }] }],
        }),
      ),
    );
    expect(outcomes.flat().every((o) => o.status === 'ok')).toBe(true);
    expect(s.peakConcurrency).toBeLessThanOrEqual(8);
    expect(s.server.count({ status: 429 })).toBe(0);
  });

  it('archive sets status archived and the members stream shows it', async () => {
    const s = await sandbox({ seedContacts: 5, seed: 2 });
    const email = [...s.members.values()][0]!.email_address;
    const [outcome] = await archiveMember.write({
      connection: connection(s.settings),
      records: [{ email_address: email }],
    });
    expect(outcome).toMatchObject({ status: 'ok', operation: 'deleted' });
    const { records } = await readMembers(s.settings);
    expect(records.find((r) => r.email_address === email)).toMatchObject({ status: 'archived' });
  });
});

describe('mailchimp sandbox: large audiences', () => {
  it('reads 100,000 members through the connector in pages of 1000, each once', async () => {
    const s = await sandbox({ seedContacts: 100_000, seed: 11, enforceLimits: false });
    const { pages, records, checkpoint } = await readMembers(s.settings);
    expect(records).toHaveLength(s.members.size);
    expect(new Set(records.map((r) => r.id)).size).toBe(s.members.size);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(s.members.size / 1000));
    // a second read only sees the look-back window
    const again = await readMembers(s.settings, checkpoint);
    expect(again.records.length).toBeLessThan(1000);
  }, 120_000);
});

describe('mailchimp sandbox: UI changes fire signed webhooks', () => {
  let receiver: Server;
  const received: WebhookRequest[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        received.push({
          method: req.method ?? 'POST',
          url: req.url ?? '/',
          headers: { 'content-type': req.headers['content-type'] },
          query: Object.fromEntries(url.searchParams),
          rawBody: Buffer.concat(chunks),
          receivedAt: new Date(),
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('unsubscribe, updateMember (profile, upemail) and cleanMember bump last_changed and POST verifiable webhooks', async () => {
    const port = (receiver.address() as AddressInfo).port;
    const secret = 'whsec-0123456789abcdef';
    let now = Date.UTC(2026, 10, 1, 12, 0, 0);
    const s = await sandbox({
      seedContacts: 20,
      seed: 5,
      webhookUrl: `http://127.0.0.1:${port}/hook`,
      webhookSecret: secret,
      clock: () => now,
    });
    expect(s.settings.webhookToken).toBe(secret);
    const ctx = connection(s.settings as never);
    const [first, second, third] = [...s.members.values()].filter((m) => m.status === 'subscribed');

    now += 1000;
    await s.unsubscribe(first!.email_address);
    expect(s.member(first!.email_address)).toMatchObject({
      status: 'unsubscribed',
      last_changed: '2026-11-01T12:00:01+00:00',
    });
    now += 1000;
    await s.updateMember(second!.email_address, { merge_fields: { CITY: 'Berlin' } });
    now += 1000;
    await s.updateMember(third!.email_address, { email_address: 'moved@example.com' });
    expect(s.member('moved@example.com')).toBeDefined();
    now += 1000;
    await s.cleanMember('moved@example.com');

    expect(s.webhookDeliveries.map((d) => [d.type, d.status])).toEqual([
      ['unsubscribe', 200],
      ['profile', 200],
      ['upemail', 200],
      ['cleaned', 200],
    ]);
    for (const request of received) expect(await audienceEvents.verify(request, ctx)).toBe(true);
    const events = received.flatMap((r) => audienceEvents.parse(r, ctx));
    expect(events.map((e) => e.type)).toEqual(['unsubscribe', 'profile', 'upemail', 'upemail', 'cleaned']);
    expect(events[0]!.record).toMatchObject({ id: first!.id, status: 'unsubscribed' });
    expect(events[1]!.record).toMatchObject({ merge_fields: { CITY: 'Berlin' } });
    expect(events[2]!.record).toMatchObject({ id: subscriberHash('moved@example.com') });
    expect(events[4]!.record).toMatchObject({ status: 'cleaned', email_address: 'moved@example.com' });

    // the read after the changes sees them, newest last
    const { records } = await readMembers(s.settings);
    expect(records.slice(-3).map((r) => r.email_address)).toEqual([
      first!.email_address,
      second!.email_address,
      'moved@example.com',
    ]);
    expect(records[records.length - 1]).toMatchObject({ email_address: 'moved@example.com', status: 'cleaned' });
  });
});
