import { problem, type RouteCase } from '../scenario';

const definition = (name: string, overrides: Record<string, unknown> = {}) => ({
  name,
  source: { connection: 'people-in', stream: 'records' },
  mapping: { id: 'passthrough' },
  target: { connection: 'people-out', action: 'writeRecords' },
  trigger: { type: 'manual' },
  mode: 'upsert',
  ...overrides,
});

/** Happy paths (and their named errors) of the flow and template routes. */
export const flowCases: Record<string, RouteCase> = {
  async listFlows(bed, scenario) {
    const people = await scenario.people();
    await bed.as('engineer').post('/flows', definition('listed-off')).expect(201);
    const enabled = await bed.as('viewer').get('/flows?enabled=true').expect(200);
    expect(enabled.body.items.every((f: { enabled: boolean }) => f.enabled)).toBe(true);
    expect(enabled.body.items.map((f: { id: string }) => f.id)).toContain(people.flowId);
    const byConnection = await bed.as('viewer').get(`/flows?connectionId=${people.targetId}`).expect(200);
    expect(byConnection.body.items.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['people', 'listed-off']),
    );
  },

  async createFlow(bed, scenario) {
    await scenario.people();
    const res = await bed.as('engineer').post('/flows', definition('created')).expect(201);
    expect(res.body).toMatchObject({ name: 'created', enabled: false, definition: { mapping: { id: 'passthrough' } } });
    expect(res.body.id).toMatch(/^flw_/);
    const unknown = problem(
      await bed
        .as('engineer')
        .post('/flows', definition('dangling', { source: { connection: 'ghost', stream: 'records' } })),
      422,
    );
    expect(unknown.errors?.map((e) => e.field)).toContain('/body/source/connection');
    const taken = problem(await bed.as('engineer').post('/flows', definition('created')), 422);
    expect(taken.errors?.[0].field).toBe('/body/name');
  },

  async getFlow(bed, scenario) {
    const people = await scenario.people();
    const res = await bed.as('viewer').get('/flows/people').expect(200);
    expect(res.body).toMatchObject({
      id: people.flowId,
      enabled: true,
      status: { pendingDeadLetters: expect.any(Number) },
    });
    expect(res.body.status.recentRuns.map((r: { id: string }) => r.id)).toContain(people.runId);
    problem(await bed.as('viewer').get('/flows/ghost'), 404);
  },

  async updateFlow(bed, scenario) {
    await scenario.people();
    const created = await bed.as('engineer').post('/flows', definition('to-update')).expect(201);
    const res = await bed
      .as('engineer')
      .put(`/flows/${created.body.id}`, definition('updated', { title: 'Renamed' }))
      .expect(200);
    expect(res.body).toMatchObject({ id: created.body.id, name: 'updated', definition: { title: 'Renamed' } });
    problem(await bed.as('engineer').put('/flows/ghost', definition('ghost')), 404);
  },

  async deleteFlow(bed, scenario) {
    await scenario.people();
    const created = await bed.as('engineer').post('/flows', definition('to-delete')).expect(201);
    await bed.as('engineer').delete(`/flows/${created.body.id}`).expect(204);
    problem(await bed.as('viewer').get(`/flows/${created.body.id}`), 404);
  },

  async enableFlow(bed, scenario) {
    await scenario.people();
    await bed.as('engineer').post('/flows', definition('to-enable')).expect(201);
    const res = await bed.as('marketer').post('/flows/to-enable/enable').expect(200);
    expect(res.body.enabled).toBe(true);
    expect(res.body.schedule).toEqual({ flow: 'to-enable', words: 'runs only when started (hub flows run)' });
  },

  async disableFlow(bed, scenario) {
    await scenario.people();
    await bed.as('engineer').post('/flows', definition('to-disable')).expect(201);
    await bed.as('marketer').post('/flows/to-disable/enable').expect(200);
    const res = await bed.as('marketer').post('/flows/to-disable/disable').expect(200);
    expect(res.body.enabled).toBe(false);
  },

  async runFlow(bed, scenario) {
    const other = await scenario.flow('runner');
    const res = await bed.as('marketer').post(`/flows/${other.flowId}/run`).expect(202);
    expect(res.body).toMatchObject({ runId: expect.stringMatching(/^run_/), created: true });
    const run = await bed.waitForRun(res.body.runId);
    expect(['succeeded', 'partial']).toContain(run.status);
    problem(await bed.as('marketer').post('/flows/ghost/run'), 404);
  },

  async dryRunFlow(bed, scenario) {
    await scenario.people();
    await bed.as('engineer').post('/flows', definition('dry')).expect(201);
    const res = await bed.as('marketer').post('/flows/dry/dry-run', { limit: 1 }).expect(200);
    expect(res.body).toMatchObject({ read: 1, truncated: true, records: [{ sourceKey: '1', decision: 'create' }] });
    const all = await bed.as('marketer').post('/flows/dry/dry-run').expect(200);
    expect(all.body.read).toBe(2);
  },

  async listTemplates(bed) {
    const res = await bed.as('marketer').get('/templates').expect(200);
    expect(res.body.items.map((t: { id: string }) => t.id)).toEqual(['file-sync-pair', 'one-way']);
    expect(res.body.items[1].roles).toHaveProperty('from');
  },

  async getTemplate(bed) {
    const res = await bed.as('marketer').get('/templates/one-way').expect(200);
    expect(res.body).toMatchObject({ id: 'one-way', name: 'one-way', roles: { from: { connector: 'file' } } });
    problem(await bed.as('marketer').get('/templates/ghost'), 404);
  },

  async enableTemplate(bed, scenario) {
    await scenario.people();
    const res = await bed
      .as('marketer')
      .post('/templates/one-way/enable', { connections: { from: 'people-in', to: 'people-out' }, namePrefix: 'mkt' })
      .expect(201);
    expect(res.body.items).toEqual([expect.objectContaining({ name: 'mkt-copy', enabled: true, template: 'one-way' })]);
    const missing = problem(
      await bed
        .as('marketer')
        .post('/templates/one-way/enable', { connections: { from: 'people-in' }, namePrefix: 'mkt2' }),
      422,
    );
    expect(missing.errors?.map((e) => e.field)).toEqual(['/body/connections/to']);
    problem(await bed.as('marketer').post('/templates/ghost/enable', { connections: {} }), 404);
    // the schedule: chosen at enable time, reported in words with the first run time
    const scheduled = await bed
      .as('marketer')
      .post('/templates/one-way/enable', {
        connections: { from: 'people-in', to: 'people-out' },
        namePrefix: 'sched',
        schedule: '*/30 * * * *',
      })
      .expect(201);
    expect(scheduled.body.items[0].definition.trigger).toEqual({ type: 'schedule', cron: '*/30 * * * *' });
    expect(scheduled.body.schedules).toEqual([
      { flow: 'sched-copy', words: 'runs every 30 minutes', firstRunAt: expect.any(Number), timezone: 'UTC' },
    ]);
    const badCron = problem(
      await bed.as('marketer').post('/templates/one-way/enable', {
        connections: { from: 'people-in', to: 'people-out' },
        namePrefix: 'sched2',
        schedule: 'sometimes',
      }),
      422,
    );
    expect(JSON.stringify(badCron.errors)).toContain('trigger');
  },

  async resetFlow(bed, scenario) {
    await scenario.flow('resettable');
    const flow = await bed.hub.repos.flows.require('resettable');
    expect(await bed.hub.repos.checkpoints.list(flow.id)).toHaveLength(1);
    const res = await bed.as('marketer').post('/flows/resettable/reset', {}).expect(200);
    expect(res.body).toMatchObject({ flow: { name: 'resettable' }, stream: 'records', clearedCheckpoints: 1 });
    expect(await bed.hub.repos.checkpoints.list(flow.id)).toEqual([]);
    // the rerun reads everything again; the delivered record is unchanged (no write), the broken one fails again
    const started = await bed.as('marketer').post('/flows/resettable/run').expect(202);
    const run = await bed.waitForRun(started.body.runId);
    expect(run.counts).toMatchObject({ read: 2, unchanged: 1, created: 0, updated: 0 });
    const from = await bed.as('marketer').post('/flows/resettable/reset', { from: '2026-01-01T00:00:00Z' }).expect(200);
    expect(from.body.from).toBe('2026-01-01T00:00:00.000Z');
    const [entry] = await bed.hub.repos.auditLog.list({ action: 'flow.reset', entityId: flow.id });
    expect(entry.after).toEqual({ from: '2026-01-01T00:00:00.000Z' });
    problem(await bed.as('marketer').post('/flows/resettable/reset', { from: 'yesterday' }), 400);
    problem(await bed.as('marketer').post('/flows/ghost/reset', {}), 404);
  },
};
