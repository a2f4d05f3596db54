import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import {
  compileMapping,
  describeMappingError,
  MappingCompileError,
  MappingLoadError,
  type MappingDefinition,
  type MappingEngineOptions,
} from '../mapping';
import type { Registry } from '../registry';
import { actionBatchSize, type ConnectorDefinition } from '../sdk/define';
import type { Connection, ConnectionsRepo } from '../store/repos';
import { isScheduleTrigger, scheduleProblems } from './cron';
import { assertNoProblems, type FlowProblem } from './errors';
import { findMapping, type MappingSource } from '../mapping/source';
import { FlowDefinition } from './schema';
import { patternMessage } from '../api/schemas/strings';

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new WeakMap<TSchema, ValidateFunction>();

function validatorFor(schema: TSchema): ValidateFunction {
  let validate = validators.get(schema);
  if (validate === undefined) validators.set(schema, (validate = ajv.compile(schema)));
  return validate;
}

/** `/source/connection` → `source.connection`; `''` → `(flow)`. */
function dotted(pointer: string, child?: string): string {
  const parts = pointer.split('/').filter((p) => p !== '');
  if (child !== undefined) parts.push(child);
  return parts.length === 0 ? '(root)' : parts.map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
}

function describe(error: ErrorObject): FlowProblem {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { field: dotted(error.instancePath, String(params.missingProperty)), message: 'is required' };
    case 'additionalProperties':
      return {
        field: dotted(error.instancePath, String(params.additionalProperty)),
        message: 'is not a known field; remove it (or check its spelling)',
      };
    case 'pattern':
      return {
        field: dotted(error.instancePath),
        message:
          patternMessage(params.pattern) ??
          `must match ${String(params.pattern)} (lowercase letters, digits, ".", "_" and "-")`,
      };
    case 'minLength':
      return { field: dotted(error.instancePath), message: 'must not be empty' };
    default:
      return { field: dotted(error.instancePath), message: error.message ?? 'is not valid' };
  }
}

const allowedOf = (errors: ErrorObject[]) =>
  errors
    .filter((e) => e.keyword === 'const')
    .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue))
    .join(', ');

/**
 * Checks a document against a TypeBox schema with ajv; problems name the field (dot path). A union reports the
 * problems of the branch whose tag (a `const` property such as `type`) matched, or "must be one of …" when no tag
 * or literal matched.
 */
export function schemaProblems(schema: TSchema, value: unknown): FlowProblem[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  let errors = [...(validate.errors ?? [])];
  const problems: FlowProblem[] = [];
  const unions = errors.filter((e) => e.keyword === 'anyOf').sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const union of unions) {
    const prefix = `${union.schemaPath}/`;
    const inside = errors.filter((e) => e.schemaPath.startsWith(prefix));
    const branches = new Map<string, ErrorObject[]>();
    for (const error of inside) {
      const index = error.schemaPath.slice(prefix.length).split('/')[0];
      branches.set(index, [...(branches.get(index) ?? []), error]);
    }
    const here = (e: ErrorObject) => e.instancePath === union.instancePath;
    const tagMismatch = (e: ErrorObject) => e.keyword === 'const' && !here(e);
    let keep: ErrorObject[] = inside;
    if (inside.length > 0 && inside.every((e) => ['const', 'type'].includes(e.keyword) && here(e))) {
      problems.push({ field: dotted(union.instancePath), message: `must be one of ${allowedOf(inside)}` });
      keep = [];
    } else {
      const matching = [...branches.values()].filter((group) => !group.some(tagMismatch));
      const tags = inside.filter(tagMismatch);
      if (matching.length > 0) keep = matching.flat();
      else if (tags.length > 0 && tags.every((t) => t.instancePath === tags[0].instancePath)) {
        problems.push({ field: dotted(tags[0].instancePath), message: `must be one of ${allowedOf(tags)}` });
        keep = [];
      }
    }
    errors = errors.filter((e) => e !== union && (!inside.includes(e) || keep.includes(e)));
  }
  problems.push(...errors.map(describe));
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(`${p.field} ${p.message}`) && seen.add(`${p.field} ${p.message}`));
}

/** What the semantic checks read: connections, the connector registry and the mappings. */
export interface FlowCheckContext {
  connections: Pick<ConnectionsRepo, 'get' | 'list'>;
  registry: Pick<Registry, 'has' | 'get'>;
  mappings: MappingSource;
  mappingOptions?: MappingEngineOptions;
  /** True when another flow already has this name (create/update); checked with everything else, in one answer. */
  nameTaken?: (name: string) => Promise<boolean>;
}

/** A flow definition that passed every check, with what it refers to resolved. */
export interface CheckedFlow {
  definition: FlowDefinition;
  source: { connection: Connection; connector: ConnectorDefinition };
  target: { connection: Connection; connector: ConnectorDefinition };
  mapping: MappingDefinition;
}

type Side = 'source' | 'target';

async function resolveConnection(
  side: Side,
  ref: string,
  ctx: FlowCheckContext,
  problems: FlowProblem[],
): Promise<{ connection: Connection; connector: ConnectorDefinition } | undefined> {
  const field = `${side}.connection`;
  const connection = await ctx.connections.get(ref);
  if (connection === undefined) {
    const names = (await ctx.connections.list()).map((c) => c.name);
    const hint = names.length > 0 ? `use one of: ${names.slice(0, 10).join(', ')}` : 'there are none yet';
    problems.push({
      field,
      message: `no connection named (or with id) "${ref}"; add it with \`hub connections add <connector> --name ${ref} --settings <file>\`, or ${hint}`,
    });
    return undefined;
  }
  if (!ctx.registry.has(connection.connectorId)) {
    problems.push({
      field,
      message: `connection "${connection.name}" uses connector "${connection.connectorId}", which is not installed; install its plugin (HUB_PLUGINS) or use another connection`,
    });
    return undefined;
  }
  return { connection, connector: ctx.registry.get(connection.connectorId) };
}

const names = (items: { name: string }[]) => items.map((i) => i.name).join(', ') || '(none)';

function connectorProblems(definition: FlowDefinition, source?: ConnectorDefinition, target?: ConnectorDefinition) {
  const problems: FlowProblem[] = [];
  if (source && !source.streams.some((s) => s.name === definition.source.stream)) {
    problems.push({
      field: 'source.stream',
      message: `connector "${source.id}" has no stream "${definition.source.stream}"; use one of: ${names(source.streams)}`,
    });
  }
  if (!target) return problems;
  const action = target.actions.find((a) => a.name === definition.target.action);
  if (!action) {
    problems.push({
      field: 'target.action',
      message: `connector "${target.id}" has no action "${definition.target.action}"; use one of: ${names(target.actions)}`,
    });
  }
  const max = action ? actionBatchSize(target, action.name) : undefined;
  const batchSize = definition.options?.batchSize;
  if (batchSize !== undefined && max !== undefined && batchSize > max) {
    problems.push({
      field: 'options.batchSize',
      message: `${batchSize} is more than action "${action?.name}" of connector "${target.id}" accepts in one batch; use at most ${max} (or leave it out to use the maximum)`,
    });
  }
  // a replace (ActionDefinition.replace) sends the whole set on every run: no mirror deletes, no sync pair
  if (action?.replace === true && (definition.mode === 'mirror' || definition.sync !== undefined)) {
    problems.push({
      field: definition.mode === 'mirror' ? 'mode' : 'sync',
      message: `action "${action.name}" replaces the whole set on every run (members the source no longer has leave it), so it takes mode "upsert" outside a sync pair`,
    });
  }
  if (definition.mode === 'mirror' && !target.actions.some((a) => a.mode === 'delete')) {
    problems.push({
      field: 'mode',
      message: `"mirror" deletes what the source no longer has, but connector "${target.id}" has no action with mode "delete"; use mode "upsert" or "append", or a target connector that can delete`,
    });
  }
  return problems;
}

async function mappingProblems(definition: FlowDefinition, ctx: FlowCheckContext, problems: FlowProblem[]) {
  const { id, version } = definition.mapping;
  try {
    const lookup = await findMapping(id, version, ctx.mappings);
    if (!lookup.found) {
      problems.push({ field: version === undefined ? 'mapping.id' : 'mapping.version', message: lookup.reason });
      return undefined;
    }
    compileMapping(lookup.mapping, ctx.mappingOptions);
    return lookup.mapping;
  } catch (error) {
    if (error instanceof MappingCompileError || error instanceof MappingLoadError) {
      problems.push({
        field: 'mapping.id',
        message: `mapping "${id}" does not compile: ${describeMappingError(error.mappingError)}; fix it and check with \`hub mappings test\``,
      });
      return undefined;
    }
    throw error;
  }
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const fieldOf = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;

/**
 * Validates a flow definition and reports EVERY problem in one answer: its shape (ajv, from the TypeBox schema)
 * and, for each part whose shape is right, what it refers to — the name (not taken), connections, the connector's
 * stream and action, the mapping (it must compile), the batch size against the action's maximum, mirror mode
 * against the target's delete support, and the schedule. Throws FlowValidationError listing every problem with its
 * field and the fix.
 */
export async function checkFlowDefinition(value: unknown, ctx: FlowCheckContext): Promise<CheckedFlow> {
  const name = fieldOf(value, 'name');
  const subject = `flow ${name !== undefined ? JSON.stringify(name) : 'definition'}`;
  const problems: FlowProblem[] = schemaProblems(FlowDefinition, value);
  const shapeOk = problems.length === 0;
  const wrong = (field: string) => problems.some((p) => p.field === field || p.field.startsWith(`${field}.`));
  // the references are checked wherever their own fields are well-formed, even when other fields are not
  const sourceRef = fieldOf(fieldOf(value, 'source'), 'connection');
  const targetRef = fieldOf(fieldOf(value, 'target'), 'connection');
  if (isText(name) && !wrong('name') && ctx.nameTaken && (await ctx.nameTaken(name))) {
    problems.push({ field: 'name', message: `a flow named "${name}" already exists; choose another name` });
  }
  const source =
    isText(sourceRef) && !wrong('source.connection')
      ? await resolveConnection('source', sourceRef, ctx, problems)
      : undefined;
  const target =
    isText(targetRef) && !wrong('target.connection')
      ? await resolveConnection('target', targetRef, ctx, problems)
      : undefined;
  if (source && target && source.connection.id === target.connection.id) {
    problems.push({
      field: 'target.connection',
      message: `is the same connection as source.connection ("${source.connection.name}"); records are linked per connection, so reading and writing one connection would write every record again on each full read — add a second connection for the target`,
    });
  }
  let mapping: MappingDefinition | undefined;
  if (shapeOk) {
    const definition = value as FlowDefinition;
    problems.push(...connectorProblems(definition, source?.connector, target?.connector));
    mapping = await mappingProblems(definition, ctx, problems);
    if (isScheduleTrigger(definition.trigger)) problems.push(...scheduleProblems(definition.trigger));
  } else {
    // the shape is wrong somewhere: check the parts that are right on their own
    const partial = value as Partial<FlowDefinition>;
    const sourceStream = fieldOf(partial.source, 'stream');
    const targetAction = fieldOf(partial.target, 'action');
    if (source && isText(sourceStream) && !wrong('source.stream')) {
      problems.push(
        ...connectorProblems(
          { source: { stream: sourceStream }, target: {} } as unknown as FlowDefinition,
          source.connector,
        ),
      );
    }
    if (target && isText(targetAction) && !wrong('target.action') && !wrong('options') && !wrong('mode')) {
      problems.push(
        ...connectorProblems(
          { ...partial, source: { stream: '' }, target: { action: targetAction } } as unknown as FlowDefinition,
          undefined,
          target.connector,
        ),
      );
    }
    const mappingRef = partial.mapping as unknown;
    if (isText(fieldOf(mappingRef, 'id')) && !wrong('mapping')) {
      await mappingProblems({ mapping: mappingRef } as FlowDefinition, ctx, problems);
    }
    const trigger = partial.trigger as unknown;
    if (!wrong('trigger') && trigger !== undefined && isScheduleTrigger(trigger as FlowDefinition['trigger'])) {
      problems.push(...scheduleProblems(trigger as Parameters<typeof scheduleProblems>[0]));
    }
  }
  assertNoProblems(subject, problems);
  return { definition: value as FlowDefinition, source: source!, target: target!, mapping: mapping! };
}
