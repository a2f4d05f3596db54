import type { RecordBatch, RecordManyResult } from '../../../core/store';
import { RecordBatcher } from '../../../core/webhooks/record-batcher';

const ev = (id: string) => ({ id, type: 't' });

/** A fake repository that records each call (a group) and answers like the real one, first occurrence wins. */
function fakeRepo(fail?: () => boolean) {
  const groups: RecordBatch[][] = [];
  const stored = new Set<string>();
  return {
    groups,
    async recordBatches(batches: readonly RecordBatch[]): Promise<RecordManyResult[]> {
      groups.push([...batches]);
      await Promise.resolve();
      if (fail?.()) throw new Error('disk full');
      return batches.map((b) => {
        const result: RecordManyResult = { accepted: [], duplicates: [] };
        for (const e of b.events) {
          const key = `${b.connectionId}/${e.id}`;
          (stored.has(key) ? result.duplicates : result.accepted).push(e.id);
          stored.add(key);
        }
        return result;
      });
    },
  };
}

describe('RecordBatcher (group commit)', () => {
  it('records concurrent deliveries in one write and answers each caller with its own result', async () => {
    const repo = fakeRepo();
    const batcher = new RecordBatcher(repo);
    const results = await Promise.all([
      batcher.recordMany('a', [ev('1'), ev('2')], { webhook: 'w' }),
      batcher.recordMany('b', [ev('1')]),
      batcher.recordMany('a', [ev('2'), ev('3')]),
    ]);
    expect(repo.groups).toHaveLength(1);
    expect(repo.groups[0].map((b) => b.connectionId)).toEqual(['a', 'b', 'a']);
    expect(repo.groups[0][0].webhook).toBe('w');
    expect(results).toEqual([
      { accepted: ['1', '2'], duplicates: [] },
      { accepted: ['1'], duplicates: [] },
      { accepted: ['3'], duplicates: ['2'] },
    ]);
  });

  it('groups what arrives while a write is in flight into the next write', async () => {
    const repo = fakeRepo();
    const batcher = new RecordBatcher(repo);
    const first = batcher.recordMany('a', [ev('1')]);
    await new Promise((resolve) => setImmediate(resolve)); // the first write has started
    const later = [batcher.recordMany('a', [ev('2')]), batcher.recordMany('a', [ev('3')])];
    await Promise.all([first, ...later]);
    expect(repo.groups.map((g) => g.length)).toEqual([1, 2]);
  });

  it('caps a group at maxEvents (a single larger delivery still goes alone)', async () => {
    const repo = fakeRepo();
    const batcher = new RecordBatcher(repo, 3);
    await Promise.all([
      batcher.recordMany('a', [ev('1'), ev('2')]),
      batcher.recordMany('a', [ev('3'), ev('4')]),
      batcher.recordMany('a', [ev('5'), ev('6'), ev('7'), ev('8')]),
    ]);
    expect(repo.groups.map((g) => g.map((b) => b.events.length))).toEqual([[2], [2], [4]]);
  });

  it('fails every delivery of a failed write, and keeps working afterwards', async () => {
    let failing = true;
    const repo = fakeRepo(() => failing);
    const batcher = new RecordBatcher(repo);
    const outcomes = await Promise.allSettled([batcher.recordMany('a', [ev('1')]), batcher.recordMany('b', [ev('1')])]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    failing = false;
    await expect(batcher.recordMany('a', [ev('1')])).resolves.toEqual({ accepted: ['1'], duplicates: [] });
  });
});
