import { actionRecordCheck, type ActionRecordCheck } from './action-record';
import { Value } from '@sinclair/typebox/value';
import { FlowDefinition, type ConflictPolicy, type SyncMode } from '../flows/schema';
import { compileMapping, MappingCompileError, type CompiledMapping, type MappingDefinition } from '../mapping';
import { actionBatchSize, type ActionDefinition, type ConnectorDefinition, type StreamDefinition } from '../sdk/define';
import { isHubError, toErrorInfo } from '../sdk/errors';
import { outboundHttp } from '../sdk/http';
import { ensureFreshToken } from '../sdk/oauth';
import { tokenKeeper } from './token-keeper';
import type { StoredFlow } from '../store/repos';
import { connectionBudgetHook, resolveConnectionPolicy, type ResolvedPolicy } from './budget/connection';
import { configError, type RunnerCore } from './core';
import { childLogger } from './deps';
import { RunStopError } from './errors';
import { mappingFingerprint } from './mapped-state';
import { connectionRetry, DEFAULT_MAX_ATTEMPTS } from './retry';
import type { Endpoint } from './writer';

/**
 * Everything one run of a flow needs, resolved once at the start: the flow, both connections (settings
 * decrypted, in memory only), the stream and action, the compiled mapping and the effective options.
 * Anything missing or wrong is a RunStopError of kind `config` naming the field.
 */

export type AnyStream = StreamDefinition<Record<string, unknown>, object>;
export type AnyAction = ActionDefinition<Record<string, unknown>, object>;

export interface SourceSide extends Endpoint {
  connector: ConnectorDefinition;
  stream: AnyStream;
}

export interface TargetSide extends Endpoint {
  connector: ConnectorDefinition;
  action: AnyAction;
  /** The connector's ordinary delete action (mirror mode); never an `erase` action. */
  deleteAction?: AnyAction;
  batchSize: number;
  deleteBatchSize: number;
}

export interface FlowContext {
  flow: StoredFlow;
  definition: FlowDefinition;
  /** `sync.linkGroup`, or the flow id for a flow outside a sync pair. */
  linkGroup: string;
  /** Kind of record on the links (the source stream's name). */
  entity: string;
  mode: SyncMode;
  source: SourceSide;
  target: TargetSide;
  /** Source fields that identify a record (flow.identity.source, default: the stream identity). */
  identity: string[];
  /** flow.identity.normalize: how identity values are normalised into keys (e.g. e-mail addresses). */
  identityNormalize?: 'email';
  /** Field of the mapped record that finds the target record (filled from the link when the mapping leaves it out). */
  targetIdentityField?: string;
  modifiedField?: string;
  conflict?: ConflictPolicy;
  /** Field ownership: the only fields of a mapped record this flow writes (owned fields + identity). */
  writableFields?: string[];
  mapping: CompiledMapping;
  maxAttempts: number;
  concurrency: number;
  /** options.onlyWritten: records no flow of the link group wrote to the target are held, never sent. */
  onlyWritten?: boolean;
  /** A link group shared outside a sync pair: written hashes name the action (core/runner/plan.ts decide). */
  actionInHash?: boolean;
  /** What the payload depends on besides the record; undefined when the mapping is always evaluated (mapped-state.ts). */
  mappedFingerprint?: string;
  /** The target action's recordSchema as a check of each record before it is sent (action-record.ts). */
  checkRecord?: ActionRecordCheck;
  /** The target action replaces the whole set (`ActionDefinition.replace`): one session per run (replace-session.ts). */
  replace?: boolean;
}

export interface LoadOptions {
  signal?: AbortSignal;
}

function stop(message: string, field?: string): RunStopError {
  return new RunStopError(toErrorInfo(configError(message, field)));
}

function hubErrorToStop(error: unknown, field: string): RunStopError {
  if (error instanceof RunStopError) return error;
  if (isHubError(error)) {
    const info = toErrorInfo(error);
    return new RunStopError({ ...info, field: info.field ?? field });
  }
  const message = error instanceof Error ? error.message : String(error);
  return stop(message, field);
}

export function flowDefinitionOf(flow: StoredFlow): FlowDefinition {
  if (!Value.Check(FlowDefinition, flow.definition)) {
    const first = Value.Errors(FlowDefinition, flow.definition).First();
    throw stop(
      `flow "${flow.name}" has an invalid definition: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`,
      first?.path,
    );
  }
  return flow.definition as unknown as FlowDefinition;
}

async function endpoint(
  core: RunnerCore,
  ref: string,
  role: 'source' | 'target',
  signal: AbortSignal | undefined,
  flowId: string,
): Promise<Endpoint & { connector: ConnectorDefinition }> {
  let connection;
  try {
    connection = await core.repos.connections.get(ref, { decrypt: true });
  } catch (error) {
    throw hubErrorToStop(error, `${role}.connection`);
  }
  if (connection === undefined) throw stop(`${role} connection "${ref}" does not exist`, `${role}.connection`);
  let connector: ConnectorDefinition;
  try {
    connector = core.connectors.get(connection.connectorId);
  } catch (error) {
    throw hubErrorToStop(error, `${role}.connection`);
  }
  const http = outboundHttp({ connector: connector.id, timeoutMs: connector.policy.timeoutMs });
  let settings: Record<string, unknown>;
  try {
    // an OAuth2 connector gets a fresh access token (refreshed once, stored rotated); others their settings as stored
    settings = await ensureFreshToken({
      store: core.repos.connections,
      connector,
      connection,
      http,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    throw hubErrorToStop(error, `${role}.connection`);
  }
  const retry = connectionRetry(settings, core.retry);
  let policy: ResolvedPolicy;
  try {
    // the connection's own budget (tier, per-account limits) when the connector computes one from its settings
    policy = resolveConnectionPolicy(connector, settings);
  } catch (error) {
    throw hubErrorToStop(error, `${role}.connection`);
  }
  // mid-run: refreshed again before a request once due, and after a 401 (core/runner/token-keeper.ts)
  const tokens = tokenKeeper({
    store: core.repos.connections,
    connector,
    connection,
    settings,
    http,
    ...(signal === undefined ? {} : { signal }),
  });
  return {
    ...(retry === undefined ? {} : { retry }),
    ...(tokens === undefined ? {} : { tokens }),
    connectionId: connection.id,
    connectionName: connection.name,
    context: {
      id: connection.id,
      name: connection.name,
      settings,
      log: childLogger(core.logger, { flowId, connectionId: connection.id, connector: connector.id }),
      http,
      budget: connectionBudgetHook(core.budget, connection.id, policy),
      ...(signal === undefined ? {} : { signal }),
    },
    policy: policy.main,
    connector,
  };
}

/** The source side of a flow: its connection and stream (also used to peek at the opposite side of a sync pair). */
export async function loadSource(
  core: RunnerCore,
  flow: StoredFlow,
  definition: FlowDefinition,
  signal?: AbortSignal,
): Promise<SourceSide> {
  const side = await endpoint(core, flow.sourceConnectionId ?? definition.source.connection, 'source', signal, flow.id);
  const stream = side.connector.streams.find((s) => s.name === definition.source.stream) as AnyStream | undefined;
  if (stream === undefined) {
    const names = side.connector.streams.map((s) => s.name).join(', ') || 'none';
    throw stop(
      `connector ${side.connector.id} has no stream "${definition.source.stream}"; streams: ${names}`,
      'source.stream',
    );
  }
  return { ...side, stream };
}

async function loadMapping(
  core: RunnerCore,
  definition: FlowDefinition,
): Promise<{ compiled: CompiledMapping; definition: MappingDefinition }> {
  try {
    const mapping = await core.mappings.resolve(definition.mapping.id, definition.mapping.version);
    return { compiled: compileMapping(mapping, core.mappingOptions), definition: mapping };
  } catch (error) {
    if (error instanceof MappingCompileError) {
      throw stop(`mapping "${definition.mapping.id}" does not compile: ${error.message}`, 'mapping.id');
    }
    throw hubErrorToStop(error, 'mapping.id');
  }
}

export async function loadFlowContext(
  core: RunnerCore,
  flow: StoredFlow,
  options: LoadOptions = {},
): Promise<FlowContext> {
  const definition = flowDefinitionOf(flow);
  const source = await loadSource(core, flow, definition, options.signal);
  const targetSide = await endpoint(
    core,
    flow.targetConnectionId ?? definition.target.connection,
    'target',
    options.signal,
    flow.id,
  );
  const action = targetSide.connector.actions.find((a) => a.name === definition.target.action) as AnyAction | undefined;
  if (action === undefined) {
    const names = targetSide.connector.actions.map((a) => a.name).join(', ') || 'none';
    throw stop(
      `connector ${targetSide.connector.id} has no action "${definition.target.action}"; actions: ${names}`,
      'target.action',
    );
  }
  // mirror mode deletes with an ordinary delete only: an `erase` action (a GDPR purge) is never chosen for it
  const deleteAction = targetSide.connector.actions.find((a) => a.mode === 'delete') as AnyAction | undefined;
  if (definition.mode === 'mirror' && deleteAction === undefined) {
    const erase = targetSide.connector.actions.some((a) => a.mode === 'erase');
    throw stop(
      `mode "mirror" deletes records, but connector ${targetSide.connector.id} has no delete action${erase ? ' (its erase action is a permanent GDPR erasure, never used by mirror mode)' : ''}; use mode "upsert"`,
      'mode',
    );
  }
  // a replace sends the whole set on every run: mirror mode's deletes and a sync pair's echo and conflict rules
  // have nothing to decide there
  if (action.replace === true && (definition.mode === 'mirror' || definition.sync !== undefined))
    throw stop(
      `action ${action.name} replaces the whole set on every run (members the source no longer has leave it), so it takes mode "upsert" outside a sync pair`,
      definition.mode === 'mirror' ? 'mode' : 'sync',
    );
  const maxBatch = (name: string) => actionBatchSize(targetSide.connector, name) ?? 100;
  const batchSize = Math.max(1, Math.min(definition.options?.batchSize ?? Infinity, maxBatch(action.name)));
  const deleteBatchSize = deleteAction
    ? Math.max(1, Math.min(definition.options?.batchSize ?? Infinity, maxBatch(deleteAction.name)))
    : 1;

  const identity = definition.identity?.source ?? source.stream.identity;
  const conflict = definition.sync?.conflict;
  const targetIdentityField = definition.identity?.target;
  let writableFields: string[] | undefined;
  if (conflict?.policy === 'field-ownership') {
    const identityFields = [...(targetIdentityField ? [targetIdentityField] : []), ...(action.identity ?? [])];
    writableFields = [...new Set([...conflict.owns, ...identityFields])];
  }

  const mapping = await loadMapping(core, definition);
  const context: FlowContext = {
    flow,
    definition,
    linkGroup: definition.sync?.linkGroup ?? definition.linkGroup ?? flow.linkGroup ?? flow.id,
    entity: definition.source.stream,
    mode: definition.mode,
    source,
    target: { ...targetSide, action, batchSize, deleteBatchSize, ...(deleteAction ? { deleteAction } : {}) },
    identity,
    mapping: mapping.compiled,
    // without options.maxAttempts the connection's retry window (minutes) decides how long failures are retried
    maxAttempts: definition.options?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    // a replace session's batches go one at a time, in order (replace-session.ts)
    concurrency: action.replace === true ? 1 : (definition.options?.concurrency ?? 1),
  };
  if (targetIdentityField !== undefined) context.targetIdentityField = targetIdentityField;
  if (definition.identity?.normalize !== undefined) context.identityNormalize = definition.identity.normalize;
  if (source.stream.modifiedField !== undefined) context.modifiedField = source.stream.modifiedField;
  if (conflict !== undefined) context.conflict = conflict;
  if (writableFields !== undefined) context.writableFields = writableFields;
  if (definition.options?.onlyWritten === true) context.onlyWritten = true;
  if (definition.linkGroup !== undefined && definition.sync === undefined) context.actionInHash = true;
  const checkRecord = actionRecordCheck(targetSide.connector.id, action);
  if (checkRecord !== undefined) context.checkRecord = checkRecord;
  if (action.replace === true) {
    // every record is mapped and sent on every run: no decision is reused from what was last mapped
    context.replace = true;
    return context;
  }
  const fingerprint = mappingFingerprint({
    mapping: mapping.definition,
    ...(core.mappingOptions === undefined ? {} : { engineOptions: core.mappingOptions }),
    ...(writableFields === undefined ? {} : { writableFields }),
    ...(context.actionInHash === true ? { hashedAction: action.name } : {}),
  });
  if (fingerprint !== undefined) context.mappedFingerprint = fingerprint;
  return context;
}
