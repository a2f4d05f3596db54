import { resolveReviewItem } from '../../../core/runner/review';
import type { ConnectorDefinition, WriteOutcome } from '../../../core/sdk';
import { CONTACT_MAPPING, createHarness, seed, type Harness } from './harness';

/**
 * WriteOutcome `unconfirmed` (SDK 1.2): the connector could not tell whether the vendor applied a write. The runner
 * sends the record to manual review — never to the dead-letter ledger, where a replay would send it again — counts
 * it neither as written nor as failed, lists it in the run (failure kind `review`, record outcome `review`, with the
 * reason), and holds it from every later run of the flow, whatever the action's idempotency, until a person
 * resolves it: done (with the target's id: linked as a confirmed write would be) or retry (sent again now).
 */
describe('unconfirmed writes go to manual review', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** Target `b` applies every write; the e-mails in `unsure` come back unconfirmed (their answer lost). */
  async function setup(n = 4) {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, n);
    const unsure = new Set<string>();
    const base = b.definition.actions.find((x) => x.name === 'upsertContacts')!;
    const unsureAction = {
      ...base,
      async write(args: Parameters<typeof base.write>[0]): Promise<WriteOutcome[]> {
        const outcomes = await base.write(args);
        return outcomes.map((o, i) => {
          const email = String((args.records[i] as { email?: unknown }).email);
          return unsure.has(email) ? { status: 'unconfirmed', reason: `no answer for ${email}; look it up` } : o;
        });
      },
    };
    const definition: ConnectorDefinition = {
      ...b.definition,
      id: 'mem-b-unsure',
      actions: b.definition.actions.map((x) => (x.name === 'upsertContacts' ? unsureAction : x)),
    };
    await h.register('unsure', definition, { token: 'secret-token-unsure' });
    await h.mapping('contact', CONTACT_MAPPING);
    const flow = await h.flow({ name: 'a-to-unsure', target: { connection: 'unsure', action: 'upsertContacts' } });
    const sent = (email: string) =>
      b.calls.filter((c) => c.kind === 'write' && c.ids.includes(email) && c.answer !== 'RateLimitedError').length;
    return { a, b, flow, unsure, sent };
  }

  it('is held for a person: not failed, not written, not dead-lettered, listed with its reason, never re-sent', async () => {
    const { b, flow, unsure, sent } = await setup();
    unsure.add('person2@example.com');
    const run = await h.run('a-to-unsure');
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ read: 4, created: 3, failed: 0, deadLettered: 0 });
    expect(await h.repos.deadLetters.list({ flowId: flow.id })).toEqual([]);
    const [item, ...more] = await h.repos.reviewItems.list({ flowId: flow.id });
    expect(more).toEqual([]);
    expect(item).toMatchObject({
      recordKey: 'a2',
      action: 'upsertContacts',
      status: 'open',
      runId: run.id,
      reason: 'no answer for person2@example.com; look it up',
      payload: { email: 'person2@example.com', name: 'Person 2' },
    });
    expect(await h.repos.runRecords.totals(run.id)).toMatchObject({ created: 3, review: 1, failed: 0 });
    expect(await h.repos.runRecords.list(run.id, { outcome: 'review' })).toEqual([
      expect.objectContaining({ recordKey: 'a2', reason: 'no answer for person2@example.com; look it up' }),
    ]);
    expect(await h.repos.runs.failures(run.id)).toEqual([
      expect.objectContaining({ recordKey: 'a2', failureKind: 'review' }),
    ]);

    // every record read again: the one in review is not sent (the action is idempotent, it is held all the same)
    await h.repos.checkpoints.clear(flow.id);
    expect(sent('person2@example.com')).toBe(1);
    const again = await h.run('a-to-unsure');
    expect(again.counts).toMatchObject({ read: 4, unchanged: 3, created: 0, updated: 0, failed: 0 });
    expect(sent('person2@example.com')).toBe(1);
    expect(await h.repos.reviewItems.list({ flowId: flow.id })).toHaveLength(1);
    expect(b.records.size).toBe(4);
  });

  it('resolved as done with the target id: linked as a confirmed write, so a rerun sends nothing', async () => {
    const { b, flow, unsure, sent } = await setup(2);
    unsure.add('person1@example.com');
    await h.run('a-to-unsure');
    const [item] = await h.repos.reviewItems.list({ flowId: flow.id });
    unsure.clear();
    const target = b.byEmail('person1@example.com')!.id;
    const { item: resolved } = await resolveReviewItem({ repos: h.repos, runner: h.runner }, item!.id, 'done', {
      targetId: target,
    });
    expect(resolved).toMatchObject({ status: 'done', targetId: target });
    const stored = await h.repos.reviewItems.get(item!.id);
    expect(stored).toMatchObject({ status: 'done', targetId: target });

    // the record's source and target links join one entity, the target's remembering what was written
    const source = (await h.repos.recordLinks.findMany(flow.id, flow.sourceConnectionId!, ['a1'])).get('a1')!;
    const written = (await h.repos.recordLinks.findMany(flow.id, flow.targetConnectionId!, [target])).get(target)!;
    expect(written.entityId).toBe(source.entityId);
    expect(written.lastWrittenHash).toEqual(expect.any(String));

    // read again: unchanged (the link says it was written), nothing sent, and a change is an update of that record
    await h.repos.checkpoints.clear(flow.id);
    const rerun = await h.run('a-to-unsure');
    expect(rerun.counts).toMatchObject({ read: 2, unchanged: 2, created: 0, updated: 0 });
    expect(sent('person1@example.com')).toBe(1);
  });

  it('resolved as retry: sent again now through the ledger, once', async () => {
    const { b, flow, unsure, sent } = await setup(2);
    unsure.add('person1@example.com');
    await h.run('a-to-unsure');
    const [item] = await h.repos.reviewItems.list({ flowId: flow.id });
    unsure.clear();
    b.records.clear(); // a person found that the vendor did not apply it
    const { replay } = await resolveReviewItem({ repos: h.repos, runner: h.runner }, item!.id, 'retry');
    expect(replay).toMatchObject({ written: 1, stillFailing: [] });
    expect(sent('person1@example.com')).toBe(2);
    expect(b.byEmail('person1@example.com')).toBeDefined();
    expect(await h.repos.deadLetters.count({ flowId: flow.id, status: 'pending' })).toBe(0);
  });

  it('"done" naming a target is refused for an item that carries nothing to link it with', async () => {
    const { flow } = await setup(1);
    const run = await h.run('a-to-unsure');
    await h.repos.reviewItems.add(
      [{ flowId: flow.id, runId: run.id, recordKey: 'a1', action: 'upsertContacts', reason: 'in flight at a crash' }],
      Date.now(),
    );
    const [item] = await h.repos.reviewItems.list({ flowId: flow.id });
    await expect(
      resolveReviewItem({ repos: h.repos, runner: h.runner }, item!.id, 'done', { targetId: 'x' }),
    ).rejects.toThrow(/cannot be linked/);
    expect(await h.repos.reviewItems.get(item!.id)).toMatchObject({ status: 'open' });
  });
});
