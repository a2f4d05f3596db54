import { googleMinimum, metaMinimum, runConversionsBench } from '../../bench/conversions-bench';

/**
 * bench/conversions' own code path with a small N: synthetic orders through the file connector, the shipped
 * mappings and the runner into the Google and Meta sandboxes with their limits on. It must finish and deliver every
 * order exactly once to each (distinct conversions and accepted events both N). No timing is asserted.
 */

describe('bench/conversions', () => {
  it('delivers 2,500 orders once each to Google and Meta through the shipped mappings, in full batches', async () => {
    const orders = 2_500;
    const result = await runConversionsBench({ orders });
    // the vendors answer from a process of their own; the counts below are that process's state
    expect(result.sandboxesPid).toBeGreaterThan(0);
    expect(result.sandboxesPid).not.toBe(process.pid);
    for (const side of [result.google, result.meta]) {
      expect(side.status).toBe('succeeded');
      expect(side.counts).toMatchObject({ read: orders, created: orders, failed: 0, deadLettered: 0 });
      expect(side.distinct).toBe(orders);
      expect(side.received).toBe(orders);
      expect(side.exactlyOnce).toBe(true);
      expect(side.refused).toBe(0);
    }
    // Google: 2,000 + 500 → two ingests, each read back once; Meta: 1,000 + 1,000 + 500 → three requests
    expect(result.google.requests).toEqual({ 'events:ingest': 2, 'requestStatus:retrieve': 2 });
    expect(result.meta.requests).toEqual({ 'POST /{pixel}/events': 3 });
    expect(result.google.minimum.requests).toBe(result.google.totalRequests);
    expect(result.meta.minimum.requests).toBe(result.meta.totalRequests);
  }, 120_000);

  it('counts the theoretical minimum from the policies', () => {
    // 50 ingests + 50 status reads at 300 a minute: 20 s sustained; from cold all fit one window
    expect(googleMinimum(100_000)).toEqual({
      requests: 100,
      limit: '300 per 60 s',
      sustainedMs: 20_000,
      burstMs: 0,
    });
    // 100 requests at 50 a second: 2 s sustained; from cold the 51st–100th wait one window
    expect(metaMinimum(100_000)).toEqual({ requests: 100, limit: '50 per 1 s', sustainedMs: 2_000, burstMs: 1_000 });
  });
});
