import { FlowValidationError } from '../../../core/flows';
import { StoreNotFoundError } from '../../../core/store';
import { fileFlow, openTestBed, type FlowsTestBed } from './helpers';

describe('FlowService', () => {
  let bed: FlowsTestBed;
  let clock: number;

  beforeEach(async () => {
    clock = Date.parse('2025-03-01T12:00:00Z');
    bed = await openTestBed({ now: () => clock });
    await bed.fileConnection('in');
    await bed.fileConnection('out');
  });
  afterEach(() => bed.close());

  it('creates a flow with its connection ids and link group, and audits it', async () => {
    const flow = await bed.service.create(
      fileFlow({ sync: { linkGroup: 'people', conflict: { policy: 'last-writer-wins' } } }),
      { actor: 'token:ops' },
    );
    const inId = (await bed.repos.connections.require('in')).id;
    const outId = (await bed.repos.connections.require('out')).id;
    expect(flow).toMatchObject({
      name: 'copy-contacts',
      enabled: false,
      linkGroup: 'people',
      sourceConnectionId: inId,
      targetConnectionId: outId,
    });
    expect(flow.definition).toMatchObject({ source: { connection: 'in' } });
    const audit = await bed.repos.auditLog.list({ entity: 'flow' });
    expect(audit).toEqual([expect.objectContaining({ actor: 'token:ops', action: 'flow.create', entityId: flow.id })]);
  });

  it('refuses a second flow with the same name, naming the field', async () => {
    await bed.service.create(fileFlow());
    const error = await bed.service.create(fileFlow()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowValidationError);
    expect((error as FlowValidationError).field).toBe('name');
  });

  it('refuses an invalid definition without storing anything', async () => {
    await expect(bed.service.create(fileFlow({ options: { batchSize: 1_000_000 } }))).rejects.toThrow(
      /options\.batchSize: .*use at most 1000/,
    );
    expect(await bed.service.list()).toEqual([]);
  });

  it('updates, enables, disables and removes, with an audit entry for each change', async () => {
    const flow = await bed.service.create(fileFlow());
    clock += 1000;
    const updated = await bed.service.update('copy-contacts', fileFlow({ name: 'copy-people', mode: 'append' }));
    expect(updated).toMatchObject({ id: flow.id, name: 'copy-people', updatedAt: clock });
    clock += 1000;
    expect((await bed.service.enable(flow.id)).enabled).toBe(true);
    expect((await bed.service.enable(flow.id)).enabled).toBe(true);
    expect(await bed.service.list({ enabled: true })).toHaveLength(1);
    clock += 1000;
    expect((await bed.service.disable('copy-people')).enabled).toBe(false);
    clock += 1000;
    await bed.service.remove('copy-people');
    await expect(bed.service.show('copy-people')).rejects.toBeInstanceOf(StoreNotFoundError);
    const actions = (await bed.repos.auditLog.list({ entityId: flow.id })).map((e) => e.action).reverse();
    expect(actions).toEqual(['flow.create', 'flow.update', 'flow.enable', 'flow.disable', 'flow.delete']);
    const update = (await bed.repos.auditLog.list({ entityId: flow.id })).find((e) => e.action === 'flow.update');
    expect(update).toMatchObject({ actor: 'cli', before: { name: 'copy-contacts' }, after: { name: 'copy-people' } });
  });

  it('enable checks the stored definition again', async () => {
    await bed.service.create(fileFlow());
    const flow = await bed.repos.flows.require('copy-contacts');
    await bed.repos.flows.update(flow.id, { definition: { ...flow.definition, mapping: { id: 'gone' } } });
    await expect(bed.service.enable('copy-contacts')).rejects.toThrow(/mapping\.id: no mapping "gone"/);
    expect((await bed.repos.flows.require('copy-contacts')).enabled).toBe(false);
  });

  it('status: last runs, summed counts, runs by status, pending dead letters, next scheduled run', async () => {
    const flow = await bed.service.create(
      fileFlow({ trigger: { type: 'schedule', cron: '0 * * * *', timezone: 'UTC' } }),
      { enabled: true },
    );
    const first = await bed.repos.runs.create({ flowId: flow.id, trigger: 'schedule' }, clock - 2000);
    await bed.repos.runs.addCounts(first.id, { read: 10, created: 8, failed: 2, deadLettered: 2 });
    await bed.repos.runs.finish(first.id, { status: 'partial' }, clock - 1500);
    const second = await bed.repos.runs.create({ flowId: flow.id, trigger: 'manual' }, clock - 1000);
    await bed.repos.runs.addCounts(second.id, { read: 10, unchanged: 10 });
    await bed.repos.runs.finish(second.id, { status: 'succeeded' }, clock - 500);
    await bed.repos.deadLetters.addMany([
      { flowId: flow.id, runId: first.id, recordKey: 'a', reason: 'bad email', failureKind: 'permanent' },
      { flowId: flow.id, runId: first.id, recordKey: 'b', reason: 'bad email', failureKind: 'permanent' },
    ]);

    const status = await bed.service.status('copy-contacts');
    expect(status.runs.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(status.totals).toMatchObject({ read: 20, unchanged: 10, created: 8, failed: 2 });
    expect(status.byStatus).toEqual({ partial: 1, succeeded: 1 });
    expect(status.pendingDeadLetters).toBe(2);
    expect(status.nextRunAt).toBe(Date.parse('2025-03-01T13:00:00Z'));
  });
});
