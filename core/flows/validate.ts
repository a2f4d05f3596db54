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
import type { ConnectorDefinition } from '../sdk/define';
import type { Connection, ConnectionsRepo } from '../store/repos';
import { isScheduleTrigger, scheduleProblems } from './cron';
import { assertNoProblems, type FlowProblem } from './errors';
import { findMapping, type MappingSource } from '../mapping/source';
import { FlowDefinition } from './schema';

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
        message: `must match ${String(params.pattern)} (lowercase letters, digits, ".", "_" and "-")`,
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
  const max = action ? target.policy.maxBatchSize[action.name] : undefined;
  const batchSize = definition.options?.batchSize;
  if (batchSize !== undefined && max !== undefined && batchSize > max) {
    problems.push({
      field: 'options.batchSize',
      message: `${batchSize} is more than action "${action?.name}" of connector "${target.id}" accepts in one batch; use at most ${max} (or leave it out to use the maximum)`,
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

/**
 * Validates a flow definition: its shape (ajv, from the TypeBox schema), then what it refers to — connections,
 * the connector's stream and action, the mapping (it must compile), the batch size against the action's maximum,
 * mirror mode against the target's delete support, and the schedule. Throws FlowValidationError listing every
 * problem with its field and the fix.
 */
export async function checkFlowDefinition(value: unknown, ctx: FlowCheckContext): Promise<CheckedFlow> {
  const subject = `flow ${typeof value === 'object' && value !== null && 'name' in value ? JSON.stringify((value as { name: unknown }).name) : 'definition'}`;
  assertNoProblems(subject, schemaProblems(FlowDefinition, value));
  const definition = value as FlowDefinition;
  const problems: FlowProblem[] = [];
  const source = await resolveConnection('source', definition.source.connection, ctx, problems);
  const target = await resolveConnection('target', definition.target.connection, ctx, problems);
  if (source && target && source.connection.id === target.connection.id) {
    problems.push({
      field: 'target.connection',
      message: `is the same connection as source.connection ("${source.connection.name}"); records are linked per connection, so reading and writing one connection would write every record again on each full read — add a second connection for the target`,
    });
  }
  problems.push(...connectorProblems(definition, source?.connector, target?.connector));
  const mapping = await mappingProblems(definition, ctx, problems);
  if (isScheduleTrigger(definition.trigger)) problems.push(...scheduleProblems(definition.trigger));
  assertNoProblems(subject, problems);
  return { definition, source: source!, target: target!, mapping: mapping! };
}
