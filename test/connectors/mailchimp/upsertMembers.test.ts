import nock from 'nock';
import { upsertMembers } from '../../../connectors/mailchimp/actions/upsertMembers';
import { subscriberHash } from '../../../connectors/mailchimp/client';
import { validateMergeFields } from '../../../connectors/mailchimp/merge-fields';
import type { UpsertMemberInput } from '../../../connectors/mailchimp/schemas/actions';
import { AuthError, PermanentError, WriteOutcome } from '../../../core/sdk';
import { createSchemaAjv, toJsonSchema } from '../../../core/registry/validate';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import { API, API_KEY, LIST, connection, problemBody, replyWith, settings, useNock, type Captured } from './helpers';

useNock();

const validOutcome = createSchemaAjv({}).compile(toJsonSchema(WriteOutcome));

function mergeFields(tags = ['FNAME', 'LNAME', 'CITY']) {
  return nock(API)
    .get(`/3.0/lists/${LIST}/merge-fields`)
    .query(true)
    .reply(200, {
      merge_fields: tags.map((tag, i) => ({ merge_id: i + 1, tag, type: 'text' })),
      total_items: tags.length,
    });
}

interface BatchMember {
  email_address: string;
  status?: string;
}

/** A batch-subscribe endpoint that answers from the members it is told exist; captures every body. */
function batchEndpoint(existing: Set<string>, captured: Captured[], reject: Record<string, string> = {}) {
  return nock(API)
    .post(`/3.0/lists/${LIST}`)
    .times(2)
    .reply(
      replyWith((request) => {
        captured.push(request);
        const body = request.body as { members: BatchMember[]; update_existing: boolean };
        const out = { new_members: [] as object[], updated_members: [] as object[], errors: [] as object[] };
        for (const m of body.members) {
          const hash = subscriberHash(m.email_address);
          if (reject[m.email_address] !== undefined)
            out.errors.push({
              email_address: m.email_address,
              error: reject[m.email_address],
              error_code: 'ERROR_GENERIC',
              field: 'email_address',
              field_message: 'Invalid email',
            });
          else if (existing.has(hash) && !body.update_existing)
            out.errors.push({
              email_address: m.email_address,
              error: `${m.email_address} is already a list member.`,
              error_code: 'ERROR_CONTACT_EXISTS',
            });
          else if (existing.has(hash))
            out.updated_members.push({ id: hash, email_address: m.email_address.toLowerCase() });
          else out.new_members.push({ id: hash, email_address: m.email_address });
        }
        return [200, { ...out, total_created: out.new_members.length, error_count: out.errors.length }];
      }),
    );
}

const write = (records: UpsertMemberInput[]) => upsertMembers.write({ connection: connection(), records });

describe('upsertMembers (nock)', () => {
  it('creates new members with status_if_new and updates existing ones without touching their status', async () => {
    mergeFields();
    const captured: Captured[] = [];
    batchEndpoint(new Set([subscriberHash('old@example.com')]), captured);
    const outcomes = await write([
      {
        email_address: ' New@Example.com ',
        status_if_new: 'subscribed',
        merge_fields: { FNAME: 'Ann' },
        tags: ['vip'],
      },
      { email_address: 'old@example.com', status_if_new: 'pending', merge_fields: { fname: 'Bob' }, language: 'de' },
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: subscriberHash('new@example.com'), operation: 'created' },
      { status: 'ok', targetId: subscriberHash('old@example.com'), operation: 'updated' },
    ]);
    for (const request of captured)
      assertValidRequestBody('mailchimp/list-id-api.yml', 'post', '/lists/{list_id}', request.body);
    expect(captured[0]!.body).toEqual({
      members: [
        { email_address: 'New@Example.com', status: 'subscribed', merge_fields: { FNAME: 'Ann' }, tags: ['vip'] },
        { email_address: 'old@example.com', status: 'pending', merge_fields: { FNAME: 'Bob' }, language: 'de' },
      ],
      update_existing: false,
    });
    // the existing member is updated with no status: an unsubscribed member stays unsubscribed
    expect(captured[1]!.body).toEqual({
      members: [{ email_address: 'old@example.com', merge_fields: { FNAME: 'Bob' }, language: 'de' }],
      update_existing: true,
    });
  });

  it('sends an explicit status in one update_existing call', async () => {
    const captured: Captured[] = [];
    batchEndpoint(new Set([subscriberHash('a@example.com')]), captured);
    const outcomes = await write([
      { email_address: 'a@example.com', status: 'unsubscribed' },
      { email_address: 'b@example.com', status: 'subscribed', tags: ['x', 'x', 'y'] },
    ]);
    expect(captured).toHaveLength(1);
    assertValidRequestBody('mailchimp/list-id-api.yml', 'post', '/lists/{list_id}', captured[0]!.body);
    expect(captured[0]!.body).toEqual({
      members: [
        { email_address: 'a@example.com', status: 'unsubscribed' },
        { email_address: 'b@example.com', status: 'subscribed', tags: ['x', 'y'] },
      ],
      update_existing: true,
    });
    expect(outcomes.map((o) => (o.status === 'ok' ? o.operation : o.status))).toEqual(['updated', 'created']);
  });

  it('maps partial failures to per-record outcomes in input order', async () => {
    const captured: Captured[] = [];
    batchEndpoint(new Set(), captured, {
      'bad@example': 'bad@example looks fake or invalid, please enter a real email address.',
    });
    const outcomes = await write([
      { email_address: 'one@example.com', status: 'subscribed' },
      { email_address: 'bad@example', status: 'subscribed' },
      { email_address: 'three@example.com', status: 'subscribed' },
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'ok', operation: 'created' });
    expect(outcomes[1]).toEqual({
      status: 'failed',
      failure: 'permanent',
      reason:
        'Mailchimp refused the member: bad@example looks fake or invalid, please enter a real email address. — Invalid email',
      field: 'email_address',
    });
    expect(outcomes[2]).toMatchObject({ status: 'ok', targetId: subscriberHash('three@example.com') });
    outcomes.forEach((o) => expect(validOutcome(o)).toBe(true));
  });

  it('fails a record with an unknown merge tag, naming the tag and the fix, and sends the others', async () => {
    mergeFields(['FNAME']);
    const captured: Captured[] = [];
    batchEndpoint(new Set(), captured);
    const outcomes = await write([
      { email_address: 'a@example.com', status: 'subscribed', merge_fields: { FNAME: 'A', COMPANY: 'Acme' } },
      { email_address: 'b@example.com', status: 'subscribed', merge_fields: { FNAME: 'B' } },
    ]);
    expect(outcomes[0]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'merge_fields.COMPANY',
      reason: expect.stringContaining(
        'create merge field COMPANY in the audience (Audience → Settings → Audience fields and *|MERGE|* tags) or remove it from the mapping',
      ) as string,
    });
    expect(outcomes[1]).toMatchObject({ status: 'ok' });
    expect((captured[0]!.body as { members: BatchMember[] }).members.map((m) => m.email_address)).toEqual([
      'b@example.com',
    ]);
  });

  it('asks for the merge fields once per few minutes (cached per connection)', async () => {
    const scope = mergeFields();
    const captured: Captured[] = [];
    nock(API)
      .post(`/3.0/lists/${LIST}`)
      .times(2)
      .reply(replyWith((r) => (captured.push(r), [200, { new_members: [], updated_members: [], errors: [] }])));
    await write([{ email_address: 'a@example.com', status: 'subscribed', merge_fields: { FNAME: 'A' } }]);
    await write([{ email_address: 'b@example.com', status: 'subscribed', merge_fields: { FNAME: 'B' } }]);
    expect(scope.isDone()).toBe(true);
    expect(captured).toHaveLength(2);
  });

  it('refuses a record with neither status nor status_if_new, and an empty address, without a call', async () => {
    const outcomes = await write([{ email_address: 'a@example.com' }, { email_address: '   ', status: 'subscribed' }]);
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 'failed', failure: 'permanent', field: 'status_if_new' }),
      expect.objectContaining({ status: 'failed', failure: 'permanent', field: 'email_address' }),
    ]);
  });

  it('sends the same address once (the last record) and skips the earlier one', async () => {
    const captured: Captured[] = [];
    batchEndpoint(new Set(), captured);
    const outcomes = await write([
      { email_address: 'Dup@example.com', status: 'subscribed', language: 'en' },
      { email_address: 'dup@example.com ', status: 'subscribed', language: 'fr' },
    ]);
    expect(outcomes[0]).toMatchObject({ status: 'skipped', targetId: subscriberHash('dup@example.com') });
    expect(outcomes[1]).toMatchObject({ status: 'ok' });
    expect((captured[0]!.body as { members: { language: string }[] }).members).toEqual([
      { email_address: 'dup@example.com', status: 'subscribed', language: 'fr' },
    ]);
  });

  it('a member Mailchimp does not report is a retryable failure', async () => {
    nock(API).post(`/3.0/lists/${LIST}`).reply(200, { new_members: [], updated_members: [], errors: [] });
    const [outcome] = await write([{ email_address: 'ghost@example.com', status: 'subscribed' }]);
    expect(outcome).toMatchObject({ status: 'failed', failure: 'retryable' });
  });

  it('a whole-request failure throws the typed error (batch too large → permanent; 401 → auth, no key)', async () => {
    nock(API)
      .post(`/3.0/lists/${LIST}`)
      .reply(400, {
        ...problemBody(400, 'Invalid Resource', 'could not be validated'),
        errors: [{ field: 'members', message: 'at most 500' }],
      });
    await expect(write([{ email_address: 'a@example.com', status: 'subscribed' }])).rejects.toBeInstanceOf(
      PermanentError,
    );
    nock(API)
      .post(`/3.0/lists/${LIST}`)
      .reply(401, problemBody(401, 'API Key Invalid', 'bad key'));
    const error = (await write([{ email_address: 'a@example.com', status: 'subscribed' }]).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('validateMergeFields', () => {
  it('lists each unknown tag of the samples once, with the fix', async () => {
    mergeFields(['FNAME', 'CITY']);
    const problems = await validateMergeFields(connection(settings), [
      { merge_fields: { FNAME: 'a', COMPANY: 'x', city: 'y' } },
      { merge_fields: { COMPANY: 'z', SOURCE: 'w' } },
    ]);
    expect(problems.map((p) => p.tag)).toEqual(['COMPANY', 'SOURCE']);
    expect(problems[0]!.message).toContain('create merge field COMPANY in the audience');
  });
});
