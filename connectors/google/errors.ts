import { AuthError, PermanentError, RateLimitedError, RetryableError, type HubError } from '../../core/sdk';
import { DEFAULT_RATE_WAIT_MS } from './policy';

/**
 * Google's error shape, the same on both APIs ([doc] developers.google.com/data-manager/api/devguides/concepts/
 * understand-errors; cloud.google.com/apis/design/errors): `{ error: { code, message, status, details[] } }` with
 * `status` a google.rpc.Code name (INVALID_ARGUMENT, RESOURCE_EXHAUSTED, …) and `details` typed payloads:
 * `google.rpc.BadRequest` (`fieldViolations[{ field, description }]`), `google.rpc.ErrorInfo` (`reason`),
 * `google.rpc.RetryInfo` (`retryDelay: "30s"`), `google.rpc.RequestInfo`; the Google Ads API adds
 * `GoogleAdsFailure` (`errors[{ errorCode, message }]`).
 */
export interface GoogleStatus {
  code?: number;
  status?: string;
  message?: string;
  details?: Record<string, unknown>[];
}

export interface FieldViolation {
  field: string;
  description: string;
}

export function statusOf(body: unknown): GoogleStatus | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as Record<string, unknown>;
  return {
    ...(typeof e.code === 'number' ? { code: e.code } : {}),
    ...(typeof e.status === 'string' ? { status: e.status } : {}),
    ...(typeof e.message === 'string' ? { message: e.message } : {}),
    ...(Array.isArray(e.details) ? { details: e.details as Record<string, unknown>[] } : {}),
  };
}

const typed = (status: GoogleStatus | undefined, suffix: string) =>
  (status?.details ?? []).filter((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(suffix));

/** `google.rpc.BadRequest` field violations, e.g. `{ field: "events[3].ad_identifiers.gclid", description }`. */
export function fieldViolations(status: GoogleStatus | undefined): FieldViolation[] {
  return typed(status, 'google.rpc.BadRequest').flatMap((d) =>
    Array.isArray(d.fieldViolations)
      ? (d.fieldViolations as Record<string, unknown>[]).map((v) => ({
          field: String(v.field ?? ''),
          description: String(v.description ?? ''),
        }))
      : [],
  );
}

/** The wait `google.rpc.RetryInfo` asks for (`retryDelay` "12s" or "1.5s"), in ms. */
export function retryDelayMs(status: GoogleStatus | undefined): number | undefined {
  for (const d of typed(status, 'google.rpc.RetryInfo')) {
    const delay = d.retryDelay;
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (match) return Math.round(Number(match[1]) * 1000);
  }
  return undefined;
}

/** The first reason named by an ErrorInfo or a GoogleAdsFailure error code, for the message. */
function reasonOf(status: GoogleStatus | undefined): string | undefined {
  const info = typed(status, 'google.rpc.ErrorInfo')[0];
  if (typeof info?.reason === 'string') return info.reason;
  const ads = typed(status, 'GoogleAdsFailure')[0];
  const first = Array.isArray(ads?.errors) ? (ads.errors as Record<string, unknown>[])[0] : undefined;
  const code = first?.errorCode;
  if (typeof code === 'object' && code !== null) {
    const [[kind, value] = []] = Object.entries(code);
    if (kind !== undefined) return `${kind}.${String(value)}`;
  }
  return undefined;
}

const AUTH_FIX =
  'Google refused the credentials: reconnect the connection (sign in again with an account that can access the ' +
  'Google Ads account, granting the datamanager and adwords scopes)';

/** Turns a failed Google response into the typed error the runner acts on. */
export function classify(
  where: string,
  httpStatus: number,
  body: unknown,
  redact: (s: string) => string,
  retryAfterMs?: number,
): HubError {
  const status = statusOf(body);
  const reason = reasonOf(status);
  const said = status?.message ? `: ${status.message}` : '';
  const base = redact(
    `Google ${where} failed (${httpStatus}${status?.status ? ` ${status.status}` : ''}${reason ? `, ${reason}` : ''})${said}`,
  );
  if (httpStatus === 401 || status?.status === 'UNAUTHENTICATED') return new AuthError(`${base}. ${AUTH_FIX}`);
  if (httpStatus === 429 || status?.status === 'RESOURCE_EXHAUSTED')
    return new RateLimitedError(
      `${base}: the project's quota (300 requests/min) is spent, backing off`,
      retryDelayMs(status) ?? retryAfterMs ?? DEFAULT_RATE_WAIT_MS,
      { status: httpStatus },
    );
  if (httpStatus === 403 || status?.status === 'PERMISSION_DENIED')
    return new AuthError(
      `${base}. The signed-in Google account has no access to this Google Ads account (operatingAccountId, ` +
        'loginAccountId) or the API is not enabled in the Cloud project, or the developer token is not approved',
      { status: httpStatus },
    );
  if (httpStatus >= 500 || httpStatus === 408 || status?.status === 'UNAVAILABLE' || status?.status === 'ABORTED')
    return new RetryableError(base, {
      status: httpStatus,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  if (httpStatus === 404)
    return new PermanentError(
      `${base}. Check the ids in the settings (operatingAccountId, conversionActionId, userListId) and the API version`,
      { status: httpStatus },
    );
  return new PermanentError(base, { status: httpStatus });
}
