import { startSandbox, type UnisenderSandbox } from '../sandbox';
import { encodeForm, type FormArgs } from '../client';

async function call(sandbox: UnisenderSandbox, method: string, args: FormArgs = {}) {
  const response = await fetch(`${sandbox.url}/en/api/${method}?format=json`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeForm({ api_key: sandbox.settings.apiKey, ...args }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('Unisender sandbox', () => {
  let sandbox: UnisenderSandbox;
  afterEach(() => sandbox?.close());

  it('answers failures with HTTP 200 and { error, code }, like Unisender', async () => {
    sandbox = await startSandbox();
    const bad = await call(sandbox, 'getLists', { api_key: 'nope' });
    expect(bad).toEqual({ status: 200, body: { error: 'Invalid API key', code: 'invalid_api_key' } });
    const unknown = await call(sandbox, 'sendRocket');
    expect(unknown.body.code).toBe('unknown_method');
    const lists = await call(sandbox, 'getLists');
    expect(lists.body).toEqual({ result: [{ id: 1, title: 'Newsletter (sandbox)' }] });
  });

  it('enforces the import and export limits', async () => {
    sandbox = await startSandbox();
    const rows = Array.from({ length: 501 }, (_, i) => [`u${i}@example.com`]);
    const tooMany = await call(sandbox, 'importContacts', { field_names: ['email'], data: rows });
    expect(tooMany.body.code).toBe('invalid_arg');
    const noKey = await call(sandbox, 'importContacts', { field_names: ['Name'], data: [['x']] });
    expect(noKey.body.code).toBe('invalid_arg');
    const unknownField = await call(sandbox, 'importContacts', {
      field_names: ['email', 'Shoe'],
      data: [['a@b.co', '1']],
    });
    expect(unknownField.body.error).toContain('Shoe');
    const bigPage = await call(sandbox, 'exportContacts', { list_id: 1, offset: 0, limit: 1001 });
    expect(bigPage.body.code).toBe('invalid_arg');
    const noList = await call(sandbox, 'exportContacts', { list_id: 99, offset: 0, limit: 10 });
    expect(noList.body.code).toBe('invalid_arg');
  });

  it('reports per-row problems in the import log with the row index', async () => {
    sandbox = await startSandbox();
    const answer = await call(sandbox, 'importContacts', {
      field_names: ['email', 'email_list_ids'],
      data: [
        ['a@example.com', '1'],
        ['broken', '1'],
        ['c@example.com', '42'],
      ],
    });
    const result = answer.body.result as { inserted: number; invalid: number; log: { index: number }[] };
    expect(result.inserted).toBe(1);
    expect(result.invalid).toBe(2);
    expect(result.log.map((l) => l.index)).toEqual([1, 2]);
  });

  it('answers api_call_limit_exceeded_for_api_key beyond the call limit, unless limits are off', async () => {
    sandbox = await startSandbox({ rateLimit: { requests: 2, intervalMs: 60_000 } });
    await call(sandbox, 'getLists');
    await call(sandbox, 'getLists');
    const third = await call(sandbox, 'getLists');
    expect(third).toEqual({
      status: 200,
      body: { error: expect.any(String), code: 'api_call_limit_exceeded_for_api_key' },
    });
    await sandbox.close();
    sandbox = await startSandbox({ rateLimit: { requests: 1, intervalMs: 60_000 }, enforceLimits: false });
    await call(sandbox, 'getLists');
    expect((await call(sandbox, 'getLists')).body.result).toBeDefined();
  });

  it('seeds deterministic messy contacts and lets the demo edit one like a user would', async () => {
    sandbox = await startSandbox({ seedContacts: 50, seed: 9 });
    const again = await startSandbox({ seedContacts: 50, seed: 9 });
    try {
      expect(sandbox.listEmails()).toEqual(again.listEmails());
    } finally {
      await again.close();
    }
    expect(sandbox.contacts.size).toBeLessThanOrEqual(50);
    const email = sandbox.listEmails()[0]!;
    sandbox.editContact(email, { fields: { Name: 'Changed' }, tags: ['edited'] });
    const page = await call(sandbox, 'exportContacts', {
      list_id: 1,
      field_names: ['email', 'Name', 'tags'],
      offset: 0,
      limit: 1,
    });
    expect(page.body.result).toEqual({ field_names: ['email', 'Name', 'tags'], data: [[email, 'Changed', 'edited']] });
  });

  it('holds 100,000 contacts and pages through them quickly', async () => {
    sandbox = await startSandbox({ seedContacts: 100_000, enforceLimits: false });
    const total = sandbox.listEmails().length;
    expect(total).toBeGreaterThan(90_000);
    const last = await call(sandbox, 'exportContacts', {
      list_id: 1,
      field_names: ['email'],
      offset: total - 5,
      limit: 1000,
    });
    expect((last.body.result as { data: unknown[] }).data).toHaveLength(5);
  });
});
