import { parseBusinessUseCaseUsage, peakUsagePercent, regainWaitMs } from '../../../connectors/meta/usage';

// The header's documented shape: per business id, an array of use cases with usage in percent and the wait in
// minutes (Marketing API "Rate limiting", X-Business-Use-Case-Usage; vendor-apis.md §5b).
const header = JSON.stringify({
  '1234567890': [
    { type: 'ads_management', call_count: 28, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 0 },
    { type: 'custom_audience', call_count: 100, total_cputime: 40, total_time: 51, estimated_time_to_regain_access: 7 },
  ],
  '9876543210': [
    { type: 'ads_insights', call_count: 3, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 },
  ],
});

describe('X-Business-Use-Case-Usage', () => {
  it('reads every use case of every business', () => {
    const usage = parseBusinessUseCaseUsage(header);
    expect(usage).toHaveLength(3);
    expect(usage[1]).toEqual({
      businessId: '1234567890',
      type: 'custom_audience',
      callCount: 100,
      totalCputime: 40,
      totalTime: 51,
      regainMinutes: 7,
    });
  });

  it('the wait is the longest estimated_time_to_regain_access, in ms; the peak the highest usage', () => {
    const usage = parseBusinessUseCaseUsage(header);
    expect(regainWaitMs(usage)).toBe(7 * 60_000);
    expect(peakUsagePercent(usage)).toBe(100);
  });

  it('no wait when nothing is throttled', () => {
    const calm = JSON.stringify({
      '1': [{ type: 'ads_management', call_count: 5, estimated_time_to_regain_access: 0 }],
    });
    expect(regainWaitMs(parseBusinessUseCaseUsage(calm))).toBeUndefined();
  });

  it.each([null, undefined, '', 'not json', '[1,2]', '42', '{"1":"text"}'])(
    'a missing or malformed header (%j) says nothing rather than failing',
    (value) => {
      const usage = parseBusinessUseCaseUsage(value);
      expect(regainWaitMs(usage)).toBeUndefined();
      expect(peakUsagePercent(usage)).toBe(0);
    },
  );

  it('ignores negative and non-numeric figures', () => {
    const odd = JSON.stringify({ '1': [{ call_count: 'lots', total_time: -5, estimated_time_to_regain_access: '3' }] });
    expect(parseBusinessUseCaseUsage(odd)[0]).toMatchObject({
      callCount: 0,
      totalTime: 0,
      regainMinutes: 0,
      type: 'unknown',
    });
  });
});
