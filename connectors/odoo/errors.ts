import { AuthError, PermanentError, RateLimitedError, RetryableError, type HubError } from '../../core/sdk';

/**
 * Odoo's error shapes, one classifier for both transports.
 * - JSON-2 (19+): 4xx/5xx with `{ name, message, arguments, context, debug }`.
 * - JSON-RPC: HTTP 200 with `{ error: { code, message, data: { name, message, arguments, context, debug } } }`.
 * `name` is the Python exception's dotted path (odoo.exceptions.ValidationError, …); `debug` is a server traceback
 * and is never copied into a message.
 * [doc] odoo/documentation content/developer/reference/external_api.rst and external_rpc_api.rst
 */
export interface OdooFault {
  name?: string;
  message?: string;
  arguments?: unknown[];
}

/** What the user does about a refused key: said in every AuthError of this connector. */
export const KEY_FIX =
  'Odoo refused the API key: keys expire after at most 3 months and can be revoked. Generate a new one in Odoo ' +
  '(Preferences → Account Security → New API Key) and paste it into the connection settings (apiKey)';

const RETRY_WAIT_MS = 5_000;

/** Exceptions that say the record is wrong: the record goes to the ledger with Odoo's own words. */
const RECORD_FAULTS = ['ValidationError', 'UserError', 'MissingError', 'ValueError', 'IntegrityError'];

function short(name: string | undefined): string {
  return (name ?? '').split('.').pop() ?? '';
}

export function faultFrom(value: unknown): OdooFault | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  return {
    ...(typeof v.name === 'string' ? { name: v.name } : {}),
    ...(typeof v.message === 'string' ? { message: v.message } : {}),
    ...(Array.isArray(v.arguments) ? { arguments: v.arguments } : {}),
  };
}

/** Turns an HTTP status (0 for a JSON-RPC fault) and Odoo fault into the typed error the runner acts on. */
export function classify(
  where: string,
  status: number,
  fault: OdooFault | undefined,
  redact: (s: string) => string,
  retryAfterMs?: number,
): HubError {
  const kind = short(fault?.name);
  const said = fault?.message ? `: ${fault.message}` : '';
  const base = redact(`Odoo ${where} failed${status > 0 ? ` (${status})` : ''}${kind ? ` ${kind}` : ''}${said}`);
  if (status === 401 || kind === 'AccessDenied' || kind === 'SessionExpiredException')
    return new AuthError(`${base}. ${KEY_FIX}`, { status: status || 401 });
  if (status === 429 || status === 503)
    return new RateLimitedError(
      `${base}: Odoo (or its proxy) is throttling, backing off`,
      retryAfterMs ?? RETRY_WAIT_MS,
      {
        status,
      },
    );
  if (kind === 'AccessError' || status === 403)
    return new PermanentError(
      `${base}. The API key's user lacks the access right: grant it in Odoo or use another user`,
      {
        status: status || 403,
      },
    );
  if (RECORD_FAULTS.includes(kind) || status === 422) return new PermanentError(base, { status: status || 422 });
  if (status === 404)
    return new PermanentError(`${base}. The model or method is not on this database (is the app installed?)`, {
      status,
    });
  if (status >= 500 || status === 408 || kind === 'SerializationFailure' || kind === 'TransactionRollbackError')
    return new RetryableError(base, { status: status || 500, retryAfterMs: retryAfterMs ?? RETRY_WAIT_MS });
  return new PermanentError(base, { status: status || 400 });
}

/** Seconds from a Retry-After header, as ms; undefined when absent or not a number of seconds. */
export function retryAfterOf(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
