import { Type } from '@sinclair/typebox';
import type { ConnectorDefinition } from '../../../core/sdk';
import { createHarness, seed, type Harness } from './harness';

/**
 * The runner holds each mapped record to the target action's recordSchema before batching it. A mapping without a
 * target schema (or a looser one) used to hand the action records it cannot take: some connectors threw inside
 * `write`, failing the whole batch with the one bad record; others sent it and the vendor refused the request.
 */
describe('records are held to the action’s recordSchema before they are sent', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('a record that does not fit fails alone, naming the field, and the rest of the batch is written once', async () => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    seed(a, 4);
    const base = b.definition.actions.find((x) => x.name === 'upsertContacts')!;
    const strict: ConnectorDefinition = {
      ...b.definition,
      id: 'mem-b-strict',
      actions: b.definition.actions.map((x) =>
        x.name === 'upsertContacts'
          ? {
              ...base,
              recordSchema: Type.Object(
                { email: Type.String({ format: 'email' }), name: Type.Optional(Type.String()) },
                { additionalProperties: false },
              ),
            }
          : x,
      ),
    };
    await h.register('strict', strict, { token: 'secret-token-strict' });
    // no target schema on this mapping: it turns person2's address into a number; every record carries a field the
    // action does not declare, which is the action's to ignore (a pass-through mapping carries the file's _line)
    await h.mapping('contact', '{ "email": $contains(email, "person2@") ? 42 : email, "name": name, "_line": 1 }');
    const flow = await h.flow({ name: 'a-to-strict', target: { connection: 'strict', action: 'upsertContacts' } });

    const run = await h.run('a-to-strict');
    expect(run.counts).toMatchObject({ read: 4, created: 3, failed: 1 });
    const writes = b.calls.filter((c) => c.kind === 'write');
    expect(writes.flatMap((c) => c.ids).sort()).toEqual([
      'person1@example.com',
      'person3@example.com',
      'person4@example.com',
    ]);
    const [letter, ...more] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(more).toEqual([]);
    expect(letter).toMatchObject({ recordKey: 'a2', field: '/email', failureKind: 'mapping' });
    expect(letter!.reason).toContain(
      'mem-b-strict upsertContacts cannot take this record: field /email must be string',
    );
    expect(letter!.reason).toContain('change the mapping');

    // fixed mapping, replay: written once, nothing else sent again
    await h.mapping('contact', '{ "email": email, "name": name, "_line": 1 }', '1.0.1');
    await h.repos.checkpoints.clear(flow.id);
    const again = await h.run('a-to-strict');
    expect(again.counts).toMatchObject({ read: 4, created: 1, failed: 0 });
    expect(b.calls.filter((c) => c.kind === 'write').flatMap((c) => c.ids)).toHaveLength(4);
  });
});
