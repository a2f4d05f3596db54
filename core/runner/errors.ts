import {
  AuthError,
  ConfigError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  type ErrorInfo,
  type HubError,
} from '../sdk/errors';

/**
 * Stops a whole run (not one record): the credentials of a connection were refused, the flow or a connection is
 * configured wrongly, or the source cannot be read. The run is recorded as failed with `info` as its error.
 */
export class RunStopError extends Error {
  constructor(
    readonly info: ErrorInfo,
    /** The connection at fault, when there is one (an auth error marks it `error`). */
    readonly connectionId?: string,
  ) {
    super(info.message);
    this.name = 'RunStopError';
  }
}

/** A HubError of the info's kind, for callers that expect the SDK's typed errors (dry runs, replays). */
export function hubErrorFromInfo(info: ErrorInfo): HubError {
  const options = {
    ...(info.field === undefined ? {} : { field: info.field }),
    ...(info.status === undefined ? {} : { status: info.status }),
  };
  switch (info.kind) {
    case 'auth':
      return new AuthError(info.message, options);
    case 'config':
      return new ConfigError(info.message, options);
    case 'permanent':
      return new PermanentError(info.message, options);
    case 'rate_limited':
      return new RateLimitedError(info.message, info.retryAfterMs ?? 0, options);
    default:
      return new RetryableError(info.message, {
        ...options,
        ...(info.retryAfterMs === undefined ? {} : { retryAfterMs: info.retryAfterMs }),
      });
  }
}
