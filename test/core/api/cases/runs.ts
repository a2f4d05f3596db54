import { problem, STRICT_EMAIL, type RouteCase } from '../scenario';

/** Happy paths (and their named errors) of the run, dead-letter, audit and token routes. */
export const runCases: Record<string, RouteCase> = {
  async listRuns(bed, scenario) {
    const people = await scenario.people();
    const byName = await bed.as('viewer').get('/runs?flowId=people').expect(200);
    expect(byName.body.items.map((r: { id: string }) => r.id)).toContain(people.runId);
    const partial = await bed.as('viewer').get(`/runs?flowId=${people.flowId}&status=partial`).expect(200);
    expect(partial.body.items[0]).toMatchObject({ id: people.runId, counts: { read: 2, created: 1, failed: 1 } });
    const none = await bed.as('viewer').get('/runs?flowId=people&status=cancelled').expect(200);
    expect(none.body).toEqual({ items: [] });
  },

  async getRun(bed, scenario) {
    const people = await scenario.people();
    const res = await bed.as('viewer').get(`/runs/${people.runId}`).expect(200);
    expect(res.body).toMatchObject({ id: people.runId, flowName: 'people', status: 'partial', moreFailures: false });
    expect(res.body.failures).toEqual([
      expect.objectContaining({ recordKey: '2', field: '/email', failureKind: 'mapping' }),
    ]);
    const few = await bed.as('viewer').get(`/runs/${people.runId}?failures=0`).expect(200);
    expect(few.body).toMatchObject({ failures: [], moreFailures: true });
    problem(await bed.as('viewer').get('/runs/run_nothing'), 404);
  },

  async listRunRecords(bed, scenario) {
    const people = await scenario.people();
    // the records the run created and failed, named by e-mail as read, with the reason of the failure
    const res = await bed.as('viewer').get(`/runs/${people.runId}/records`).expect(200);
    expect(res.body.totals).toEqual({ created: 1, updated: 0, held: 0, failed: 1, review: 0 });
    expect(res.body.listedPerOutcome).toBe(10_000);
    expect(res.body.items).toEqual([
      { outcome: 'created', recordKey: '1', label: 'a@x.io', recordedAt: expect.any(Number) },
      expect.objectContaining({ outcome: 'failed', recordKey: '2', label: 'broken', field: '/email' }),
    ]);
    const failed = await bed.as('viewer').get(`/runs/${people.runId}/records?outcome=failed`).expect(200);
    expect(failed.body.items.map((r: { recordKey: string }) => r.recordKey)).toEqual(['2']);
    // pages: the cursor continues after the last record shown
    const first = await bed.as('viewer').get(`/runs/${people.runId}/records?limit=1`).expect(200);
    expect(first.body.items.map((r: { outcome: string }) => r.outcome)).toEqual(['created']);
    const next = await bed
      .as('viewer')
      .get(`/runs/${people.runId}/records?limit=1&cursor=${first.body.nextCursor}`)
      .expect(200);
    expect(next.body.items.map((r: { outcome: string }) => r.outcome)).toEqual(['failed']);
    expect(next.body.nextCursor).toBeUndefined();
    problem(await bed.as('viewer').get('/runs/run_nothing/records'), 404);
    problem(await bed.as('viewer').get(`/runs/${people.runId}/records?outcome=unchanged`), 400);
  },

  async listDeadLetters(bed, scenario) {
    const people = await scenario.people();
    const res = await bed.as('marketer').get(`/dead-letters?flowId=people&status=pending`).expect(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        id: people.deadLetterId,
        recordKey: '2',
        // a CSV row carries the line it starts on (connectors/file: replays re-read it by line)
        source: { id: '2', email: 'broken', name: 'Bob', _line: 3 },
      }),
    ]);
    const byKey = await bed.as('marketer').get('/dead-letters?recordKey=2').expect(200);
    expect(byKey.body.items.length).toBeGreaterThanOrEqual(1);
    const byRun = await bed.as('marketer').get(`/dead-letters?runId=${people.runId}`).expect(200);
    expect(byRun.body.items.map((l: { id: string }) => l.id)).toEqual([people.deadLetterId]);
    const otherRun = await bed.as('marketer').get('/dead-letters?runId=run_other').expect(200);
    expect(otherRun.body.items).toEqual([]);
  },

  async getDeadLetter(bed, scenario) {
    const people = await scenario.people();
    const res = await bed.as('viewer').get(`/dead-letters/${people.deadLetterId}`).expect(200);
    expect(res.body).toMatchObject({
      id: people.deadLetterId,
      flowId: people.flowId,
      status: 'pending',
      field: '/email',
    });
    problem(await bed.as('viewer').get('/dead-letters/dlq_nothing'), 404);
  },

  async replayDeadLetters(bed, scenario) {
    const replay = await scenario.flow('replay');
    // still failing with the current mapping: stays pending with the reason
    const again = await bed
      .as('marketer')
      .post('/dead-letters/replay', { ids: [replay.deadLetterId] })
      .expect(200);
    expect(again.body).toMatchObject({ replayed: 0, stillFailing: [replay.deadLetterId] });
    // a new mapping version that fixes the email; the replay writes the record
    await bed
      .as('engineer')
      .put('/mappings/replay-email', {
        version: '2',
        ...STRICT_EMAIL,
        expression: '{ "id": id, "email": $contains(email, "@") ? email : email & "@fixed.example", "name": name }',
        fixtures: [STRICT_EMAIL.fixtures[0]],
      })
      .expect(200);
    const fixed = await bed.as('marketer').post('/dead-letters/replay', { flowId: 'replay' }).expect(200);
    expect(fixed.body).toMatchObject({ replayed: 1, written: 1, stillFailing: [] });
    const letter = await bed.as('viewer').get(`/dead-letters/${replay.deadLetterId}`).expect(200);
    expect(letter.body.status).toBe('replayed');
    problem(await bed.as('marketer').post('/dead-letters/replay', { ids: ['dlq_nothing'] }), 404);
    problem(await bed.as('marketer').post('/dead-letters/replay', { flowId: 'ghost' }), 404);
  },

  async discardDeadLetters(bed, scenario) {
    const discard = await scenario.flow('discard');
    const res = await bed
      .as('engineer')
      .post('/dead-letters/discard', { ids: [discard.deadLetterId], note: 'a test row' })
      .expect(200);
    expect(res.body).toEqual({ discarded: 1, ids: [discard.deadLetterId], note: 'a test row' });
    const letter = await bed.as('viewer').get(`/dead-letters/${discard.deadLetterId}`).expect(200);
    expect(letter.body.status).toBe('discarded');
    const [entry] = await bed.hub.repos.auditLog.list({ action: 'deadLetter.discard' });
    expect(entry).toMatchObject({ entityId: discard.deadLetterId, after: { note: 'a test row' } });
    problem(await bed.as('engineer').post('/dead-letters/discard', { ids: [discard.deadLetterId], note: 'x' }), 409);
    problem(await bed.as('engineer').post('/dead-letters/discard', { ids: ['dlq_nothing'], note: 'x' }), 404);
    problem(await bed.as('engineer').post('/dead-letters/discard', { flowId: 'discard', note: '' }), 400);
    const none = await bed.as('engineer').post('/dead-letters/discard', { flowId: 'discard', note: 'all' }).expect(200);
    expect(none.body.discarded).toBe(0);
  },

  async listAuditEntries(bed, scenario) {
    const people = await scenario.people();
    const engineer = (await bed.as('engineer').get('/me').expect(200)).body.id as string;
    const res = await bed.as('admin').get(`/audit?entity=flow&entityId=${people.flowId}`).expect(200);
    const actions = res.body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(['flow.run', 'flow.enable', 'flow.create']); // newest first
    expect(res.body.items[2]).toMatchObject({
      actor: engineer,
      actorName: 'engineer-token',
      after: { name: 'people' },
    });
    const byAction = await bed.as('admin').get(`/audit?action=flow.enable&actor=${engineer}&limit=1`).expect(200);
    expect(byAction.body.items).toHaveLength(1);
    expect(byAction.body.items[0]).toMatchObject({ action: 'flow.enable', actor: engineer });
  },

  async listTokens(bed) {
    const res = await bed.as('admin').get('/tokens').expect(200);
    expect(res.body.items.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['admin-token', 'engineer-token', 'marketer-token', 'viewer-token']),
    );
    const text = JSON.stringify(res.body);
    for (const token of Object.values(bed.tokens)) expect(text).not.toContain(token);
    expect(text).not.toMatch(/hash/i);
  },

  async createToken(bed) {
    const res = await bed.as('admin').post('/tokens', { name: 'ci', role: 'engineer' }).expect(201);
    expect(res.body.token).toMatch(/^hub_/);
    expect(res.body.record).toMatchObject({ name: 'ci', role: 'engineer' });
    const me = await bed.as('none').get('/me').set('authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body.id).toBe(res.body.record.id);
    const audit = await bed.as('admin').get(`/audit?entity=token&entityId=${res.body.record.id}`).expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'token.create' });
    expect(JSON.stringify(audit.body)).not.toContain(res.body.token);
  },

  async revokeToken(bed) {
    const created = await bed.as('admin').post('/tokens', { name: 'temp', role: 'viewer' }).expect(201);
    const res = await bed.as('admin').delete(`/tokens/${created.body.record.id}`).expect(200);
    expect(res.body.revokedAt).toEqual(expect.any(Number));
    problem(await bed.as('none').get('/me').set('authorization', `Bearer ${created.body.token}`), 401);
    problem(await bed.as('admin').delete('/tokens/tok_nothing'), 404);
  },
};
