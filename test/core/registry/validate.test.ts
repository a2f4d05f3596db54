import { describeConnector, validateDefinition } from '../../../core/registry';
import { connector as fileConnector } from '../../../connectors/file';

type Loose = Record<string, unknown>;

function definition(overrides: Loose = {}): Loose {
  return {
    id: 'acme',
    displayName: 'Acme',
    version: '1.2.3',
    category: 'crm',
    settingsSchema: { type: 'object', properties: { apiKey: { type: 'string', 'x-secret': true } } },
    policy: {
      rateBudget: { requests: 100, intervalMs: 10_000 },
      concurrency: 4,
      maxBatchSize: { upsertContacts: 100 },
      retryStatuses: [502, 503],
      retryAfter: [{ header: 'retry-after', unit: 'seconds' }],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [{ name: 'contacts', recordSchema: { type: 'object' }, identity: ['id'], read: async function* () {} }],
    actions: [{ name: 'upsertContacts', recordSchema: { type: 'object' }, mode: 'upsert', write: async () => [] }],
    webhooks: [],
    ...overrides,
  };
}

const problemsOf = (value: unknown) => validateDefinition(value).problems;

describe('validateDefinition', () => {
  it('accepts a valid definition and returns its ConnectorInfo', () => {
    const result = validateDefinition(definition());
    expect(result.problems).toEqual([]);
    expect(result.info).toMatchObject({
      id: 'acme',
      streams: [{ name: 'contacts' }],
      actions: [{ name: 'upsertContacts' }],
    });
    expect(validateDefinition(fileConnector).problems).toEqual([]);
  });

  it('names the field of each data problem as a JSON pointer', () => {
    const policy = { ...(definition().policy as Loose), rateBudget: { requests: 0, intervalMs: 1000 } };
    expect(problemsOf(definition({ policy }))).toEqual(['/policy/rateBudget/requests must be >= 1']);
    expect(problemsOf(definition({ category: 'social' }))).toEqual([
      '/category must be one of "crm", "erp", "ads", "email", "other"',
    ]);
    expect(problemsOf(definition({ id: 'Acme!' }))).toEqual(['/id must match pattern "^[a-z][a-z0-9-]{1,49}$"']);
    expect(problemsOf(definition({ displayName: undefined }))).toEqual(['/displayName is required']);
  });

  it('requires the functions the runner calls', () => {
    expect(problemsOf(definition({ check: 'yes' }))).toEqual(['/check must be a function']);
    expect(problemsOf(definition({ streams: [{ name: 'contacts' }] }))).toEqual(['/streams/0/read must be a function']);
    expect(problemsOf(definition({ webhooks: [{ name: 'events', verify: () => true }] }))).toEqual([
      '/webhooks/0/parse must be a function',
    ]);
    expect(problemsOf(undefined)).toEqual(['the definition must be an object (got undefined)']);
  });

  it('requires a batch size per action, unique names, compiling schemas and webhooks on known streams', () => {
    const base = definition();
    const action = (base.actions as Loose[])[0];
    const stream = (base.streams as Loose[])[0];
    expect(
      problemsOf(definition({ actions: [action, { ...action, name: 'deleteContacts', mode: 'delete' }] })),
    ).toEqual(['/actions/1/maxBatchSize is missing: declare the largest batch action "deleteContacts" accepts']);
    // declared on the action: accepted; the policy's older place still counts, but may not contradict it
    const onAction = { ...action, name: 'deleteContacts', mode: 'delete', maxBatchSize: 5 };
    expect(problemsOf(definition({ actions: [action, onAction] }))).toEqual([]);
    expect(
      problemsOf(
        definition({
          actions: [{ ...action, maxBatchSize: 50 }],
          policy: { ...(base.policy as Loose), maxBatchSize: { upsertContacts: 100 } },
        }),
      ),
    ).toEqual([
      "/policy/maxBatchSize/upsertContacts (100) contradicts /actions/0/maxBatchSize (50): keep only the action's",
    ]);
    expect(problemsOf(definition({ streams: [stream, stream] }))).toEqual([
      'stream name "contacts" is used more than once',
    ]);
    expect(
      problemsOf(definition({ settingsSchema: { type: 'object', properties: { a: { type: 'strnig' } } } }))[0],
    ).toMatch(/^\/settingsSchema is not a valid JSON Schema: schema is invalid: data\/properties\/a\/type/);
    expect(problemsOf(definition({ streams: [{ ...stream, recordSchema: { required: 'id' } }] }))[0]).toMatch(
      /^\/streams\/0\/recordSchema is not a valid JSON Schema/,
    );
    expect(
      problemsOf(definition({ webhooks: [{ name: 'events', stream: 'deals', verify: () => true, parse: () => [] }] })),
    ).toEqual(['/webhooks/0/stream names no stream: "deals"']);
  });
});

describe('describeConnector', () => {
  it('strips functions and TypeBox symbols, keeping what the UI and API show', () => {
    const info = describeConnector(fileConnector);
    const json = JSON.parse(JSON.stringify(info)) as unknown;
    expect(json).toEqual(info);
    expect(Object.getOwnPropertySymbols(info.settingsSchema)).toEqual([]);
    expect(info).not.toHaveProperty('check');
    expect(info.streams[0]).not.toHaveProperty('read');
    expect(info.actions[0]).not.toHaveProperty('write');
    expect(info.streams[0]).toEqual(expect.objectContaining({ name: 'records', identity: ['id'] }));
  });
});
