import nock from 'nock';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import { API, action, connection } from './helpers';
import { useNock } from './use-nock';

/** deleteContacts and eraseRecipients against recorded SendGrid answers; bodies checked against the specs. */

useNock();

function searchReplies(result: (emails: string[]) => [number, unknown], bodies: unknown[] = []) {
  nock(API)
    .post('/v3/marketing/contacts/search/emails')
    .times(5)
    .reply(async (request: Request) => {
      const body = (await request.json()) as { emails: string[] };
      assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'post', '/v3/marketing/contacts/search/emails', body);
      bodies.push(body);
      return result(body.emails);
    });
  return bodies;
}

describe('deleteContacts', () => {
  it('resolves ids by email, deletes them, and skips emails that are not contacts', async () => {
    const searched = searchReplies((emails) => [
      200,
      {
        result: Object.fromEntries(
          emails.map((e) => [
            e,
            e.startsWith('known') ? { contact: { id: `id-${e}`, email: e } } : { error: 'contact not found' },
          ]),
        ),
      },
    ]);
    const deletes: string[] = [];
    nock(API)
      .delete('/v3/marketing/contacts')
      .query((q) => (deletes.push(String(q.ids)), true))
      .reply(202, { job_id: 'del-1' });
    const outcomes = await action('deleteContacts').write({
      connection: connection(),
      records: [
        { email: 'Known1@example.com' },
        { email: 'ghost@example.com' },
        { email: 'known1@example.com' },
        { email: '' },
      ],
    });
    expect(searched).toEqual([{ emails: ['known1@example.com', 'ghost@example.com'] }]);
    expect(deletes).toEqual(['id-known1@example.com']);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'id-known1@example.com', operation: 'deleted' },
      { status: 'skipped', reason: 'no SendGrid contact has this email', targetId: 'ghost@example.com' },
      { status: 'ok', targetId: 'id-known1@example.com', operation: 'deleted' },
      { status: 'failed', failure: 'permanent', field: 'email', reason: 'email is required' },
    ]);
  });

  it('treats search’s 404 as “none of these is a contact” and sends no delete', async () => {
    searchReplies(() => [404, { errors: [{ message: 'No results found' }] }]);
    const outcomes = await action('deleteContacts').write({
      connection: connection(),
      records: [{ email: 'a@example.com' }],
    });
    expect(outcomes).toEqual([
      { status: 'skipped', reason: 'no SendGrid contact has this email', targetId: 'a@example.com' },
    ]);
  });

  it('searches at most 100 emails per call', async () => {
    const searched = searchReplies(() => [404, { errors: [{ message: 'No results found' }] }]);
    const records = Array.from({ length: 150 }, (_, i) => ({ email: `p${i}@example.com` }));
    await action('deleteContacts').write({ connection: connection(), records });
    expect((searched as { emails: string[] }[]).map((b) => b.emails.length)).toEqual([100, 50]);
  });
});

describe('eraseRecipients', () => {
  function eraseReplies(reply: (emails: string[]) => [number, unknown]) {
    const bodies: string[][] = [];
    nock(API)
      .post('/v3/recipients/erasejob')
      .times(5)
      .reply(async (request: Request) => {
        const body = (await request.json()) as { email_addresses: string[] };
        assertValidRequestBody('sendgrid/tsg_recipients_data_erasure_v3.json', 'post', '/v3/recipients/erasejob', body);
        bodies.push(body.email_addresses);
        return reply(body.email_addresses);
      });
    return bodies;
  }

  it('sends unique, lowercased addresses in requests of at most 5,000', async () => {
    const bodies = eraseReplies(() => [202, { job_id: 'erase-1' }]);
    const records = Array.from({ length: 7_000 }, (_, i) => ({ email: `User${i}@Example.com` }));
    records.push({ email: 'user0@example.com' });
    const outcomes = await action('eraseRecipients').write({ connection: connection(), records });
    expect(bodies.map((b) => b.length)).toEqual([5_000, 2_000]);
    expect(bodies[0]![0]).toBe('user0@example.com');
    expect(outcomes).toHaveLength(7_001);
    expect(outcomes[7_000]).toEqual({ status: 'ok', targetId: 'user0@example.com', operation: 'deleted' });
  });

  it('keeps each request under 256 KB', async () => {
    const bodies = eraseReplies(() => [202, { job_id: 'erase-1' }]);
    const records = Array.from({ length: 3_000 }, (_, i) => ({ email: `${'l'.repeat(90)}${i}@example.com` }));
    await action('eraseRecipients').write({ connection: connection(), records });
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies)
      expect(Buffer.byteLength(JSON.stringify({ email_addresses: b }))).toBeLessThanOrEqual(256 * 1024);
  });

  it('fails the addresses a 400 names and erases the others with one more request', async () => {
    const second = eraseReplies((emails) =>
      emails.includes('bad@gml.com')
        ? [400, { errors: [{ message: 'Email_address bad@gml.com is not valid', field: 'email_addresses' }] }]
        : [202, { job_id: 'e' }],
    );
    const again = await action('eraseRecipients').write({
      connection: connection(),
      records: [{ email: 'ok@example.com' }, { email: 'bad@gml.com' }],
    });
    expect(second).toEqual([['ok@example.com', 'bad@gml.com'], ['ok@example.com']]);
    expect(again).toEqual([
      { status: 'ok', targetId: 'ok@example.com', operation: 'deleted' },
      {
        status: 'failed',
        failure: 'permanent',
        field: 'email',
        reason: expect.stringContaining('bad@gml.com is not valid'),
      },
    ]);
  });
});
