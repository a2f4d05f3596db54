import pino, { type Logger, type LevelWithSilent } from 'pino';
import { redactSecrets, redactVendorText, registerSecret } from '../security/redact';

/** Field names whose values never reach a log line, wherever they sit in a logged object. */
const SECRET_KEYS = [
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'authorization',
  'Authorization',
  'cookie',
  'settings',
  'encryptionKey',
  'privateKey',
  'private_key',
  'passphrase',
];
/** Personal data fields; masked in logs (records are logged by key, never in full). */
const PERSONAL_KEYS = [
  'email',
  'phone',
  'phoneNumber',
  'mobile',
  'firstName',
  'lastName',
  'givenName',
  'familyName',
  'fullName',
  'address',
  'street',
  'postalCode',
  'dateOfBirth',
  'birthDate',
  'ip',
  'ipAddress',
];

const REDACT_PATHS = [...SECRET_KEYS, ...PERSONAL_KEYS]
  .flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers.${k.toLowerCase()}`])
  .concat(['headers["x-api-key"]', '*.headers["x-api-key"]']);

/**
 * Values known to be secret at run time (decrypted connection settings, the encryption key) are registered with
 * the redaction module: every serialised log line is scrubbed of them in their raw, base64 (alone or as
 * `user:secret`), URL-encoded and JSON-escaped forms, and credential headers echoed in a message are masked, so even
 * a secret inside an error message or an unexpected field cannot reach the logs.
 */
export function registerSecretValue(value: unknown): void {
  registerSecret(value);
}

/** Every known secret, in each of its derived forms, replaced by "[secret]" (API and CLI output, stored text). */
export function scrubSecrets(line: string): string {
  return redactSecrets(line);
}

export type HubLogger = Logger;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; defaults to stderr so command output on stdout stays machine-readable. */
  destination?: pino.DestinationStream;
}

/**
 * Where loggers created without an explicit destination write. The CLI (core/cli/main.ts) sets it per command:
 * one readable line per message (`warning: …`) for people, JSON lines (the default) for `--verbose`, for `hub serve`
 * and `hub worker` off a terminal, and for log collectors.
 */
let defaultDestination: (() => pino.DestinationStream) | undefined;

export function setDefaultLogDestination(make: (() => pino.DestinationStream) | undefined): void {
  defaultDestination = make;
}

const LEVEL_WORDS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** Turns pino's JSON lines into `warning: message (detail)` lines for a person; `write` gets each line. */
export function humanLogDestination(write: (line: string) => void): pino.DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        write(line);
        return;
      }
      const level = LEVEL_WORDS[Number(entry.level)] ?? 'log';
      const err = entry.err;
      const detail =
        typeof err === 'string'
          ? err
          : typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string'
            ? (err as { message: string }).message
            : undefined;
      const message = typeof entry.msg === 'string' ? entry.msg : '';
      write(`${level}: ${message}${detail !== undefined && !message.includes(detail) ? ` (${detail})` : ''}\n`);
    },
  };
}

export function createLogger(options: LoggerOptions = {}): HubLogger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'connector-hub' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: (line) => redactVendorText(line) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? defaultDestination?.() ?? pino.destination({ fd: 2, sync: true }),
  );
}
