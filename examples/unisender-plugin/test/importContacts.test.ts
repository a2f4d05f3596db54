import { isHubError } from 'connector-hub/sdk';
import { importContacts } from '../actions/importContacts';
import { startSandbox, type UnisenderSandbox } from '../sandbox';
import type { ImportContactRecord } from '../schemas/records';
import { baseSettings, connection } from './helpers';
import { assertDocumentedRequest, mockCall, useNock } from './nock';

const ok = (log: unknown[] = []) => ({
  result: { total: 0, inserted: 0, updated: 0, deleted: 0, new_emails: 0, invalid: log.length, log },
});

describe('importContacts against a mocked API', () => {
  useNock();

  it('sends field_names/data with the list id and the explicit overwrite flags', async () => {
    const calls = mockCall('importContacts', ok());
    const outcomes = await importContacts.write({
      connection: connection({ ...baseSettings, overwriteTags: true }),
      records: [
        { email: ' Anna@Example.com ', fields: { Name: 'Anna', Age: 31 }, tags: ['vip', 'ru'] },
        { email: 'ivan@example.com', fields: { Name: 'Ivan', Age: null }, tags: [] },
      ],
    });
    expect(calls).toHaveLength(1);
    assertDocumentedRequest('importContacts', calls[0]!);
    expect(calls[0]!.field_names).toEqual(['email', 'email_list_ids', 'tags', 'Age', 'Name']);
    expect(calls[0]!.data).toEqual([
      ['Anna@Example.com', '7', 'vip,ru', '31', 'Anna'],
      ['ivan@example.com', '7', '', '', 'Ivan'],
    ]);
    expect(calls[0]!.overwrite_tags).toBe('1');
    expect(calls[0]!.overwrite_lists).toBe('0');
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'anna@example.com' },
      { status: 'ok', targetId: 'ivan@example.com' },
    ]);
  });

  it('maps the log rows to failed/permanent outcomes in input order, the rest succeed', async () => {
    mockCall('importContacts', ok([{ index: 1, code: 'invalid_arg', message: 'Invalid e-mail "nope"' }]));
    const outcomes = await importContacts.write({
      connection: connection(),
      records: [{ email: 'a@example.com' }, { email: 'nope' }, { email: 'c@example.com' }],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: 'a@example.com' },
      { status: 'failed', failure: 'permanent', reason: 'invalid_arg: Invalid e-mail "nope"', field: 'email' },
      { status: 'ok', targetId: 'c@example.com' },
    ]);
  });

  it('sends records with different field sets in separate calls and maps each log back', async () => {
    const calls = mockCall('importContacts', ok([{ index: 0, code: 'x', message: 'bad' }]));
    mockCall('importContacts', ok(), calls);
    const records: ImportContactRecord[] = [
      { email: 'a@example.com' },
      { email: 'b@example.com', fields: { Name: 'B' } },
      { email: 'c@example.com' },
      { email: '   ' },
    ];
    const outcomes = await importContacts.write({ connection: connection(), records });
    expect(calls.map((c) => c.field_names)).toEqual([
      ['email', 'email_list_ids'],
      ['email', 'email_list_ids', 'Name'],
    ]);
    expect(calls[0]!.data).toEqual([
      ['a@example.com', '7'],
      ['c@example.com', '7'],
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'ok', 'ok', 'failed']);
    expect(outcomes[3]).toMatchObject({ failure: 'permanent', reason: 'empty e-mail address' });
  });

  it('throws the typed error when the whole call fails', async () => {
    mockCall('importContacts', { error: 'Unknown field "Foo"', code: 'invalid_arg' });
    const error = await importContacts
      .write({ connection: connection(), records: [{ email: 'a@example.com', fields: { Foo: '1' } }] })
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('permanent');
  });
});

describe('importContacts against the sandbox', () => {
  let sandbox: UnisenderSandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(() => sandbox.close());

  const conn = (extra: object = {}) => connection({ ...sandbox.settings, ...extra });

  it('accepts a batch of the declared maximum (500) and sending it twice leaves one copy', async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({
      email: `User${i}@Example.com`,
      fields: { Name: `U${i}` },
    }));
    const first = await importContacts.write({ connection: conn(), records });
    expect(first.every((o) => o.status === 'ok')).toBe(true);
    const again = await importContacts.write({ connection: conn(), records });
    expect(again).toEqual(first);
    expect(sandbox.contacts.size).toBe(500);
    expect(sandbox.listEmails()).toHaveLength(500);
    expect(sandbox.contacts.get('user7@example.com')?.fields.get('Name')).toBe('U7');
  });

  it('rejects an invalid address per record and imports the rest', async () => {
    const outcomes = await importContacts.write({
      connection: conn(),
      records: [{ email: 'good@example.com' }, { email: 'not-an-email' }],
    });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: 'good@example.com' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect((outcomes[1] as { reason: string }).reason).toContain('not-an-email');
    expect(sandbox.contacts.has('good@example.com')).toBe(true);
  });

  it('adds tags by default and replaces them with overwriteTags', async () => {
    await importContacts.write({ connection: conn(), records: [{ email: 'a@example.com', tags: ['one'] }] });
    await importContacts.write({ connection: conn(), records: [{ email: 'a@example.com', tags: ['two'] }] });
    expect([...sandbox.contacts.get('a@example.com')!.tags]).toEqual(['one', 'two']);
    await importContacts.write({
      connection: conn({ overwriteTags: true }),
      records: [{ email: 'a@example.com', tags: ['three'] }],
    });
    expect([...sandbox.contacts.get('a@example.com')!.tags]).toEqual(['three']);
  });

  it('a wrong key is an AuthError without the key in its message', async () => {
    const error = await importContacts
      .write({ connection: conn({ apiKey: 'wrong-key-123' }), records: [{ email: 'a@example.com' }] })
      .catch((e: unknown) => e);
    expect(isHubError(error) && error.kind).toBe('auth');
    expect((error as Error).message).not.toContain('wrong-key-123');
  });
});
