import { classifyHttpFailure, readRetryAfter, isHubError, toErrorInfo, RateLimitedError } from '../../../core/sdk';

const policy = {
  retryStatuses: [500, 502, 503, 504],
  retryAfter: [
    { header: 'retry-after', unit: 'seconds' as const },
    { header: 'x-ratelimit-reset', unit: 'epoch-seconds' as const },
  ],
};

describe('readRetryAfter', () => {
  it('reads seconds, HTTP dates and epoch resets by the policy', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(readRetryAfter(policy, { 'Retry-After': '7' }, now)).toBe(7000);
    expect(readRetryAfter(policy, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }, now)).toBe(30000);
    expect(readRetryAfter(policy, { 'x-ratelimit-reset': String(now / 1000 + 12) }, now)).toBe(12000);
    expect(readRetryAfter(policy, new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(readRetryAfter(policy, {}, now)).toBeUndefined();
  });
});

describe('classifyHttpFailure', () => {
  it('maps statuses to the typed errors the runner acts on', () => {
    const limited = classifyHttpFailure(policy, { status: 429, headers: { 'retry-after': '3' } }, 'slow down');
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.toInfo()).toEqual({ kind: 'rate_limited', message: 'slow down', retryAfterMs: 3000, status: 429 });
    expect(classifyHttpFailure(policy, { status: 401, headers: {} }, 'x').kind).toBe('auth');
    expect(classifyHttpFailure(policy, { status: 503, headers: {} }, 'x').kind).toBe('retryable');
    expect(classifyHttpFailure(policy, { status: 400, headers: {} }, 'x').kind).toBe('permanent');
  });

  it('recognises hub errors by brand and treats unknown errors as retryable', () => {
    const error = classifyHttpFailure(policy, { status: 400, headers: {} }, 'bad email');
    expect(isHubError(error)).toBe(true);
    expect(isHubError(new Error('x'))).toBe(false);
    expect(toErrorInfo(new Error('socket hang up'))).toEqual({ kind: 'retryable', message: 'socket hang up' });
  });
});
