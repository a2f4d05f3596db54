import pino, { type Logger, type LevelWithSilent } from 'pino';

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
 * Values known to be secret at run time (decrypted connection settings, the encryption key).
 * Every serialised log line is scrubbed of them, so even a secret inside an error message or an
 * unexpected field cannot reach the logs.
 */
const knownSecrets = new Set<string>();

export function registerSecretValue(value: unknown): void {
  if (typeof value === 'string' && value.length >= 4) knownSecrets.add(value);
}

export function scrubSecrets(line: string): string {
  let out = line;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('[secret]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('[secret]');
  }
  return out;
}

export type HubLogger = Logger;

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where lines go; defaults to stderr so command output on stdout stays machine-readable. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): HubLogger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'connector-hub' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: { streamWrite: scrubSecrets },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}
