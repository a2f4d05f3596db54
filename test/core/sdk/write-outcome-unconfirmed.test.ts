import { Value } from '@sinclair/typebox/value';
import { WriteOutcome } from '../../../core/sdk/contracts';
import { runConnectorConformance } from '../../../core/sdk/testing';
import { SDK_VERSION } from '../../../core/sdk/version';
import type { ConnectorDefinition, WriteOutcome as Outcome } from '../../../core/sdk';

/**
 * The SDK 1.2 write outcome `unconfirmed` (the connector cannot tell whether the vendor applied the write): part of
 * the contract's schema, accepted by the conformance kit as a valid outcome, never as an accepted batch; and a
 * minor version (nothing an older connector provides changes meaning).
 */

function connector(outcome: (i: number) => Outcome): ConnectorDefinition {
  return {
    id: 'acme',
    displayName: 'Acme',
    version: '1.0.0',
    category: 'erp',
    settingsSchema: { type: 'object' },
    policy: { rateBudget: { requests: 10, intervalMs: 1000 }, concurrency: 1, retryStatuses: [], retryAfter: [] },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [],
    actions: [
      {
        name: 'createOrders',
        recordSchema: { type: 'object', properties: { key: { type: 'string' } } },
        mode: 'upsert',
        maxBatchSize: 2,
        write: async ({ records }) => records.map((_, i) => outcome(i)),
      },
    ],
  };
}

const only = (report: Awaited<ReturnType<typeof runConnectorConformance>>, id: string) =>
  report.results.find((r) => r.id === id);

describe('WriteOutcome unconfirmed (SDK 1.2)', () => {
  it('is in the schema with a reason, and only with one', () => {
    expect(Value.Check(WriteOutcome, { status: 'unconfirmed', reason: 'no answer; look for hub:42' })).toBe(true);
    expect(Value.Check(WriteOutcome, { status: 'unconfirmed' })).toBe(false);
    expect(Value.Check(WriteOutcome, { status: 'unconfirmed', reason: '' })).toBe(false);
    expect(Value.Check(WriteOutcome, { status: 'unconfirmed', reason: 'x', targetId: '1' })).toBe(false);
    // the older outcomes are unchanged
    expect(Value.Check(WriteOutcome, { status: 'ok', targetId: '1' })).toBe(true);
    expect(Value.Check(WriteOutcome, { status: 'failed', failure: 'permanent', reason: 'no' })).toBe(true);
  });

  it('the conformance kit takes it as a valid outcome, but not as an accepted batch', async () => {
    const unsure = connector(() => ({ status: 'unconfirmed', reason: 'no answer' }));
    const report = await runConnectorConformance(unsure, {
      sampleRecords: { createOrders: [{ key: 'a' }, { key: 'b' }] },
      batchRecord: { createOrders: (i) => ({ key: `k${i}` }) },
    });
    expect(only(report, 'action.one-outcome-per-record')).toMatchObject({ status: 'pass' });
    expect(only(report, 'action.max-batch-accepted')).toMatchObject({
      status: 'fail',
      seen: expect.stringContaining('"status":"unconfirmed"'),
    });
    const malformed = connector(() => ({ status: 'unconfirmed' }) as unknown as Outcome);
    const bad = await runConnectorConformance(malformed, { sampleRecords: { createOrders: [{ key: 'a' }] } });
    expect(only(bad, 'action.one-outcome-per-record')).toMatchObject({
      status: 'fail',
      expected: 'valid WriteOutcomes',
    });
  });

  it('is a minor version of the contract (1.2; later minors keep it)', () => {
    expect(SDK_VERSION).toMatch(/^1\.([2-9]|\d{2,})\.\d+$/);
  });
});
