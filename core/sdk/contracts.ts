import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The data half of the connector contract, as JSON Schemas (TypeBox). TypeScript types are derived
 * from these schemas; the registry validates every connector definition against them, so a plugin
 * with a malformed definition is refused with a message naming the field.
 */

export const CONNECTOR_ID_PATTERN = '^[a-z][a-z0-9-]{1,49}$';
export const NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9_]{0,63}$';

export const Category = Type.Union([
  Type.Literal('crm'),
  Type.Literal('erp'),
  Type.Literal('ads'),
  Type.Literal('email'),
  Type.Literal('other'),
]);
export type Category = Static<typeof Category>;

/** How long to wait, read from a vendor response (e.g. `Retry-After: 10`, `X-RateLimit-Reset: <epoch>`). */
export const RetryAfterRule = Type.Object(
  {
    header: Type.String({ minLength: 1, description: 'Response header that carries the wait, e.g. retry-after' }),
    unit: Type.Union(
      [Type.Literal('seconds'), Type.Literal('milliseconds'), Type.Literal('http-date'), Type.Literal('epoch-seconds')],
      {
        description: 'How the header value is written',
      },
    ),
  },
  { additionalProperties: false },
);
export type RetryAfterRule = Static<typeof RetryAfterRule>;

export const RateBudget = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, description: 'Requests allowed per interval, across all workers' }),
    intervalMs: Type.Integer({ minimum: 1, description: 'Length of the interval in milliseconds' }),
  },
  { additionalProperties: false },
);
export type RateBudget = Static<typeof RateBudget>;

/**
 * A per-endpoint limit beside the connection's main budget (HubSpot search: 5 per second beside 190 per 10 s). The
 * runner holds the main budget around every call; a connector takes a lane's slot itself, through
 * `connection.budget.acquire(lane)`, around each request to that endpoint. Lanes are shared by every worker.
 */
export const Lane = Type.Object(
  {
    requests: Type.Integer({ minimum: 1, description: 'Requests allowed per interval on this lane' }),
    intervalMs: Type.Integer({ minimum: 1, description: 'Length of the interval in milliseconds' }),
    concurrency: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Requests in flight at once on this lane (default: unbounded)' }),
    ),
  },
  { additionalProperties: false },
);
export type Lane = Static<typeof Lane>;

export const LANE_NAME_PATTERN = '^[a-z][a-zA-Z0-9_-]{0,31}$';

const lanes = () =>
  Type.Optional(
    Type.Record(Type.String({ pattern: LANE_NAME_PATTERN }), Lane, {
      description: 'Per-endpoint limits beside the main budget, by lane name',
    }),
  );

/**
 * The budget of one connection, which a connector may compute from the connection's settings
 * (`ConnectorDefinition.policyFor`): account tier, per-account or per-project limits. `rateBudget` and
 * `concurrency` replace the static policy's for that connection, `lanes` are merged over its lanes by name; the
 * runner checks the result against this schema.
 */
export const ConnectionPolicy = Type.Object(
  {
    rateBudget: Type.Optional(RateBudget),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, description: 'Requests in flight at once' })),
    lanes: lanes(),
  },
  { additionalProperties: false },
);
export type ConnectionPolicy = Static<typeof ConnectionPolicy>;

export const ApiPolicy = Type.Object(
  {
    rateBudget: RateBudget,
    concurrency: Type.Integer({ minimum: 1, description: 'Requests in flight at once per connection' }),
    lanes: lanes(),
    maxBatchSize: Type.Optional(
      Type.Record(Type.String({ pattern: NAME_PATTERN }), Type.Integer({ minimum: 1 }), {
        description:
          'Largest batch each action accepts, by action name: the older place; declare `maxBatchSize` on the action instead',
      }),
    ),
    retryStatuses: Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), {
      description: 'HTTP statuses that are worth retrying (429 is always treated as rate limited)',
    }),
    retryAfter: Type.Array(RetryAfterRule, { description: 'Where to read the wait from a response, first match wins' }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Timeout of one outbound request' })),
  },
  { additionalProperties: false },
);
export type ApiPolicy = Static<typeof ApiPolicy>;

/**
 * Optional connection setting `retry`: how the runner retries this connection's retryable failures. A connector
 * that lets users tune it adds `retry: Type.Optional(RetrySettings)` to its settings schema.
 */
export const RetrySettings = Type.Object(
  {
    maxElapsedMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: 'How long to keep retrying, the backoff waits added up (default 5 min)',
      }),
    ),
    baseMs: Type.Optional(Type.Integer({ minimum: 1, description: 'First backoff wait; doubles each attempt' })),
    maxMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Longest single backoff wait (default 60 s)' })),
  },
  { additionalProperties: false, description: 'Retries of retryable failures (exponential backoff with jitter)' },
);
export type RetrySettings = Static<typeof RetrySettings>;

/** A JSON value as stored in checkpoints. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export const JsonValue = Type.Unsafe<Json>({ description: 'Any JSON value' });

/** One page a stream yields: its records and the checkpoint that is true once they are all recorded. */
export const PageSchema = Type.Object(
  {
    records: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    checkpoint: Type.Union([JsonValue, Type.Null()]),
    rejected: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  },
  { additionalProperties: false },
);
export interface Page<R = Record<string, unknown>> {
  records: R[];
  /** Opaque to the runner; stored only after every record before it is recorded, handed back to the next read. */
  checkpoint: Json | null;
  /** Rows of this page the stream could not read as records (e.g. a malformed CSV line): each becomes a dead letter. */
  rejected?: RejectedRecord[];
}

/** A source row a stream could not turn into a record: dead-lettered with its reason while the read goes on. */
export interface RejectedRecord {
  reason: string;
  /** What locates the row in the source and shows it (e.g. `{ line, raw }`): stored as the dead letter's source. */
  source: { [key: string]: Json };
  field?: string;
}

/** One record read again for a replay (`StreamDefinition.refetch`), in the order asked. */
export type Refetched<R = Record<string, unknown>> =
  /** The source's current version of the record. */
  | { status: 'found'; record: R }
  /** The row is still unreadable (e.g. still malformed): the dead letter keeps it with the new reason. */
  | { status: 'rejected'; reason: string; source?: { [key: string]: Json } }
  /** The source no longer has the record (deleted, the line is gone). */
  | { status: 'missing'; reason: string }
  /** This stored record carries nothing to find it by: the replay uses the stored copy. */
  | { status: 'unsupported' };

export const WriteOutcome = Type.Union([
  Type.Object(
    {
      status: Type.Literal('ok'),
      targetId: Type.String({ minLength: 1, description: 'Id of the record in the target system' }),
      operation: Type.Optional(Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('deleted')])),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('skipped'),
      reason: Type.Optional(Type.String()),
      targetId: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      status: Type.Literal('failed'),
      failure: Type.Union([Type.Literal('retryable'), Type.Literal('permanent')]),
      reason: Type.String({ minLength: 1 }),
      field: Type.Optional(Type.String()),
      retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  /**
   * SDK 1.2: the write may or may not have been applied and the connector could not find out (the create call got
   * no answer and the look-up by the hub's key failed too). The runner sends the record to manual review
   * (`hub runs review`), never to the dead-letter ledger: no run writes it again until a person resolves it as
   * done (it was applied) or retry (it was not). Counted neither as written nor as failed.
   */
  Type.Object(
    {
      status: Type.Literal('unconfirmed'),
      reason: Type.String({
        minLength: 1,
        description: 'What could not be confirmed and what to look for in the target',
      }),
    },
    { additionalProperties: false },
  ),
]);
export type WriteOutcome = Static<typeof WriteOutcome>;

/** The descriptive part of a stream, validated by the registry. */
export const StreamInfo = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN }),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  recordSchema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of one record' }),
  identity: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Field(s) that identify a record' }),
  modifiedField: Type.Optional(Type.String({ minLength: 1, description: 'Field with the source modification time' })),
});
export type StreamInfo = Static<typeof StreamInfo>;

export const ActionInfo = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN }),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  recordSchema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of one input record' }),
  mode: Type.Union([Type.Literal('upsert'), Type.Literal('delete'), Type.Literal('erase'), Type.Literal('append')], {
    description:
      'upsert, delete (ordinary, e.g. archive: the only delete mirror mode uses), erase (GDPR: permanent and irreversible; never used by mirror mode), append',
  }),
  identity: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  maxBatchSize: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Largest number of records the action accepts in one call' }),
  ),
  idempotent: Type.Optional(
    Type.Boolean({
      description:
        'false: sending a record twice has two effects (an order created without a vendor-side key); after a crash mid-write such records go to manual review instead of being sent again. Default true',
    }),
  ),
  replace: Type.Optional(
    Type.Boolean({
      description:
        "true: the action replaces the target's whole set (an audience) with what a run sends: every run reads the whole source and sends every record as one session; members the source no longer has leave the set. Default false",
    }),
  ),
});
export type ActionInfo = Static<typeof ActionInfo>;

export const WebhookInfo = Type.Object({
  name: Type.String({ pattern: NAME_PATTERN }),
  description: Type.Optional(Type.String()),
  stream: Type.Optional(Type.String({ description: 'Stream whose records the events carry' })),
});
export type WebhookInfo = Static<typeof WebhookInfo>;

export const ConnectorInfo = Type.Object({
  id: Type.String({ pattern: CONNECTOR_ID_PATTERN }),
  displayName: Type.String({ minLength: 1 }),
  version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+].*)?$' }),
  category: Category,
  description: Type.Optional(Type.String()),
  settingsSchema: Type.Record(Type.String(), Type.Unknown(), {
    description: 'JSON Schema of the connection settings; secret properties carry "x-secret": true',
  }),
  policy: ApiPolicy,
  streams: Type.Array(StreamInfo),
  actions: Type.Array(ActionInfo),
  webhooks: Type.Array(WebhookInfo),
});
export type ConnectorInfo = Static<typeof ConnectorInfo>;

/** The `connectorHub` block in a plugin's package.json. */
export const PluginManifest = Type.Object(
  {
    export: Type.String({
      minLength: 1,
      description: 'Name of the export that holds the connector definition (or "default")',
    }),
    sdk: Type.String({
      minLength: 1,
      description: 'Semver range of the connector SDK the plugin was built for, e.g. ^1.0.0',
    }),
    entry: Type.Optional(
      Type.String({ description: 'Module to load, relative to the package; defaults to package.json "main"' }),
    ),
  },
  { additionalProperties: false },
);
export type PluginManifest = Static<typeof PluginManifest>;

/** Marks a settings property as secret: encrypted at rest, never shown in API responses, logs or errors. */
export function Secret<T extends TSchema>(schema: T): T {
  return { ...schema, 'x-secret': true } as T;
}

/**
 * Marks a settings property as deciding where the connection's secrets are sent (a base URL, a region or data
 * centre, an account host). Changing it clears the stored secrets of the connection unless new ones are given in
 * the same change, and only an admin may change it on a connection someone else created.
 */
export function Endpoint<T extends TSchema>(schema: T): T {
  return { ...schema, 'x-endpoint': true } as T;
}
