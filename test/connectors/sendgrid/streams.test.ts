import nock from 'nock';
import { gzipSync } from 'node:zlib';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import { API, FIELDS, connection, readAll } from './helpers';
import { useNock } from './use-nock';

/** The contacts (export) and suppressions streams against recorded SendGrid answers. */

const FILES = 'https://sendgrid-exports.example.com';

useNock();

function contact(i: number, updated: string, extra: Record<string, unknown> = {}) {
  return {
    contact_id: `id-${i}`,
    email: `C${i}@Example.com`,
    first_name: `C${i}`,
    created_at: '2024-01-01T00:00:00Z',
    updated_at: updated,
    ...extra,
  };
}

function exportReplies(files: Buffer[]) {
  const bodies: unknown[] = [];
  nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
  nock(API)
    .post('/v3/marketing/contacts/exports')
    .reply(async (request: Request) => {
      const body = await request.json();
      assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'post', '/v3/marketing/contacts/exports', body);
      bodies.push(body);
      return [202, { id: 'exp-1', _metadata: {} }];
    });
  nock(API).get('/v3/marketing/contacts/exports/exp-1').reply(200, { id: 'exp-1', status: 'pending' });
  nock(API)
    .get('/v3/marketing/contacts/exports/exp-1')
    .reply(200, { id: 'exp-1', status: 'ready', urls: files.map((_, i) => `${FILES}/part-${i}`) });
  files.forEach((bytes, i) => nock(FILES).get(`/part-${i}`).reply(200, bytes));
  return bodies;
}

describe('contacts stream', () => {
  it('exports as JSON, reads gzipped NDJSON and a plain JSON array, custom fields by name', async () => {
    const ndjson = [
      contact(1, '2025-03-01T10:00:00Z', { custom_fields: { e1_T: 'Acme', e2_N: 4 } }),
      contact(2, '2025-03-02T10:00:00Z', { phone_number: '', city: 'Berlin' }),
    ]
      .map((c) => JSON.stringify(c))
      .join('\n');
    const array = JSON.stringify([
      { CONTACT_ID: 'id-3', EMAIL: 'c3@example.com', UPDATED_AT: '2025-03-03T10:00:00Z', COMPANY: 'Globex' },
    ]);
    const bodies = exportReplies([gzipSync(ndjson), Buffer.from(array)]);
    const pages = await readAll('contacts', connection());
    expect(bodies).toEqual([{ file_type: 'json' }]);
    expect(pages.flatMap((p) => p.records)).toEqual([
      {
        id: 'id-1',
        email: 'c1@example.com',
        first_name: 'C1',
        custom_fields: { company: 'Acme', orders: 4 },
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2025-03-01T10:00:00.000Z',
      },
      {
        id: 'id-2',
        email: 'c2@example.com',
        first_name: 'C2',
        city: 'Berlin',
        custom_fields: {},
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2025-03-02T10:00:00.000Z',
      },
      {
        id: 'id-3',
        email: 'c3@example.com',
        custom_fields: { company: 'Globex' },
        created_at: '2025-03-03T10:00:00.000Z',
        updated_at: '2025-03-03T10:00:00.000Z',
      },
    ]);
    expect(pages.at(-1)!.checkpoint).toEqual({ updatedAt: '2025-03-03T10:00:00.000Z', id: 'id-3' });
  });

  it('pages by 1,000 with the starting checkpoint until the last page', async () => {
    const lines = Array.from({ length: 2_500 }, (_, i) =>
      JSON.stringify(contact(i, `2025-04-01T00:00:${String(i % 60).padStart(2, '0')}Z`)),
    );
    exportReplies([gzipSync(lines.join('\n'))]);
    const start = { updatedAt: '2020-01-01T00:00:00.000Z', id: 'x' };
    const pages = await readAll('contacts', connection(), start);
    expect(pages.map((p) => p.records.length)).toEqual([1_000, 1_000, 500]);
    expect(pages[0]!.checkpoint).toEqual(start);
    expect(pages[1]!.checkpoint).toEqual(start);
    expect(pages[2]!.checkpoint).toEqual({ updatedAt: '2025-04-01T00:00:59.000Z', id: 'id-959' }); // ties on updated_at go to the highest id
  });

  it('keeps only records newer than the checkpoint minus ten minutes, or at/after since', async () => {
    const rows = [
      contact(1, '2025-05-01T11:49:00Z'),
      contact(2, '2025-05-01T11:51:00Z'),
      contact(3, '2025-05-01T12:30:00Z'),
    ];
    const file = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'));
    exportReplies([file]);
    const checkpoint = { updatedAt: '2025-05-01T12:00:00.000Z', id: 'id-0' };
    const records = (await readAll('contacts', connection(), checkpoint)).flatMap((p) => p.records.map((r) => r.id));
    expect(records).toEqual(['id-2', 'id-3']);

    exportReplies([file]);
    const since = (await readAll('contacts', connection(), checkpoint, '2025-05-01T12:30:00.000Z')).flatMap((p) =>
      p.records.map((r) => r.id),
    );
    expect(since).toEqual(['id-3']);
  });

  it('fails the read when the export fails, naming SendGrid’s message', async () => {
    nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
    nock(API).post('/v3/marketing/contacts/exports').reply(202, { id: 'exp-9', _metadata: {} });
    nock(API)
      .get('/v3/marketing/contacts/exports/exp-9')
      .reply(200, { id: 'exp-9', status: 'failure', message: 'quota' });
    await expect(readAll('contacts', connection())).rejects.toMatchObject({
      kind: 'retryable',
      message: expect.stringContaining('quota'),
    });
  });
});

describe('suppressions stream', () => {
  function list(path: string, pages: unknown[][], queries: Record<string, string>[] = []) {
    for (const page of pages)
      nock(API)
        .get(path)
        .query((q) => (queries.push(q as Record<string, string>), true))
        .reply(200, page);
    return queries;
  }

  it('reads unsubscribes, bounces and spam reports by offset pages of 500', async () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ created: 1_700_000_000 + i, email: `U${i}@example.com` }));
    const unsubQueries = list('/v3/suppression/unsubscribes', [
      many,
      [{ created: 1_600_000_000, email: 'last@example.com' }],
    ]);
    list('/v3/suppression/bounces', [
      [{ created: 1_700_001_000, email: 'b@example.com', reason: '550 5.1.1 unknown', status: '5.1.1' }],
    ]);
    list('/v3/suppression/spam_reports', [[{ created: 1_700_002_000, email: 's@example.com', ip: '10.0.0.1' }]]);
    const pages = await readAll('suppressions', connection());
    expect(unsubQueries).toEqual([
      { limit: '500', offset: '0' },
      { limit: '500', offset: '500' },
    ]);
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(503);
    expect(records[0]).toEqual({
      id: 'unsubscribe:u0@example.com',
      email: 'u0@example.com',
      type: 'unsubscribe',
      created_at: '2023-11-14T22:13:20.000Z',
    });
    expect(records.at(-2)).toEqual({
      id: 'bounce:b@example.com',
      email: 'b@example.com',
      type: 'bounce',
      reason: '550 5.1.1 unknown',
      created_at: new Date(1_700_001_000_000).toISOString(),
    });
    expect(pages[0]!.checkpoint).toEqual({ since: {}, at: { type: 'unsubscribe', offset: 500, max: 1_700_000_499 } });
    expect(pages.at(-1)!.checkpoint).toEqual({
      since: { unsubscribe: 1_700_000_499, bounce: 1_700_001_000, spamreport: 1_700_002_000 },
    });
  });

  it('resumes mid-list from the checkpoint and asks each list from its newest time', async () => {
    const unsub = list('/v3/suppression/unsubscribes', [[{ created: 1_700_000_600, email: 'u@example.com' }]]);
    const bounces = list('/v3/suppression/bounces', [[]]);
    const spam = list('/v3/suppression/spam_reports', [[]]);
    const checkpoint = {
      since: { bounce: 1_600_000_000, spamreport: 1_650_000_000 },
      at: { type: 'unsubscribe', offset: 500, max: 1_700_000_499 },
    };
    const pages = await readAll('suppressions', connection(), checkpoint);
    expect(unsub).toEqual([{ limit: '500', offset: '500' }]);
    expect(bounces).toEqual([{ start_time: '1600000000', limit: '500', offset: '0' }]);
    expect(spam).toEqual([{ start_time: '1650000000', limit: '500', offset: '0' }]);
    expect(pages.at(-1)!.checkpoint).toEqual({
      since: { bounce: 1_600_000_000, spamreport: 1_650_000_000, unsubscribe: 1_700_000_600 },
    });
  });

  it('asks every list from the runner’s since when it passes one', async () => {
    const queries: Record<string, string>[] = [];
    for (const path of ['/v3/suppression/unsubscribes', '/v3/suppression/bounces', '/v3/suppression/spam_reports'])
      list(path, [[]], queries);
    await readAll('suppressions', connection(), { since: { bounce: 5 } }, '2024-01-01T00:00:00.000Z');
    expect(queries.map((q) => q.start_time)).toEqual(['1704067200', '1704067200', '1704067200']);
  });
});
