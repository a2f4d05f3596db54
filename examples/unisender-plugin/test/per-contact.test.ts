import nock from 'nock';
import { isHubError } from 'connector-hub/sdk';
import { exclude } from '../actions/exclude';
import { importContacts } from '../actions/importContacts';
import { unsubscribe } from '../actions/unsubscribe';
import { contacts } from '../streams/contacts';
import { startSandbox, type UnisenderSandbox } from '../sandbox';
import { connection, readAll } from './helpers';
import { assertDocumentedRequest, mockCall, useNock } from './nock';

describe('unsubscribe and exclude against a mocked API', () => {
  useNock();

  it('sends one call per contact with the list id', async () => {
    const calls = mockCall('unsubscribe', { result: {} });
    mockCall('unsubscribe', { result: {} }, calls);
    const outcomes = await unsubscribe.write({
      connection: connection(),
      records: [{ email: ' A@Example.com' }, { email: 'b@example.com' }],
    });
    calls.forEach((c) => assertDocumentedRequest('unsubscribe', c));
    expect(calls.map((c) => [c.contact, c.list_ids])).toEqual([
      ['a@example.com', '7'],
      ['b@example.com', '7'],
    ]);
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'a@example.com', operation: 'updated' },
      { status: 'ok', targetId: 'b@example.com', operation: 'updated' },
    ]);
  });

  it('a refused contact fails alone; a rate limit marks it and the rest retryable with the wait', async () => {
    mockCall('exclude', { error: 'Invalid contact', code: 'invalid_arg' });
    mockCall('exclude', { result: {} });
    mockCall('exclude', { error: 'limit', code: 'api_call_limit_exceeded_for_ip' });
    const outcomes = await exclude.write({
      connection: connection(),
      records: [
        { email: 'x@example.com' },
        { email: 'y@example.com' },
        { email: 'z@example.com' },
        { email: 'w@example.com' },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'ok', 'failed', 'failed']);
    expect(outcomes[0]).toMatchObject({ failure: 'permanent' });
    expect(outcomes[2]).toMatchObject({ failure: 'retryable', retryAfterMs: 60_000 });
    expect(outcomes[3]).toMatchObject({ failure: 'retryable', retryAfterMs: 60_000 });
    expect(nock.isDone()).toBe(true);
  });

  it('bad credentials stop the batch with an AuthError', async () => {
    mockCall('unsubscribe', { error: 'Invalid API key', code: 'invalid_api_key' });
    const error = await unsubscribe
      .write({ connection: connection(), records: [{ email: 'a@example.com' }] })
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('auth');
  });
});

describe('unsubscribe and exclude against the sandbox', () => {
  let sandbox: UnisenderSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(() => sandbox.close());

  it('unsubscribe keeps the contact in the list with the unsubscribed status; exclude removes it', async () => {
    const conn = connection(sandbox.settings);
    await importContacts.write({
      connection: conn,
      records: [{ email: 'a@example.com' }, { email: 'b@example.com' }, { email: 'c@example.com' }],
    });
    const un = await unsubscribe.write({ connection: conn, records: [{ email: 'a@example.com' }, { email: 'bad' }] });
    expect(un[0]).toEqual({ status: 'ok', targetId: 'a@example.com', operation: 'updated' });
    expect(un[1]).toMatchObject({ status: 'failed', failure: 'permanent' });
    const ex = await exclude.write({ connection: conn, records: [{ email: 'b@example.com' }] });
    expect(ex).toEqual([{ status: 'ok', targetId: 'b@example.com', operation: 'deleted' }]);
    const pages = await readAll(contacts.read({ connection: conn, checkpoint: null }));
    const rows = pages.flatMap((p) => p.records);
    expect(rows.map((r) => [r.email, r.email_status])).toEqual([
      ['a@example.com', 'unsubscribed'],
      ['c@example.com', 'new'],
    ]);
    expect(sandbox.contacts.has('b@example.com')).toBe(true);
  });

  it('a temporary failure injected by the sandbox becomes a retryable outcome', async () => {
    sandbox.failNext('exclude', 'retry_later', 'Temporary failure');
    const outcomes = await exclude.write({
      connection: connection(sandbox.settings),
      records: [{ email: 'a@example.com' }],
    });
    expect(outcomes).toEqual([
      { status: 'failed', failure: 'retryable', reason: expect.stringContaining('retry_later') },
    ]);
  });
});
