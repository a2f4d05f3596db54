import {
  AuthError,
  ConfigError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  type HubError,
} from '../../core/sdk';

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
const RECORD_FAULTS = [
  'ValidationError',
  'UserError',
  'RedirectWarning',
  'MissingError',
  'ValueError',
  'IntegrityError',
  'UniqueViolation',
  'ForeignKeyViolation',
  'NotNullViolation',
  'CheckViolation',
];

/**
 * Exceptions that say "not now": the database could not serialize the call or take a lock (Odoo has already retried
 * those itself), or the database connection failed. Odoo's transaction rolled back, so they are retried. JSON-2 sends
 * them as 5xx; a JSON-RPC fault has no status, so the name alone decides.
 */
const TRANSIENT_FAULTS = [
  'SerializationFailure',
  'TransactionRollbackError',
  'DeadlockDetected',
  'LockNotAvailable',
  'ConcurrencyError',
  'OperationalError',
  'InterfaceError',
  'PoolError',
];

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

/**
 * A call Odoo certainly did not apply, so sending it again cannot apply it twice: it never left (see `neverSent`),
 * or Odoo itself answered it with a fault — each call is one transaction, rolled back when it raises, and the fault
 * is only written after that. `createOrders` retries these automatically; any other retryable failure of a create
 * may have been applied and is confirmed by a look-up (or goes to manual review).
 */
export class NotAppliedError extends RetryableError {}

/**
 * Socket error codes that mean the request never reached the server: the TCP connection was refused or had no
 * route (nothing listening, host or network unreachable), the name did not resolve, or TLS failed during the
 * handshake (a certificate refused, a protocol error) — application data only flows after the handshake. Anything
 * else (a timeout, ECONNRESET, EPIPE, "socket hang up") may come after the request was written and is not here:
 * a reset can also be a pooled keep-alive socket that the server closed unread, but it cannot be told apart.
 */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Whether the socket error the outbound door reported (the `cause` of its RetryableError: a Node system error with
 * a `code`, or an AggregateError of every address tried) certainly left nothing on the wire.
 */
export function neverSent(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const errors = (cause as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) return errors.every(neverSent);
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && (NEVER_SENT.has(code) || code.startsWith('ERR_SSL_'));
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
  // a database name the server does not have: JSON-RPC faults psycopg2's "database "x" does not exist" (an
  // OperationalError, otherwise retryable), JSON-2 answers 404 "database not found"
  if (/\bdatabase\b.*\b(does not exist|not found)\b/i.test(fault?.message ?? ''))
    return new ConfigError(
      `${base}. The server has no such database: check the database setting (the name shown in Odoo's database selector or in Settings → About)`,
      { field: 'database', ...(status > 0 ? { status } : {}) },
    );
  if (status === 401 || kind === 'AccessDenied' || kind === 'SessionExpiredException')
    return new AuthError(`${base}. ${KEY_FIX}`, { status: status || 401 });
  // 429 (RFC 6585 §4) and 503 (RFC 9110 §15.6.4) refuse a request rather than report on one: a proxy's rate limit
  // (nginx's limit_req answers 503 unless told otherwise), no upstream available, a server in maintenance. Decided:
  // both count as refused before the call ran, so createOrders retries them without a look-up (rate_limited, as before)
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
  if (status === 404 || kind === 'NotFound')
    return new PermanentError(`${base}. The model or method is not on this database (is the app installed?)`, {
      status: status || 404,
    });
  if (status >= 500 || status === 408 || TRANSIENT_FAULTS.includes(kind)) {
    const options = { status: status || 500, retryAfterMs: retryAfterMs ?? RETRY_WAIT_MS };
    // Odoo's own fault (a name, e.g. a 500 with odoo.exceptions… or a serialization failure): written after its
    // transaction rolled back. A 5xx without one (502/504 from a proxy, a bare 500) may come after Odoo applied it
    return fault?.name === undefined ? new RetryableError(base, options) : new NotAppliedError(base, options);
  }
  return new PermanentError(base, { status: status || 400 });
}

/** Seconds from a Retry-After header, as ms; undefined when absent or not a number of seconds. */
export function retryAfterOf(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
