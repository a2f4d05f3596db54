import { Type, type Static } from '@sinclair/typebox';

/**
 * The flow definition: one source of truth (JSON Schema via TypeBox) for files, the store, the CLI and the API.
 * A flow reads `source.stream` from a connection, maps each record with `mapping`, and writes the result with
 * `target.action` on another connection.
 */

export const FLOW_NAME_PATTERN = '^[a-z0-9][a-z0-9._-]{0,79}$';

export const Trigger = Type.Union([
  Type.Object({ type: Type.Literal('manual') }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('schedule'),
      cron: Type.String({ minLength: 9, description: 'Cron expression, e.g. "*/15 * * * *"' }),
      timezone: Type.Optional(Type.String({ description: 'IANA time zone of the cron expression (default UTC)' })),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('webhook') }, { additionalProperties: false }),
]);
export type Trigger = Static<typeof Trigger>;

export const SyncMode = Type.Union([Type.Literal('upsert'), Type.Literal('mirror'), Type.Literal('append')], {
  description: 'upsert: create or update; mirror: upsert and delete what the source no longer has; append: events',
});
export type SyncMode = Static<typeof SyncMode>;

export const IdentityRule = Type.Object(
  {
    source: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Source record field(s) that identify the record (dot paths); default: the stream identity',
    }),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Field of the mapped record that finds the target record (e.g. email)',
      }),
    ),
    normalize: Type.Optional(
      Type.Literal('email', {
        description:
          'email: the identity is the normalised e-mail (trimmed, lowercased), so "Ann@X.com " and "ann@x.com" are one record; a value that is not a usable e-mail is set aside as a dead letter',
      }),
    ),
  },
  { additionalProperties: false },
);
export type IdentityRule = Static<typeof IdentityRule>;

export const ConflictPolicy = Type.Union([
  Type.Object({ policy: Type.Literal('last-writer-wins') }, { additionalProperties: false }),
  Type.Object(
    {
      policy: Type.Literal('field-ownership'),
      owns: Type.Array(Type.String({ minLength: 1 }), {
        description: 'Fields of the mapped record this flow may write (the source side owns them)',
      }),
    },
    { additionalProperties: false },
  ),
]);
export type ConflictPolicy = Static<typeof ConflictPolicy>;

export const FlowOptions = Type.Object(
  {
    batchSize: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Records per write; capped by the action maximum' }),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, description: 'Write batches in flight' })),
    maxAttempts: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 50, description: 'Attempts for retryable failures' }),
    ),
    lookbackMs: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Re-read window for sources with coarse cursors' }),
    ),
    onlyWritten: Type.Optional(
      Type.Boolean({
        description:
          'Write only records a flow of the same link group already wrote to the target (removals of what the hub added); the others are held with the reason and never sent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FlowOptions = Static<typeof FlowOptions>;

export const FlowDefinition = Type.Object(
  {
    name: Type.String({ pattern: FLOW_NAME_PATTERN }),
    title: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    source: Type.Object(
      {
        connection: Type.String({ minLength: 1, description: 'Connection name or id' }),
        stream: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    mapping: Type.Object(
      {
        id: Type.String({ minLength: 1, description: 'Mapping id (a folder in mappings/ or a stored mapping)' }),
        version: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    target: Type.Object(
      {
        connection: Type.String({ minLength: 1, description: 'Connection name or id' }),
        action: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    trigger: Trigger,
    mode: SyncMode,
    identity: Type.Optional(IdentityRule),
    /**
     * Flows that share a link group share what the hub knows about each record: which target record it is and what
     * was last written there (e.g. the additions and removals of one audience). A sync pair sets it in `sync`.
     */
    linkGroup: Type.Optional(Type.String({ minLength: 1 })),
    /** Present on the two flows of a sync pair: they share the link group and each has its conflict policy. */
    sync: Type.Optional(
      Type.Object(
        {
          linkGroup: Type.String({ minLength: 1 }),
          conflict: ConflictPolicy,
        },
        { additionalProperties: false },
      ),
    ),
    options: Type.Optional(FlowOptions),
  },
  { additionalProperties: false },
);
export type FlowDefinition = Static<typeof FlowDefinition>;
