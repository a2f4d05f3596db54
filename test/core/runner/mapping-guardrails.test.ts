import { createHarness, seed, type Harness } from './harness';

/**
 * A runaway expression in a flow's mapping fails only the record that triggers it: the record goes to the
 * dead-letter ledger with the guardrail reason naming the limit, and the rest of its page is written.
 * Before: `$pad("", 2e8)` exhausted the heap of the worker (and of `hub serve`, which embeds it).
 */
describe('mapping guardrails in the runner', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it.each([
    ['$pad to 200 million characters', '$pad("", 200000000)', /maximum string length of 1000000/],
    ['string doubling', '$reduce([1..40], function($a, $i){ $a & $a }, "x")', /maximum string length/],
    ['a huge $split', '$split($pad("", 900000, "a,"), ",")', /maximum length of 100000 items/],
    ['a function value', '$uppercase', /is a function/],
  ])('dead-letters the record that runs %s and writes the rest of the page', async (_label, bomb, reason) => {
    h = await createHarness();
    const a = await h.connector('a', { pageSize: 10 });
    const b = await h.connector('b');
    await h.mapping('contact', `{ "email": email, "name": name = "Bomb" ? ${bomb} : name }`);
    const flow = await h.flow({ name: 'a-to-b', options: { batchSize: 5, maxAttempts: 1 } });
    seed(a, 4);
    a.put({ id: 'a5', email: 'bomb@example.com', name: 'Bomb' });

    const run = await h.run('a-to-b');
    expect(run.status).toBe('partial');
    expect(run.counts).toMatchObject({ read: 5, created: 4, failed: 1, deadLettered: 1 });
    expect(b.records.size).toBe(4);

    const [letter] = await h.repos.deadLetters.list({ flowId: flow.id });
    expect(letter).toMatchObject({ recordKey: 'a5', failureKind: 'mapping', status: 'pending' });
    expect(letter.reason).toMatch(reason);
  });
});
