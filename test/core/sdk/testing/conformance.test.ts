import {
  checkConnectorConformance,
  describeConnectorConformance,
  formatRuleResult,
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
          const at = '2026-01-01T00:00:00Z';
          if (checkpoint === null)
            yield {
              records: [
                { id: 'a', updatedAt: at },
                { id: 'b', updatedAt: at },
              ],
              checkpoint: { page: 1 },
            };
          yield { records: [{ id: 'c', updatedAt: at }], checkpoint: { page: 2 } };
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

function named(tests: Map<string, () => Promise<void>>, id: string): (() => Promise<void>) | undefined {
  return [...tests].find(([name]) => name.startsWith(`${id}:`) || name.startsWith(`${id} [`))?.[1];
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
    expect(result.problems).toEqual([
      '/actions/0/maxBatchSize is missing: declare the largest batch action "upsertContacts" accepts',
    ]);
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
    const tests = collect(definition(), {
      sampleRecords: { upsertContacts: [{ id: 'x' }] },
      batchRecord: { upsertContacts: (i) => ({ id: `b${i}` }) },
    });
    // rules whose hooks are not given (badSettings, batchRecord…) and the webhook rules are not registered
    expect([...tests.keys()]).toEqual([
      "definition.valid: the definition passes the registry's static checks",
      'definition.settings-schema: the settings schema compiles and describes an object',
      'definition.secrets-marked: credential fields of the settings are marked Secret()',
      'definition.api-policy: the API policy has a budget, a max batch per action and sane retryable statuses',
      'definition.record-schemas: every stream and action has an object record schema that compiles',
      'definition.erase-declared: actions that permanently erase (GDPR) are declared mode "erase", never "delete"',
      'check.accepts-good-credentials: check() answers { ok: true, message } for the sandbox settings',
      'stream.pages-end [contacts]: a read from the start ends',
      'stream.resumable [contacts]: a read resumed from a midway checkpoint yields exactly the rest',
      'stream.rerun-reads-little [contacts]: after a complete read and no changes, the next read returns at most the look-back window',
      'stream.records-valid [contacts]: records match the record schema and carry identity and modification-time fields',
      'action.max-batch-accepted [upsertContacts]: a batch of the declared maximum (2) is accepted',
      'action.one-outcome-per-record [upsertContacts]: write returns exactly one valid WriteOutcome per input record',
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
            yield { records: [], checkpoint: null };
          },
        },
      ],
      actions: [{ ...action, write: async () => [{ status: 'ok' as const, targetId: 'only-one' }] }],
      check: async () => ({ ok: false, message: 'token expired' }),
    });
    const tests = collect(broken, { sampleRecords: { upsertContacts: [{ id: 'x' }, { id: 'y' }] } });
    expect(await failureOf(named(tests, 'check.accepts-good-credentials'))).toContain(
      'seen:     ok: false, "token expired"',
    );
    const read = await failureOf(named(tests, 'stream.records-valid'));
    expect(read).toContain('page 1 record 0: /id must be string');
    expect(read).toContain('page 1 record 1: /id is required');
    expect(read).toContain('page 1 record 1: identity field "id" is empty');
    expect(read).toContain('page 1 record 0: modified field "updatedAt" is empty');
    expect(await failureOf(named(tests, 'stream.resumable'))).toContain(
      'page 1: checkpoint does not survive a JSON round trip',
    );
    const outcomes = await failureOf(named(tests, 'action.one-outcome-per-record'));
    expect(outcomes).toContain('expected: 2 outcomes');
    expect(outcomes).toMatch(/seen: +1$/);
  });

  it('asks for sample records of an action instead of skipping it', async () => {
    const tests = collect(definition());
    expect(await failureOf(named(tests, 'action.one-outcome-per-record'))).toContain('no sample records');
  });

  it('registers only the static test when the definition is invalid', async () => {
    const tests = collect(definition({ version: 'one' }));
    expect([...tests.keys()]).toEqual(["definition.valid: the definition passes the registry's static checks"]);
    expect(await failureOf(named(tests, 'definition.valid'))).toContain('/version must match pattern');
  });
});

describe('runConnectorConformance', () => {
  it('returns one result per rule, skips naming the missing hook, and fails with expected and seen', async () => {
    const good = await runConnectorConformance(definition(), { sampleRecords: { upsertContacts: [{ id: 'x' }] } });
    expect(good.ok).toBe(true);
    expect(good.problems).toEqual([]);
    expect(good.results.filter((r) => r.status === 'fail')).toEqual([]);
    expect(good.results).toContainEqual({
      id: 'action.rate-limited',
      subject: 'upsertContacts',
      status: 'skip',
      seen: 'not applicable (no hook given: rateLimit)',
    });
    expect(good.results).toContainEqual({
      id: 'webhook.signed-accepted',
      status: 'skip',
      seen: 'not applicable (the connector declares no webhooks)',
    });
    expect(good.results).toContainEqual({ id: 'stream.resumable', subject: 'contacts', status: 'pass' });

    const bad = await runConnectorConformance(definition());
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([
      'action.one-outcome-per-record [upsertContacts]  expected: sampleRecords.upsertContacts; seen: no sample records',
    ]);
  });

  it('stops at the static rule when the definition is invalid', async () => {
    const report = await runConnectorConformance(definition({ version: 'one' }));
    expect(report.ok).toBe(false);
    expect(report.results).toEqual([
      {
        id: 'definition.valid',
        status: 'fail',
        expected: 'a valid definition',
        seen: expect.stringContaining('/version'),
      },
    ]);
    const notADefinition = await runConnectorConformance('nope' as unknown as ConnectorDefinition);
    expect(notADefinition.results.map((r) => [r.id, r.status])).toEqual([['definition.valid', 'fail']]);
  });

  it('flags unmarked secrets, retried 4xx statuses, and a non-object settings schema', async () => {
    const report = await runConnectorConformance(
      definition({
        settingsSchema: { type: 'object', properties: { apiKey: { type: 'string' }, webhookPublicKey: {} } },
        policy: { ...definition().policy, retryStatuses: [401, 503] },
      }),
      { sampleRecords: { upsertContacts: [{ id: 'x' }] } },
    );
    expect(report.results.filter((r) => r.status === 'fail')).toEqual([
      {
        id: 'definition.secrets-marked',
        status: 'fail',
        expected: 'every key/token/secret/password field marked Secret()',
        seen: 'unmarked: apiKey',
      },
      {
        id: 'definition.api-policy',
        status: 'fail',
        expected: 'a complete API policy',
        seen: 'retryStatuses retries 401, which never succeed on retry',
      },
    ]);
    const array = await runConnectorConformance(definition({ settingsSchema: { type: 'array' } }));
    expect(array.results.find((r) => r.id === 'definition.settings-schema')).toMatchObject({
      status: 'fail',
      seen: 'type "array"',
    });
  });

  it('allows repeats on resume only inside the look-back (records or time), and skips an action the sandbox cannot limit', async () => {
    const [stream] = definition().streams;
    const pages = [
      [
        { id: 'a', updatedAt: '2026-01-01T00:00:01Z' },
        { id: 'b', updatedAt: '2026-01-01T00:00:02Z' },
      ],
      [{ id: 'c', updatedAt: '2026-01-01T00:00:03Z' }],
    ];
    const overlapping = definition({
      streams: [
        {
          ...stream,
          // resuming re-reads a record before the checkpoint (older than its newest), as an offset overlap does
          async *read({ checkpoint }) {
            if (checkpoint === null) yield { records: pages[0]!, checkpoint: { page: 1 } };
            yield { records: checkpoint === null ? pages[1]! : [pages[0]![0]!, ...pages[1]!], checkpoint: { page: 2 } };
          },
        },
      ],
    });
    const options = {
      sampleRecords: { upsertContacts: [{ id: 'x' }] },
      rateLimit: async () => undefined,
    };
    const resumable = async (extra: object) =>
      (await runConnectorConformance(overlapping, { ...options, ...extra })).results.find(
        (r) => r.id === 'stream.resumable',
      );
    expect(await resumable({})).toMatchObject({
      status: 'fail',
      seen: '1 repeated beyond the look-back (["a"])',
    });
    expect(await resumable({ lookBackRecords: 1 })).toMatchObject({ status: 'fail' }); // a is 2 records back
    expect(await resumable({ lookBackRecords: 2 })).toMatchObject({ status: 'pass' });
    expect(await resumable({ lookBackMs: 1_000 })).toMatchObject({ status: 'pass' }); // a is 1 s older than b
    const report = await runConnectorConformance(overlapping, options);
    expect(report.results.find((r) => r.id === 'action.rate-limited')).toEqual({
      id: 'action.rate-limited',
      subject: 'upsertContacts',
      status: 'skip',
      seen: 'not applicable (the sandbox cannot rate-limit upsertContacts)',
    });
  });

  it('formats one line per result', () => {
    expect(formatRuleResult({ id: 'definition.valid', status: 'pass' })).toBe('pass  definition.valid');
    expect(
      formatRuleResult({ id: 'stream.resumable', subject: 'contacts', status: 'fail', expected: 'a', seen: 'b' }),
    ).toBe('fail  stream.resumable [contacts]  expected: a; seen: b');
    expect(formatRuleResult({ id: 'action.idempotent', status: 'skip', seen: 'why' })).toBe(
      'skip  action.idempotent  why',
    );
  });
});

describe('definition.erase-declared', () => {
  const erase = async (actions: ConnectorDefinition['actions']) =>
    (
      await runConnectorConformance(
        definition({
          actions,
          policy: { ...definition().policy, maxBatchSize: Object.fromEntries(actions.map((a) => [a.name, 1])) },
        }),
        {},
      )
    ).results.find((r) => r.id === 'definition.erase-declared');
  const [upsert] = definition().actions;

  it('fails a GDPR purge declared as an ordinary delete (a mirror flow would erase people with it)', async () => {
    const purge = {
      ...upsert,
      name: 'deleteContact',
      description: 'Permanently deletes a contact (GDPR)',
      mode: 'delete' as const,
    };
    expect(await erase([upsert, purge])).toMatchObject({
      status: 'fail',
      seen: 'deleteContact says it erases permanently but is declared mode "delete"',
    });
    expect(await erase([upsert, { ...purge, mode: 'erase' }])).toMatchObject({ status: 'pass' });
  });

  it('fails an erase action that does not say it erases, and passes an ordinary archive-delete', async () => {
    const archive = {
      ...upsert,
      name: 'archiveContacts',
      description: 'Moves contacts to the recycle bin',
      mode: 'delete' as const,
    };
    expect(await erase([upsert, archive])).toMatchObject({ status: 'pass' });
    expect(await erase([upsert, { ...archive, mode: 'erase' }])).toMatchObject({
      status: 'fail',
      seen: 'archiveContacts is mode "erase" but neither its name nor its description says so',
    });
  });
});
