import { AuthError, PermanentError, RateLimitedError, RetryableError, type HubError } from '../../core/sdk';
import { DEFAULT_THROTTLE_WAIT_MS, THROTTLE_CODES } from './policy';

/**
 * The Graph API error shape: `{ error: { message, type, code, error_subcode, is_transient, error_user_title,
 * error_user_msg, fbtrace_id } }`, e.g. `{"message":"Invalid parameter","type":"OAuthException","code":100,
 * "error_subcode":2804016,"error_user_title":"User Parameter Not Hashed","error_user_msg":"The ct parameter isn’t
 * hashed…"}` (facebook/facebook-java-business-sdk#421). The user title and message say what is wrong with the data;
 * they are the reason a record dead-letters with.
 */
export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  is_transient?: boolean;
  error_user_title?: string;
  error_user_msg?: string;
  fbtrace_id?: string;
}

/** Meta's fix for a refused token, said in every AuthError of this connector. */
export const TOKEN_FIX =
  'Meta refused the access token: generate a new system-user token (Business Settings → Users → System users → ' +
  'Generate new token, with ads_management and leads_retrieval) and paste it into the connection (accessToken)';

/** An audience whose operation_status blocks edits (error 100, subcode 1713230; [doc] vendor-apis.md §5). */
export const AUDIENCE_LOCKED_SUBCODE = 1713230;

export function graphErrorOf(body: unknown): GraphError | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const e = (body as { error?: unknown }).error;
  return typeof e === 'object' && e !== null ? (e as GraphError) : undefined;
}

/**
 * What Meta said, in one line: the user-facing title and message when there are, else the technical message; then
 * the code and subcode, and the fbtrace_id Meta support asks for when a refusal has to be taken up with them.
 */
export function describe(error: GraphError | undefined): string {
  if (error === undefined) return 'no error body';
  const user = [error.error_user_title, error.error_user_msg].filter((s) => typeof s === 'string' && s !== '');
  const code = `code ${error.code ?? '?'}${error.error_subcode === undefined ? '' : `/${error.error_subcode}`}`;
  const trace =
    typeof error.fbtrace_id === 'string' && /^[\w+/=-]{1,64}$/.test(error.fbtrace_id)
      ? ` [fbtrace_id ${error.fbtrace_id}]`
      : '';
  return `${user.length > 0 ? user.join(': ') : (error.message ?? 'error')} (${code})${trace}`;
}

/** The Graph error a typed error was made from (subcodes decide, never message text). */
const sources = new WeakMap<HubError, GraphError>();
export function graphErrorFrom(error: unknown): GraphError | undefined {
  return typeof error === 'object' && error !== null ? sources.get(error as HubError) : undefined;
}

/** Turns a failed Graph response into the typed error the runner acts on. */
export function classify(
  where: string,
  status: number,
  error: GraphError | undefined,
  redact: (s: string) => string,
  waitMs: number | undefined,
): HubError {
  const typed = typedError(where, status, error, redact, waitMs);
  if (error !== undefined) sources.set(typed, error);
  return typed;
}

function typedError(
  where: string,
  status: number,
  error: GraphError | undefined,
  redact: (s: string) => string,
  waitMs: number | undefined,
): HubError {
  const base = redact(`Meta ${where} failed (${status}): ${describe(error)}`);
  const code = error?.code;
  if (code !== undefined && THROTTLE_CODES.has(code))
    return new RateLimitedError(`${base}; Meta is throttling, backing off`, waitMs ?? DEFAULT_THROTTLE_WAIT_MS, {
      status,
    });
  if (status === 429) return new RateLimitedError(base, waitMs ?? DEFAULT_THROTTLE_WAIT_MS, { status });
  if (code === 190 || code === 102 || status === 401) return new AuthError(`${base}. ${TOKEN_FIX}`, { status });
  if (code === 10 || (code !== undefined && code >= 200 && code < 300))
    return new PermanentError(
      `${base}. The token lacks a permission on this object: give the system user access to it in Business Settings`,
      { status },
    );
  if (error?.is_transient === true || code === 1 || code === 2 || status >= 500)
    return new RetryableError(base, { status, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) });
  return new PermanentError(base, { status });
}
