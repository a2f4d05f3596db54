import path from 'node:path';
import { FlowValidationError, schemaProblems, FlowDefinition } from '../../../core/flows';
import { fileFlow, openTestBed, ROOT, type FlowsTestBed } from './helpers';

async function problemsOf(bed: FlowsTestBed, value: unknown) {
  try {
    await bed.service.validate(value);
  } catch (error) {
    if (error instanceof FlowValidationError) return error;
    throw error;
  }
  throw new Error('expected a FlowValidationError');
}

describe('flow definition checks', () => {
  let bed: FlowsTestBed;

  beforeAll(async () => {
    bed = await openTestBed();
    await bed.fileConnection('in');
    await bed.fileConnection('out');
    await bed.repos.connections.create({ name: 'crm', connectorId: 'test-crm', settings: {} });
    await bed.repos.connections.create({ name: 'gone', connectorId: 'not-installed', settings: {} });
  });
  afterAll(() => bed.close());

  it('accepts a valid flow, resolving connections by name or id', async () => {
    const checked = await bed.service.validate(fileFlow());
    expect(checked.source.connection.name).toBe('in');
    expect(checked.target.connector.id).toBe('file');
    expect(checked.mapping.id).toBe('passthrough');
    const byId = fileFlow({ source: { connection: checked.source.connection.id, stream: 'records' } });
    expect((await bed.service.validate(byId)).source.connection.name).toBe('in');
  });

  it('names the field of every shape problem', () => {
    const problems = schemaProblems(FlowDefinition, {
      name: 'Bad Name',
      source: { connection: 'in' },
      mapping: { id: 'passthrough', extra: 1 },
      target: { connection: 'out', action: 'writeRecords' },
      trigger: { type: 'schedule' },
      mode: 'sideways',
      options: { batchSize: 0 },
    });
    const fields = problems.map((p) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(['name', 'source.stream', 'mapping.extra', 'trigger.cron', 'mode', 'options.batchSize']),
    );
    expect(fields).not.toContain('trigger.type');
    expect(problems.find((p) => p.field === 'mode')?.message).toBe('must be one of "upsert", "mirror", "append"');
    expect(problems.find((p) => p.field === 'source.stream')?.message).toBe('is required');
  });

  it('reports an unknown trigger type as a choice', () => {
    const problems = schemaProblems(FlowDefinition, fileFlow({ trigger: { type: 'sometimes' } }));
    expect(problems).toEqual([{ field: 'trigger.type', message: 'must be one of "manual", "schedule", "webhook"' }]);
  });

  it('names an unknown field of the matching trigger branch', () => {
    expect(schemaProblems(FlowDefinition, fileFlow({ trigger: { type: 'manual', cron: '* * * * *' } }))).toEqual([
      { field: 'trigger.cron', message: 'is not a known field; remove it (or check its spelling)' },
    ]);
  });

  it('says which connection is missing and how to add it', async () => {
    const error = await problemsOf(bed, fileFlow({ source: { connection: 'nope', stream: 'records' } }));
    expect(error.problems).toHaveLength(1);
    expect(error.field).toBe('source.connection');
    expect(error.message).toMatch(
      /source\.connection: no connection named \(or with id\) "nope"; add it with `hub connections add/,
    );
    expect(error.message).toContain('use one of: crm, gone, in, out');
  });

  it('refuses a connection whose connector is not installed', async () => {
    const error = await problemsOf(bed, fileFlow({ target: { connection: 'gone', action: 'x' } }));
    expect(error.problems[0]).toMatchObject({ field: 'target.connection' });
    expect(error.problems[0].message).toContain('connector "not-installed", which is not installed');
  });

  it('lists the streams and actions the connector has', async () => {
    const error = await problemsOf(
      bed,
      fileFlow({ source: { connection: 'in', stream: 'contacts' }, target: { connection: 'out', action: 'upsert' } }),
    );
    expect(error.problems).toEqual([
      { field: 'source.stream', message: 'connector "file" has no stream "contacts"; use one of: records' },
      { field: 'target.action', message: 'connector "file" has no action "upsert"; use one of: writeRecords' },
    ]);
  });

  it('refuses the same connection as source and target', async () => {
    const error = await problemsOf(bed, fileFlow({ target: { connection: 'in', action: 'writeRecords' } }));
    expect(error.problems).toEqual([
      { field: 'target.connection', message: expect.stringContaining('is the same connection as source.connection') },
    ]);
  });

  it('refuses a batch size above the action maximum and says the maximum', async () => {
    const error = await problemsOf(bed, fileFlow({ options: { batchSize: 5000 } }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].field).toBe('options.batchSize');
    expect(error.problems[0].message).toContain('use at most 1000');
    await expect(bed.service.validate(fileFlow({ options: { batchSize: 1000 } }))).resolves.toBeDefined();
  });

  it('refuses mirror mode when the target cannot delete, accepts it when it can', async () => {
    const error = await problemsOf(bed, fileFlow({ mode: 'mirror' }));
    expect(error.problems[0].field).toBe('mode');
    expect(error.problems[0].message).toContain('connector "file" has no action with mode "delete"');
    const toCrm = fileFlow({ mode: 'mirror', target: { connection: 'crm', action: 'upsertContacts' } });
    await expect(bed.service.validate(toCrm)).resolves.toBeDefined();
  });

  it('refuses a missing mapping, listing the ones there are', async () => {
    const error = await problemsOf(bed, fileFlow({ mapping: { id: 'no-such-mapping' } }));
    expect(error.problems[0].field).toBe('mapping.id');
    expect(error.problems[0].message).toContain('use one of: passthrough');
  });

  it('refuses a mapping version that does not exist', async () => {
    const error = await problemsOf(bed, fileFlow({ mapping: { id: 'passthrough', version: '9.9.9' } }));
    expect(error.problems[0].field).toBe('mapping.version');
    expect(error.problems[0].message).toContain('is at version 1.0.0, not 9.9.9');
  });

  it('refuses a mapping that does not compile', async () => {
    const broken = await openTestBed({ mappingsDir: path.join(ROOT, 'test', 'fixtures', 'mappings') });
    try {
      await broken.fileConnection('in');
      await broken.fileConnection('out');
      const error = await problemsOf(broken, fileFlow({ mapping: { id: 'broken-syntax' } }));
      expect(error.problems[0].field).toBe('mapping.id');
      expect(error.problems[0].message).toMatch(/mapping "broken-syntax" does not compile: .*line 4/);
    } finally {
      await broken.close();
    }
  });

  it('finds a mapping saved in the store', async () => {
    await bed.repos.mappings.save({ name: 'stored-copy', version: '2', expression: '$' });
    await expect(bed.service.validate(fileFlow({ mapping: { id: 'stored-copy' } }))).resolves.toBeDefined();
  });

  it('checks the cron expression and time zone', async () => {
    const badCron = await problemsOf(bed, fileFlow({ trigger: { type: 'schedule', cron: 'every monday' } }));
    expect(badCron.problems[0].field).toBe('trigger.cron');
    expect(badCron.problems[0].message).toContain('is not a valid cron expression');
    const badZone = await problemsOf(
      bed,
      fileFlow({ trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Mars/Olympus' } }),
    );
    expect(badZone.problems[0]).toMatchObject({ field: 'trigger.timezone' });
    const good = fileFlow({ trigger: { type: 'schedule', cron: '0 9 * * 1', timezone: 'Europe/Moscow' } });
    await expect(bed.service.validate(good)).resolves.toBeDefined();
  });
});
