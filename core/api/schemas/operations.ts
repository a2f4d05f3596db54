import { Type } from '@sinclair/typebox';
import { FlowDefinition } from '../../flows/schema';
import { FlowTemplate } from '../../flows/templates';
import { ErrorInfo } from '../../sdk/errors';
import { Id, Timestamp } from './common';

/** Flows, templates, runs, dead letters, the audit log and tokens as the API shows and accepts them. */

// ---- flows, templates, runs -----------------------------------------------------------------------------------

export const Flow = Type.Object(
  {
    id: Id('flw', 'Flow'),
    name: Type.String(),
    definition: FlowDefinition,
    enabled: Type.Boolean(),
    linkGroup: Type.Optional(Type.String()),
    template: Type.Optional(Type.String()),
    sourceConnectionId: Type.Optional(Type.String()),
    targetConnectionId: Type.Optional(Type.String()),
    createdAt: Timestamp('Created'),
    updatedAt: Timestamp('Last changed'),
  },
  { title: 'Flow' },
);

export const RunCounts = Type.Object(
  {
    read: Type.Integer(),
    unchanged: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    deleted: Type.Integer(),
    failed: Type.Integer(),
    deadLettered: Type.Integer(),
    held: Type.Optional(
      Type.Integer({
        description:
          'Records held back on purpose (no consent, skipped by the mapping, an erased identifier), with the reason ' +
          'in GET /runs/{runId}/records?outcome=held. They are counted among `unchanged` too.',
      }),
    ),
    review: Type.Optional(
      Type.Integer({
        description:
          'Writes the connector could not confirm, sent to manual review (GET /review-items) instead of the ' +
          'dead-letter ledger; the reason in GET /runs/{runId}/records?outcome=review. Neither written nor failed.',
      }),
    ),
  },
  { title: 'RunCounts' },
);

export const RunStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('partial'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

export const Run = Type.Object(
  {
    id: Id('run', 'Run'),
    flowId: Type.String(),
    status: RunStatus,
    trigger: Type.Union([
      Type.Literal('schedule'),
      Type.Literal('webhook'),
      Type.Literal('manual'),
      Type.Literal('replay'),
    ]),
    counts: RunCounts,
    error: Type.Optional(ErrorInfo),
    createdAt: Timestamp('Queued'),
    startedAt: Type.Optional(Timestamp('Started')),
    finishedAt: Type.Optional(Timestamp('Finished')),
  },
  { title: 'Run' },
);

export const FlowDetail = Type.Object(
  {
    ...Flow.properties,
    status: Type.Object({
      recentRuns: Type.Array(Run, { description: 'The last runs, newest first' }),
      totals: RunCounts,
      byStatus: Type.Record(Type.String(), Type.Integer()),
      pendingDeadLetters: Type.Integer(),
      nextRunAt: Type.Optional(Timestamp('Next scheduled run')),
    }),
  },
  { title: 'FlowDetail' },
);

export const Template = Type.Object(
  { id: Type.String({ description: 'The template name' }), ...FlowTemplate.properties },
  { title: 'Template' },
);

export const RunFailure = Type.Object(
  {
    id: Type.String(),
    runId: Type.String(),
    recordKey: Type.String(),
    reason: Type.String(),
    failureKind: Type.String(),
    field: Type.Optional(Type.String()),
    createdAt: Timestamp('Recorded'),
  },
  { title: 'RunFailure' },
);

export const RunDetail = Type.Object(
  {
    ...Run.properties,
    flowName: Type.Optional(Type.String()),
    failures: Type.Array(RunFailure),
    moreFailures: Type.Boolean({ description: 'True when the run has more failures than shown' }),
  },
  { title: 'RunDetail' },
);

export const StartedRun = Type.Object(
  { runId: Type.String(), created: Type.Boolean({ description: 'False when the flow already had a queued run' }) },
  { title: 'StartedRun' },
);

export const DryRunReport = Type.Object(
  {
    flowId: Type.String(),
    read: Type.Integer(),
    truncated: Type.Boolean(),
    notes: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'What the records alone do not say about the run: a target replaced as a whole on every run, a run that would send nothing',
      }),
    ),
    records: Type.Array(
      Type.Object({
        sourceKey: Type.String(),
        decision: Type.String(),
        payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
        reason: Type.Optional(Type.String()),
      }),
    ),
  },
  { title: 'DryRunReport' },
);

// ---- dead letters, audit, tokens ------------------------------------------------------------------------------

export const DeadLetterStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('replayed'),
  Type.Literal('discarded'),
]);

export const DeadLetter = Type.Object(
  {
    id: Id('dlq', 'Dead letter'),
    flowId: Type.String(),
    runId: Type.Optional(Type.String()),
    recordKey: Type.String(),
    reason: Type.String(),
    failureKind: Type.String(),
    field: Type.Optional(Type.String()),
    source: Type.Optional(Type.Unknown({ description: 'The record as read' })),
    payload: Type.Optional(Type.Unknown({ description: 'The mapped payload that was refused' })),
    mappingVersion: Type.Optional(Type.String()),
    status: DeadLetterStatus,
    createdAt: Timestamp('Recorded'),
    attempts: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Times the record failed while this entry was open (one entry per record)',
      }),
    ),
    lastSeenAt: Type.Optional(Timestamp('Last failed')),
    replayedAt: Type.Optional(Timestamp('Replayed, or delivered by a later run')),
    discardedAt: Type.Optional(Timestamp('Discarded')),
  },
  { title: 'DeadLetter' },
);

export const ReplayReport = Type.Object(
  {
    replayed: Type.Integer(),
    written: Type.Integer(),
    stillFailing: Type.Array(Type.String()),
    runId: Type.Optional(Type.String()),
    error: Type.Optional(ErrorInfo),
  },
  { title: 'ReplayReport' },
);

export const AuditEntry = Type.Object(
  {
    id: Id('aud', 'Audit entry'),
    actor: Type.String({ description: 'An API token id, "cli" or "system"' }),
    actorName: Type.Optional(Type.String({ description: 'The name of the token, when the actor is one' })),
    action: Type.String({ description: 'e.g. connection.create, flow.enable' }),
    entity: Type.String(),
    entityId: Type.Optional(Type.String()),
    before: Type.Optional(Type.Unknown()),
    after: Type.Optional(Type.Unknown()),
    at: Timestamp('When'),
  },
  { title: 'AuditEntry' },
);

export const Role = Type.Union([
  Type.Literal('admin'),
  Type.Literal('engineer'),
  Type.Literal('marketer'),
  Type.Literal('viewer'),
]);

export const ApiToken = Type.Object(
  {
    id: Id('tok', 'Token'),
    name: Type.String(),
    role: Role,
    createdAt: Timestamp('Created'),
    lastUsedAt: Type.Optional(Timestamp('Last used')),
    revokedAt: Type.Optional(Timestamp('Revoked')),
  },
  { title: 'ApiToken' },
);

export const CreatedToken = Type.Object(
  { token: Type.String({ description: 'The token itself: shown this once, never again' }), record: ApiToken },
  { title: 'CreatedToken' },
);

export const Session = Type.Object(
  { ...ApiToken.properties, permissions: Type.Array(Type.String()) },
  { title: 'Session' },
);

/** Schemas the OpenAPI document lists under components/schemas and refers to by $ref. */
