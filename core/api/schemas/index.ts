import type { TSchema } from '@sinclair/typebox';
import { FlowDefinition } from '../../flows/schema';
import { MappingError } from '../../mapping/types';
import { ErrorInfo } from '../../sdk/errors';
import { Problem } from '../problem';
import {
  Connection,
  ConnectionCheck,
  ConnectionPatch,
  Connector,
  ConnectorSummary,
  MapResult,
  Mapping,
  MappingFixture,
  MappingSummary,
  MappingVersionInput,
  NewConnection,
  NewMapping,
  WebhookRejection,
} from './catalog';
import {
  ApiToken,
  AuditEntry,
  CreatedToken,
  DeadLetter,
  DryRunReport,
  Flow,
  FlowDetail,
  ReplayReport,
  Run,
  RunCounts,
  RunDetail,
  RunFailure,
  Session,
  StartedRun,
  Template,
} from './operations';

/**
 * The shapes the API sends and accepts, as JSON Schemas (TypeBox). Routes validate with them, the OpenAPI
 * document is generated from them, and the shapes shared with the rest of the hub (flow definitions, templates,
 * connector descriptions, errors) are imported from where the hub defines them, never written twice.
 */

export * from './common';
export * from './strings';
export * from './catalog';
export * from './operations';

/** Schemas the OpenAPI document lists under components/schemas and refers to by $ref. */
export const COMPONENTS: Record<string, TSchema> = {
  Problem,
  ConnectorSummary,
  Connector,
  Connection,
  NewConnection,
  ConnectionPatch,
  ConnectionCheck,
  WebhookRejection,
  MappingFixture,
  MappingSummary,
  Mapping,
  NewMapping,
  MappingVersionInput,
  MapResult,
  FlowDefinition,
  Flow,
  FlowDetail,
  Template,
  Run,
  RunCounts,
  RunDetail,
  RunFailure,
  StartedRun,
  DryRunReport,
  DeadLetter,
  ReplayReport,
  AuditEntry,
  ApiToken,
  CreatedToken,
  Session,
  ErrorInfo,
  MappingError,
};
