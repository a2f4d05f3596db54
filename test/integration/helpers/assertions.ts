import { isDeepStrictEqual } from 'node:util';
import type { Run } from '../../../core/store/repos';
import type { Bed } from './bed';

/**
 * What every integration run must end with: the run succeeded; the sink holds exactly the source's records, each
 * once and in its final state; every record was created once and every revision applied once (a re-delivered
 * batch only repeats what the sink already has); nothing is in the dead-letter ledger.
 */
export async function expectCompleteSync(bed: Bed, run: Run, options: { maxRedundant: number }): Promise<void> {
  expect(run.status).toBe('succeeded');
  expect(run.counts.failed).toBe(0);
  expect(run.counts.deadLettered).toBe(0);
  expect(await bed.deadLetters()).toBe(0);

  const { sink, expected } = bed;
  expect(sink.records.size).toBe(expected.size);
  const missing = [...expected.keys()].filter((id) => !sink.records.has(id));
  const unexpected = [...sink.records.keys()].filter((id) => !expected.has(id));
  const wrong = [...expected].filter(
    ([id, state]) => sink.records.has(id) && !isDeepStrictEqual(sink.records.get(id), state),
  );
  expect({ missing: missing.length, unexpected: unexpected.length, wrongState: wrong.length }).toEqual({
    missing: 0,
    unexpected: 0,
    wrongState: 0,
  });
  expect(sink.counts.created).toBe(bed.changes.created);
  expect(sink.counts.updated).toBe(bed.changes.updated);
  // at-least-once inside: only the writes of a page a worker died in may be delivered again
  expect(sink.counts.redundant).toBeLessThanOrEqual(options.maxRedundant);
}
