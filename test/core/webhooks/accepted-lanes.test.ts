import { AcceptedLanes } from '../../../core/webhooks';

/** A promise and the function that settles it, to hold a call open while others arrive. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('AcceptedLanes (onAccepted, one call at a time per connection)', () => {
  it('tells the first delivery at once and those arriving meanwhile together in one next call', async () => {
    const calls: [string, string[]][] = [];
    const first = gate();
    const lanes = new AcceptedLanes(async (connectionId, ids) => {
      calls.push([connectionId, ids]);
      if (calls.length === 1) await first.promise;
    });
    const settled: string[] = [];
    const tell = (connectionId: string, ids: string[], name: string) =>
      lanes.tell(connectionId, ids).then(() => void settled.push(name));

    const a = tell('c1', ['e1'], 'a');
    const b = tell('c1', ['e2', 'e3'], 'b');
    const c = tell('c1', ['e4'], 'c');
    const other = tell('c2', ['x1'], 'other'); // another connection has its own lane
    await other;
    expect(calls).toEqual([
      ['c1', ['e1']],
      ['c2', ['x1']],
    ]);
    expect(settled).toEqual(['other']); // b and c wait for a call that carries their ids, not for a's

    first.open();
    await Promise.all([a, b, c]);
    expect(calls).toEqual([
      ['c1', ['e1']],
      ['c2', ['x1']],
      ['c1', ['e2', 'e3', 'e4']],
    ]);
    expect(settled).toEqual(['other', 'a', 'b', 'c']);

    // idle again: the next delivery is told at once, alone
    await tell('c1', ['e5'], 'd');
    expect(calls.at(-1)).toEqual(['c1', ['e5']]);
  });

  it('rejects every delivery of a failed call (the ingress logs it) and goes on with the next', async () => {
    const first = gate();
    let calls = 0;
    const lanes = new AcceptedLanes(async () => {
      calls++;
      if (calls === 1) await first.promise;
      if (calls === 2) throw new Error('queue down');
    });
    const a = lanes.tell('c1', ['e1']);
    const b = lanes.tell('c1', ['e2']);
    const c = lanes.tell('c1', ['e3']);
    first.open();
    const outcomes = await Promise.allSettled([a, b, c]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await expect(lanes.tell('c1', ['e4'])).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const lanes = new AcceptedLanes(() => {
      throw new Error('boom');
    });
    await expect(lanes.tell('c1', ['e1'])).rejects.toThrow('boom');
    await expect(lanes.tell('c1', ['e2'])).rejects.toThrow('boom');
  });
});
