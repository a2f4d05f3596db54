import { Type, type Static } from '@sinclair/typebox';

/**
 * The hub's configuration, one schema: environment variables are read into this shape,
 * command-line flags override them, and ajv validates the result at start-up.
 */
export const LogLevel = Type.Union([
  Type.Literal('fatal'),
  Type.Literal('error'),
  Type.Literal('warn'),
  Type.Literal('info'),
  Type.Literal('debug'),
  Type.Literal('trace'),
  Type.Literal('silent'),
]);

export const HubConfig = Type.Object(
  {
    dataDir: Type.String({
      minLength: 1,
      description: 'Folder for the SQLite store, the generated key file and exports',
    }),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'TCP port of the HTTP server' }),
    host: Type.String({ minLength: 1, description: 'Interface the HTTP server listens on' }),
    databaseUrl: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'a postgres:// URL; absent → SQLite in the data dir' }),
    ),
    databasePrepared: Type.Boolean({
      description:
        'on/off: PostgreSQL statements of the runner as named prepared statements (off behind a pooler in transaction mode)',
    }),
    redisUrl: Type.Optional(
      Type.String({ pattern: '^rediss?://', description: 'a redis:// URL; absent → embedded queue' }),
    ),
    encryptionKey: Type.Optional(
      Type.String({
        minLength: 1,
        description: '32 bytes as base64 or 64 hex characters (or id:key,id:key for a keyring)',
      }),
    ),
    plugins: Type.Array(Type.String({ minLength: 1 }), { description: 'npm package names or local paths' }),
    sandbox: Type.Boolean({ description: 'on/off: start the local vendor sandboxes' }),
    logLevel: LogLevel,
    mappingsDir: Type.String({ minLength: 1 }),
    flowsDir: Type.String({ minLength: 1 }),
    citySynonymsFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'JSON file { "Canonical": ["synonym", …] } merged into the city table',
      }),
    ),
    publicUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'Public base URL of the hub (webhook signatures that cover the URL)',
      }),
    ),
    allowPrivateHosts: Type.Array(Type.String({ minLength: 1 }), {
      description: 'Hosts or CIDR ranges on private networks that outbound requests may reach (on-premise systems)',
    }),
    corsOrigins: Type.Array(Type.String({ pattern: '^https?://' }), {
      description: 'Origins allowed to call the API from a browser; empty → CORS off',
    }),
    queueLockMs: Type.Optional(
      Type.Integer({
        minimum: 1000,
        maximum: 3_600_000,
        description:
          "How long a run job stays locked to its worker without a heartbeat, in ms: a killed worker's run is taken up by another worker after at most this (BullMQ lockDuration, stalled check every half of it; the embedded queue's lease). Default 30000",
      }),
    ),
    queuePrefix: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.:{}-]{0,63}$',
        description:
          'Prefix of the Redis keys of the queue and the rate budgets, so two hubs can share one Redis. Default hub',
      }),
    ),
    filesRoot: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Comma-separated folders the file connector may read and write (default <data dir>/files; ./imports is always allowed)',
      }),
    ),
    defaultCountry: Type.String({
      pattern: '^[A-Z]{2}$',
      description: 'ISO 3166-1 alpha-2 country for phone numbers without a prefix',
    }),
  },
  { additionalProperties: false },
);
export type HubConfig = Static<typeof HubConfig>;

/** Each environment variable, the config key it fills, and what a newcomer must write there. */
export const ENV_VARIABLES = {
  HUB_DATA_DIR: { key: 'dataDir', expects: 'a folder path', fallback: './data' },
  HUB_PORT: { key: 'port', expects: 'a port number from 0 to 65535', fallback: '3000' },
  HUB_HOST: {
    key: 'host',
    expects: 'an IP address of this machine to listen on: 127.0.0.1, 0.0.0.0 (every interface), ::, or localhost',
    fallback: '127.0.0.1',
  },
  HUB_DATABASE_URL: {
    key: 'databaseUrl',
    expects: 'a postgres:// URL (leave it unset for SQLite)',
    fallback: undefined,
  },
  HUB_DATABASE_PREPARED: {
    key: 'databasePrepared',
    expects: '"on" or "off" ("off" behind a connection pooler in transaction mode, e.g. PgBouncer)',
    fallback: 'on',
  },
  HUB_REDIS_URL: {
    key: 'redisUrl',
    expects: 'a redis:// or rediss:// URL (leave it unset for the embedded queue)',
    fallback: undefined,
  },
  HUB_ENCRYPTION_KEY: { key: 'encryptionKey', expects: '32 bytes as base64 or 64 hex characters', fallback: undefined },
  HUB_PLUGINS: { key: 'plugins', expects: 'comma-separated npm package names or paths', fallback: '' },
  HUB_SANDBOX: { key: 'sandbox', expects: '"on" or "off"', fallback: 'on' },
  HUB_LOG_LEVEL: {
    key: 'logLevel',
    expects: 'one of fatal, error, warn, info, debug, trace, silent',
    fallback: 'info',
  },
  HUB_MAPPINGS_DIR: { key: 'mappingsDir', expects: 'a folder path', fallback: undefined },
  HUB_FLOWS_DIR: { key: 'flowsDir', expects: 'a folder path', fallback: undefined },
  HUB_CITY_SYNONYMS: {
    key: 'citySynonymsFile',
    expects: 'a path to a JSON file of city synonyms',
    fallback: undefined,
  },
  HUB_PUBLIC_URL: { key: 'publicUrl', expects: 'an http(s):// URL where vendors reach this hub', fallback: undefined },
  HUB_ALLOW_PRIVATE_HOSTS: {
    key: 'allowPrivateHosts',
    expects: 'comma-separated host names or CIDR ranges, e.g. erp.internal,10.20.0.0/16',
    fallback: '',
  },
  HUB_CORS_ORIGINS: {
    key: 'corsOrigins',
    expects: 'comma-separated origins such as https://admin.example.com (leave unset to keep CORS off)',
    fallback: '',
  },
  HUB_QUEUE_LOCK_MS: {
    key: 'queueLockMs',
    expects: 'a whole number of milliseconds from 1000 to 3600000 (default 30000)',
    fallback: undefined,
  },
  HUB_QUEUE_PREFIX: {
    key: 'queuePrefix',
    expects: 'up to 64 letters, digits or _ . : - { } starting with a letter or digit, e.g. hub-staging (default hub)',
    fallback: undefined,
  },
  HUB_FILES_ROOT: {
    key: 'filesRoot',
    expects: 'comma-separated folder paths (default <data dir>/files; ./imports is always allowed)',
    fallback: undefined,
  },
  HUB_DEFAULT_COUNTRY: {
    key: 'defaultCountry',
    expects: 'a two-letter ISO 3166-1 country code such as RU or US',
    fallback: 'RU',
  },
} as const satisfies Record<string, { key: keyof HubConfig; expects: string; fallback: string | undefined }>;
