import type { Json } from 'connector-hub/sdk';
import { contacts, PAGE_SIZE } from '../streams/contacts';
import { startSandbox, type UnisenderSandbox } from '../sandbox';
import { baseSettings, connection, readAll } from './helpers';
import { assertDocumentedRequest, mockCall, useNock } from './nock';

const NAMES = ['email', 'email_status', 'phone', 'tags', 'Name'];
const row = (i: number) => [
  `User${i}@Example.com `,
  'active',
  i % 2 ? '+79161234567' : null,
  'a, b',
  i % 3 ? `N${i}` : '',
];

describe('contacts stream against a mocked API', () => {
  useNock();

  it('pages by offset/limit, checkpoints each page and ends with a null checkpoint', async () => {
    const full = Array.from({ length: PAGE_SIZE }, (_, i) => row(i));
    const calls = mockCall('exportContacts', { result: { field_names: NAMES, data: full } });
    mockCall('exportContacts', { result: { field_names: NAMES, data: [row(PAGE_SIZE)] } }, calls);
    const pages = await readAll(contacts.read({ connection: connection(), checkpoint: null }));
    calls.forEach((c) => assertDocumentedRequest('exportContacts', c));
    expect(calls.map((c) => [c.list_id, c.offset, c.limit])).toEqual([
      ['7', '0', '1000'],
      ['7', '1000', '1000'],
    ]);
    expect(calls[0]!.field_names).toEqual(NAMES);
    expect(pages.map((p) => p.checkpoint)).toEqual([{ v: 1, offset: 1000 }, null]);
    expect(pages[0]!.records[1]).toEqual({
      email: 'user1@example.com',
      email_status: 'active',
      phone: '+79161234567',
      tags: ['a', 'b'],
      fields: { Name: 'N1' },
    });
    expect(pages[0]!.records[0]).toEqual({
      email: 'user0@example.com',
      email_status: 'active',
      tags: ['a', 'b'],
      fields: {},
    });
  });

  it('resumes at the checkpoint offset', async () => {
    const calls = mockCall('exportContacts', { result: { field_names: NAMES, data: [row(1)] } });
    const pages = await readAll(contacts.read({ connection: connection(), checkpoint: { v: 1, offset: 3000 } }));
    expect(calls[0]!.offset).toBe('3000');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.checkpoint).toBeNull();
  });

  it('ignores a checkpoint it does not recognise and reads from the start', async () => {
    const calls = mockCall('exportContacts', { result: { field_names: NAMES, data: [] } });
    const pages = await readAll(contacts.read({ connection: connection(baseSettings), checkpoint: 'garbage' }));
    expect(calls[0]!.offset).toBe('0');
    expect(pages).toEqual([{ records: [], checkpoint: null }]);
  });
});

describe('contacts stream against the sandbox', () => {
  let sandbox: UnisenderSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seedContacts: 2_600, seed: 3 });
  });
  afterAll(() => sandbox.close());

  it('reads the whole seeded list with custom fields, normalised e-mails', async () => {
    const pages = await readAll(contacts.read({ connection: connection(sandbox.settings), checkpoint: null }));
    const records = pages.flatMap((p) => p.records);
    expect(records).toHaveLength(sandbox.listEmails().length);
    expect(pages).toHaveLength(Math.ceil(records.length / PAGE_SIZE) + (records.length % PAGE_SIZE === 0 ? 1 : 0));
    for (const r of records) expect(r.email).toBe(r.email.trim().toLowerCase());
    expect(records.some((r) => r.fields.City === 'СПб' || r.fields.City === 'Питер')).toBe(true);
    expect(records.every((r) => typeof r.fields.Name === 'string')).toBe(true);
  });

  it('a read resumed from a midway checkpoint yields exactly the rest', async () => {
    const conn = connection(sandbox.settings);
    const all = (await readAll(contacts.read({ connection: conn, checkpoint: null }))).flatMap((p) => p.records);
    let checkpoint: Json | null = null;
    const firstPart: string[] = [];
    for await (const page of contacts.read({ connection: conn, checkpoint: null })) {
      firstPart.push(...page.records.map((r) => r.email));
      checkpoint = page.checkpoint;
      break;
    }
    const rest = (await readAll(contacts.read({ connection: conn, checkpoint }))).flatMap((p) => p.records);
    expect([...firstPart, ...rest.map((r) => r.email)]).toEqual(all.map((r) => r.email));
  });
});
