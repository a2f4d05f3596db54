import {
  AuthError,
  RateLimitedError,
  classifyHttpFailure,
  readRetryAfter,
  type HeaderBag,
  type HubError,
} from '../../core/sdk';
import { hubspotPolicy } from './policy';

/**
 * What a failed HubSpot response means for the runner. 429 bodies name the limit that was hit (`policyName`,
 * `errorType`): the ten-secondly burst frees up within the interval HubSpot states in
 * X-HubSpot-RateLimit-Interval-Milliseconds, the secondly (search) limit within a second, the daily limit only at
 * the account's midnight, in a time zone we do not know, so the connection retries hourly.
 */

export interface HubSpotErrorBody {
  status?: string;
  message?: string;
  category?: string;
  errorType?: string;
  policyName?: string;
  correlationId?: string;
  context?: Record<string, string[]>;
}

export const TEN_SECONDLY_WAIT_MS = 10_000;
export const SECONDLY_WAIT_MS = 1_000;
export const DAILY_WAIT_MS = 60 * 60 * 1000;

function headerValue(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

export function asErrorBody(body: unknown): HubSpotErrorBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as HubSpotErrorBody) : {};
}

/**
 * How long a 429 asks us to wait, from a Retry-After header (`stated`), else the policy named in the body: at most
 * a whole window, which the client shortens to the window's real remainder when it has the shared budget.
 */
export function rateLimitWait(
  headers: HeaderBag,
  body: HubSpotErrorBody,
): { policy: string; waitMs: number; stated: boolean } {
  const policy = body.policyName ?? (body.message?.includes('secondly limit') ? 'SECONDLY' : 'UNKNOWN');
  const stated = readRetryAfter(hubspotPolicy, headers);
  if (stated !== undefined) return { policy, waitMs: stated, stated: true };
  switch (policy) {
    case 'SECONDLY':
      return { policy, waitMs: SECONDLY_WAIT_MS, stated: false };
    case 'DAILY':
      return { policy, waitMs: DAILY_WAIT_MS, stated: false };
    default: {
      const interval = Number(headerValue(headers, 'x-hubspot-ratelimit-interval-milliseconds'));
      const waitMs = Number.isFinite(interval) && interval > 0 ? interval : TEN_SECONDLY_WAIT_MS;
      return { policy, waitMs, stated: false };
    }
  }
}

export function rateLimited(policy: string, what: string, waitMs: number): RateLimitedError {
  return new RateLimitedError(`HubSpot rate limit ${policy} reached on ${what}`, waitMs, { status: 429 });
}

/** Removes the access token from a text that is about to become an error message or outcome reason. */
export function scrub(text: string, secrets: (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

/** The typed error of a failed response; `what` names the call ("search contacts"), never a credential. */
export function hubspotError(
  status: number,
  headers: HeaderBag,
  rawBody: unknown,
  what: string,
  secrets: (string | undefined)[],
): HubError {
  const body = asErrorBody(rawBody);
  const vendor = scrub(body.message ?? (typeof rawBody === 'string' ? rawBody : ''), secrets);
  if (status === 401) {
    return new AuthError(
      `HubSpot rejected the access token on ${what} (401): reconnect HubSpot, or check that the private app token is current`,
      { status },
    );
  }
  if (status === 403) {
    return new AuthError(
      `HubSpot refused ${what} (403): the token lacks a scope this needs; grant it to the app and reconnect. ${vendor}`.trim(),
      { status },
    );
  }
  if (status === 429) {
    const { policy, waitMs } = rateLimitWait(headers, body);
    return rateLimited(policy, what, waitMs);
  }
  const message = `HubSpot answered ${status} on ${what}${vendor ? `: ${vendor}` : ''}`;
  return classifyHttpFailure(hubspotPolicy, { status, headers }, message);
}
