import {
  constantTimeEqual,
  headerValue,
  parseIntegerHeader,
  withinReplayWindow,
} from '../../../../core/webhooks/signatures';

describe('signature helpers', () => {
  it('compares in constant time, refusing different lengths', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('reads headers case-insensitively, empty as absent', () => {
    expect(headerValue({ headers: { 'x-a': '1' } }, 'X-A')).toBe('1');
    expect(headerValue({ headers: { 'X-B': '2' } }, 'x-b')).toBe('2');
    expect(headerValue({ headers: { 'x-c': '' } }, 'x-c')).toBeUndefined();
  });

  it('checks replay windows in both directions', () => {
    expect(withinReplayWindow(1000, 1000 + 300_000, 300_000)).toBe(true);
    expect(withinReplayWindow(1000, 1001 + 300_000, 300_000)).toBe(false);
    expect(withinReplayWindow(2_000_000, 1000, 300_000)).toBe(false);
    expect(withinReplayWindow(Number.NaN, 1000, 300_000)).toBe(false);
  });

  it('parses integer headers strictly', () => {
    expect(parseIntegerHeader('1700000000000')).toBe(1700000000000);
    expect(parseIntegerHeader(' 12 ')).toBe(12);
    for (const bad of [undefined, '', '-1', '1.5', '1e3', '0x10', 'abc'])
      expect(parseIntegerHeader(bad)).toBeUndefined();
  });
});
