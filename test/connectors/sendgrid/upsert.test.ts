import nock from 'nock';
import { gzipSync } from 'node:zlib';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import { API, EU_API, FIELDS, action, connection } from './helpers';
import { useNock } from './use-nock';

/** upsertContacts against recorded SendGrid answers; every PUT body is checked against SendGrid's own spec. */

const upsert = action('upsertContacts');
const FILES = 'https://sendgrid-files.example.com';

useNock();

function capturePuts(base = API, times = 1) {
  const bodies: Record<string, unknown>[] = [];
  nock(base)
    .put('/v3/marketing/contacts')
    .times(times)
    .reply(202, async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'put', '/v3/marketing/contacts', body);
      bodies.push(body);
      return { job_id: `job-${bodies.length}` };
    });
  return bodies;
}

function jobDone(id: string, status: string, results: Record<string, unknown>, base = API) {
  nock(base).get(`/v3/marketing/contacts/imports/${id}`).reply(200, { id, status: 'pending', job_type: 'upsert' });
  nock(base).get(`/v3/marketing/contacts/imports/${id}`).reply(200, { id, status, job_type: 'upsert', results });
}

describe('upsertContacts', () => {
  it('sends valid ContactRequests with custom fields by id and list_ids, and polls the job', async () => {
    nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
    const bodies = capturePuts();
    jobDone('job-1', 'completed', { requested_count: 2, created_count: 1, updated_count: 1, errored_count: 0 });
    const outcomes = await upsert.write({
      connection: connection({ listIds: ['ca7a3796-e8a8-4029-9ccb-df8937940562'] }),
      records: [
        { email: 'Ann@Example.com ', first_name: 'Ann', custom_fields: { COMPANY: 'Acme', orders: '3' } },
        { email: 'bob@example.com', phone_number: '+49 30 1234567', country: 'DE', postal_code: '10115' },
      ],
    });
    expect(bodies).toEqual([
      {
        list_ids: ['ca7a3796-e8a8-4029-9ccb-df8937940562'],
        contacts: [
          { email: 'ann@example.com', first_name: 'Ann', custom_fields: { e1_T: 'Acme', e2_N: 3 } },
          { email: 'bob@example.com', phone_number: '+49 30 1234567', country: 'DE', postal_code: '10115' },
        ],
      },
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'ann@example.com' },
      { status: 'ok', targetId: 'bob@example.com' },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it('turns the rows of the job’s errors_url file into per-record failures (CSV and gzipped JSON)', async () => {
    capturePuts();
    jobDone('job-1', 'errored', { requested_count: 3, errored_count: 1, errors_url: `${FILES}/errors-1.csv` });
    nock(FILES).get('/errors-1.csv').reply(200, 'email,error\nbad@example.com,"email is invalid, check it"\n');
    const outcomes = await upsert.write({
      connection: connection(),
      records: [{ email: 'ok@example.com' }, { email: 'BAD@example.com' }, { email: 'ok2@example.com' }],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'ok@example.com' },
      { status: 'failed', failure: 'permanent', field: 'email', reason: 'email is invalid, check it' },
      { status: 'ok', targetId: 'ok2@example.com' },
    ]);

    capturePuts();
    jobDone('job-1', 'errored', { requested_count: 2, errored_count: 1, errors_url: `${FILES}/errors-2.json.gz` });
    const json = JSON.stringify([{ email: 'x@example.com', errors: ['custom field e9_T does not exist'] }]);
    nock(FILES).get('/errors-2.json.gz').reply(200, gzipSync(json));
    const second = await upsert.write({
      connection: connection(),
      records: [{ email: 'x@example.com' }, { email: 'y@example.com' }],
    });
    expect(second[0]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'custom_fields',
      reason: 'custom field e9_T does not exist',
    });
    expect(second[1]).toEqual({ status: 'ok', targetId: 'y@example.com' });
  });

  it('fails every record of a job SendGrid marks failed without an error file', async () => {
    capturePuts();
    jobDone('job-1', 'failed', { requested_count: 1, errored_count: 1 });
    const [outcome] = await upsert.write({ connection: connection(), records: [{ email: 'a@example.com' }] });
    expect(outcome).toMatchObject({ status: 'failed', failure: 'permanent', reason: expect.stringContaining('job-1') });

    capturePuts();
    jobDone('job-1', 'failed', { requested_count: 2, errored_count: 2, errors_url: `${FILES}/errors-3.csv` });
    nock(FILES).get('/errors-3.csv').reply(200, 'email,error\nb@example.com,email is invalid\n');
    const both = await upsert.write({
      connection: connection(),
      records: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
    });
    expect(both).toEqual([
      { status: 'failed', failure: 'permanent', reason: expect.stringContaining('failed for every contact') },
      { status: 'failed', failure: 'permanent', field: 'email', reason: 'email is invalid' },
    ]);
  });

  it('fails a record naming an unknown custom field and how to fix it, after refreshing the definitions once', async () => {
    nock(API).get('/v3/marketing/field_definitions').times(2).reply(200, FIELDS);
    const bodies = capturePuts();
    jobDone('job-1', 'completed', { requested_count: 1, created_count: 1 });
    const outcomes = await upsert.write({
      connection: connection(),
      records: [{ email: 'a@example.com', custom_fields: { shoe_size: 42 } }, { email: 'b@example.com' }],
    });
    expect(outcomes[0]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'custom_fields.shoe_size',
      reason: expect.stringMatching(/"shoe_size" does not exist in SendGrid: create it/),
    });
    expect(outcomes[1]).toEqual({ status: 'ok', targetId: 'b@example.com', operation: 'created' });
    expect(bodies[0]!.contacts).toEqual([{ email: 'b@example.com' }]);
    expect(nock.isDone()).toBe(true); // the second GET proves the refresh
  });

  it('fails over-long fields, broken emails and non-numbers in Number fields before sending', async () => {
    nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
    const outcomes = await upsert.write({
      connection: connection(),
      records: [
        { email: 'a@example.com', first_name: 'x'.repeat(51) },
        { email: 'b@example.com', city: 'c'.repeat(61) },
        { email: 'not an email' },
        { email: 'c@example.com', custom_fields: { orders: 'many' } },
      ],
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual([
      'first_name',
      'city',
      'email',
      'custom_fields.orders',
    ]);
    expect(outcomes[0]).toMatchObject({ reason: 'first_name is 51 characters long; SendGrid accepts at most 50' });
    expect(nock.pendingMocks()).toEqual([]); // nothing was sent
  });

  it('splits a batch by the 6 MB body limit, every request valid', async () => {
    const bodies = capturePuts(API, 2);
    jobDone('job-1', 'completed', { requested_count: 1 });
    jobDone('job-2', 'completed', { requested_count: 1 });
    const records = Array.from({ length: 2_200 }, (_, i) => ({
      email: `p${i}@example.com`,
      postal_code: 'z'.repeat(3_000),
    }));
    const outcomes = await upsert.write({ connection: connection(), records });
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThanOrEqual(6_000_000);
    expect(bodies.reduce((n, b) => n + (b.contacts as unknown[]).length, 0)).toBe(2_200);
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
  });

  it('splits by the 30,000-contact limit too', async () => {
    const bodies = capturePuts(API, 2);
    jobDone('job-1', 'completed', { requested_count: 30_000 });
    jobDone('job-2', 'completed', { requested_count: 1 });
    const records = Array.from({ length: 30_001 }, (_, i) => ({ email: `n${i}@example.com` }));
    const outcomes = await upsert.write({ connection: connection(), records });
    expect(bodies.map((b) => (b.contacts as unknown[]).length)).toEqual([30_000, 1]);
    expect(outcomes).toHaveLength(30_001);
  });

  it('talks to api.eu.sendgrid.com for EU accounts', async () => {
    capturePuts(EU_API);
    jobDone('job-1', 'completed', { requested_count: 1 }, EU_API);
    const [outcome] = await upsert.write({
      connection: connection({ region: 'eu' }),
      records: [{ email: 'eu@example.com' }],
    });
    expect(outcome).toEqual({ status: 'ok', targetId: 'eu@example.com' });
    expect(nock.isDone()).toBe(true);
  });

  it('fails the records of a PUT SendGrid answers 400, with its reason', async () => {
    nock(API)
      .put('/v3/marketing/contacts')
      .reply(400, { errors: [{ field: 'list_ids', message: 'list ids do not exist' }] });
    const outcomes = await upsert.write({ connection: connection(), records: [{ email: 'a@example.com' }] });
    expect(outcomes).toEqual([
      { status: 'failed', failure: 'permanent', reason: expect.stringContaining('list_ids: list ids do not exist') },
    ]);
  });

  it('throws a 429 on the first request, and makes it a per-record retryable outcome after a chunk went through', async () => {
    const reset = Math.floor(Date.now() / 1000) + 30;
    nock(API)
      .put('/v3/marketing/contacts')
      .reply(429, { errors: [{ message: 'too many requests' }] }, { 'X-RateLimit-Reset': String(reset) });
    await expect(
      upsert.write({ connection: connection(), records: [{ email: 'a@example.com' }] }),
    ).rejects.toMatchObject({
      kind: 'rate_limited',
    });

    nock(API).put('/v3/marketing/contacts').reply(202, { job_id: 'job-1' });
    jobDone('job-1', 'completed', { requested_count: 1 });
    nock(API)
      .put('/v3/marketing/contacts')
      .reply(429, { errors: [{ message: 'too many requests' }] }, { 'X-RateLimit-Reset': String(reset) });
    const records = Array.from({ length: 2_200 }, (_, i) => ({
      email: `p${i}@example.com`,
      postal_code: 'z'.repeat(3_000),
    }));
    const outcomes = await upsert.write({ connection: connection(), records });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'p0@example.com' });
    const last = outcomes.at(-1)!;
    expect(last).toMatchObject({ status: 'failed', failure: 'retryable' });
    expect(last.status === 'failed' && last.retryAfterMs).toBeGreaterThan(20_000);
  });
});
