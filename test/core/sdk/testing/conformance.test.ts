import {
  checkConnectorConformance,
  describeConnectorConformance,
  runConnectorConformance,
  type ConformanceTestApi,
} from '../../../../core/sdk/testing';
import type { ConnectorDefinition } from '../../../../core/sdk';

type Loose = Record<string, unknown>;

function definition(overrides: Partial<ConnectorDefinition> = {}): ConnectorDefinition {
  return {
    id: 'acme',
    displayName: 'Acme',
    version: '1.0.0',
    category: 'crm',
    settingsSchema: { type: 'object' },
    policy: {
      rateBudget: { requests: 1, intervalMs: 1000 },
      concurrency: 1,
      maxBatchSize: { upsertContacts: 2 },
      retryStatuses: [],
      retryAfter: [],
    },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [
      {
        name: 'contacts',
        recordSchema: {
          type: 'object',
          properties: { id: { type: 'string' }, updatedAt: { type: 'string' } },
          required: ['id'],
        },
        identity: ['id'],
        modifiedField: 'updatedAt',
        async *read({ checkpoint }) {
          if (checkpoint === null) yield { records: [{ id: 'a' }, { id: 'b' }], checkpoint: { page: 1 } };
          yield { records: [{ id: 'c' }], checkpoint: { page: 2 } };
        },
      },
    ],
    actions: [
      {
        name: 'upsertContacts',
        recordSchema: { type: 'object', properties: { id: { type: 'string' } } },
        mode: 'upsert',
        identity: ['id'],
        write: async ({ records }) =>
          records.map((r) => ({ status: 'ok' as const, targetId: String((r as Loose).id) })),
      },
    ],
    webhooks: [],
    ...overrides,
  };
}

/** Collects the tests the kit registers, so each can be run and its failure inspected. */
function collect(def: ConnectorDefinition, options: Parameters<typeof describeConnectorConformance>[1] = {}) {
  const tests = new Map<string, () => Promise<void>>();
  const testApi: ConformanceTestApi = { describe: (_name, fn) => fn(), it: (name, fn) => void tests.set(name, fn) };
  describeConnectorConformance(def, { ...options, testApi });
  return tests;
}

async function failureOf(fn: (() => Promise<void>) | undefined): Promise<string> {
  if (fn === undefined) throw new Error('test not registered');
  try {
    await fn();
  } catch (error) {
    return (error as Error).message;
  }
  return 'passed';
}

describe('checkConnectorConformance', () => {
  it('passes a good definition', () => {
    expect(checkConnectorConformance(definition())).toEqual({ ok: true, problems: [] });
  });

  it('names identity and modified fields that are not in the record schema, and registry problems', () => {
    const [stream] = definition().streams;
    const result = checkConnectorConformance(
      definition({
        streams: [{ ...stream, identity: ['email'], modifiedField: 'modified_at' }],
        policy: { ...definition().policy, maxBatchSize: {} },
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual(['/policy/maxBatchSize has no entry for action "upsertContacts"']);
    expect(
      checkConnectorConformance(
        definition({ streams: [{ ...stream, identity: ['email'], modifiedField: 'modified_at' }] }),
      ).problems,
    ).toEqual([
      '/streams/0/identity: identity field "email" is not a property of the record schema',
      '/streams/0/modifiedField: modified field "modified_at" is not a property of the record schema',
    ]);
  });
});

describe('describeConnectorConformance', () => {
  it('registers the standard tests, which pass for a conforming connector', async () => {
    const tests = collect(definition(), { sampleRecords: { upsertContacts: [{ id: 'x' }] } });
    expect([...tests.keys()]).toEqual([
      'definition passes the static checks',
      'check() answers { ok: true, message } for the given settings',
      'stream contacts: read yields pages of valid records with a JSON checkpoint',
      'stream contacts: a read resumed from the last checkpoint yields valid pages',
      'action upsertContacts: write returns exactly one valid WriteOutcome per record',
    ]);
    for (const [name, fn] of tests) expect([name, await failureOf(fn)]).toEqual([name, 'passed']);
  });

  it('fails on invalid records, a checkpoint that is not JSON, and a wrong number of outcomes', async () => {
    const [stream] = definition().streams;
    const [action] = definition().actions;
    const broken = definition({
      streams: [
        {
          ...stream,
          async *read() {
            yield { records: [{ id: 7 }, { name: 'no id' }], checkpoint: { at: new Date(0) } as unknown as null };
          },
        },
      ],
      actions: [{ ...action, write: async () => [{ status: 'ok' as const, targetId: 'only-one' }] }],
      check: async () => ({ ok: false, message: 'token expired' }),
    });
    const tests = collect(broken, { sampleRecords: { upsertContacts: [{ id: 'x' }, { id: 'y' }] } });
    expect(await failureOf(tests.get('check() answers { ok: true, message } for the given settings'))).toContain(
      'check() failed: token expired',
    );
    const read = await failureOf(
      tests.get('stream contacts: read yields pages of valid records with a JSON checkpoint'),
    );
    expect(read).toContain('page 1 record 0: /id must be string');
    expect(read).toContain('page 1 record 1: /id is required');
    expect(read).toContain('page 1 record 1: identity field "id" is empty');
    expect(read).toContain('page 1: checkpoint does not survive a JSON round trip');
    expect(
      await failureOf(tests.get('action upsertContacts: write returns exactly one valid WriteOutcome per record')),
    ).toContain('write returned 1 outcomes for 2 records');
  });

  it('asks for sample records of an action instead of skipping it', async () => {
    const tests = collect(definition());
    expect(
      await failureOf(tests.get('action upsertContacts: write returns exactly one valid WriteOutcome per record')),
    ).toContain('no sample records for action "upsertContacts"');
  });

  it('registers only the static test when the definition is invalid', async () => {
    const tests = collect(definition({ version: 'one' }));
    expect([...tests.keys()]).toEqual(['definition passes the static checks']);
    expect(await failureOf(tests.get('definition passes the static checks'))).toContain('/version must match pattern');
  });
});

describe('runConnectorConformance', () => {
  it('runs every check without a test framework and prefixes problems with the check', async () => {
    expect(await runConnectorConformance(definition(), { sampleRecords: { upsertContacts: [{ id: 'x' }] } })).toEqual({
      ok: true,
      problems: [],
    });
    const result = await runConnectorConformance(definition());
    expect(result).toEqual({
      ok: false,
      problems: [
        expect.stringMatching(
          /^action upsertContacts: write returns exactly one valid WriteOutcome per record: no sample records/,
        ),
      ],
    });
  });
});
