import { Ajv, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { ConnectorInfo } from '../sdk/contracts';
import { actionBatchSize, type ConnectorDefinition } from '../sdk/define';

/**
 * Static validation of a connector definition, shared by the registry (built-ins and plugins alike) and the
 * conformance kit. Every problem is one sentence that names the field as a JSON pointer
 * (`/policy/rateBudget/requests must be >= 1`), so a plugin author can fix it without reading hub code.
 */

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const infoValidator = new Ajv({ allErrors: true, strict: false }).compile(ConnectorInfo);

export type JsonSchemaObject = Record<string, unknown>;

/** A fresh ajv per schema: two connectors may both use the same `$id`, and that must not collide. */
export function createSchemaAjv(schema: JsonSchemaObject): Ajv {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  const options = { allErrors: true, strict: false };
  let ajv: Ajv;
  if (dialect.includes('2020-12')) ajv = new Ajv2020(options);
  else if (dialect.includes('2019-09')) ajv = new Ajv2019(options);
  else ajv = new Ajv(options);
  return addFormats(ajv);
}

/** A schema as plain JSON: drops TypeBox's symbol keys and anything that is not data. */
export function toJsonSchema(schema: unknown): JsonSchemaObject {
  return JSON.parse(JSON.stringify(schema)) as JsonSchemaObject;
}

/** Compiles a JSON Schema; returns the reason when ajv refuses it. */
export function schemaProblem(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'must be a JSON Schema object';
  try {
    const json = toJsonSchema(schema);
    createSchemaAjv(json).compile(json);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '/' : error.instancePath;
  if (error.keyword === 'required') {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${error.instancePath}/${missing} is required`;
  }
  if (error.keyword === 'additionalProperties') {
    const extra = (error.params as { additionalProperty: string }).additionalProperty;
    return `${at} has an unknown property "${extra}"`;
  }
  return `${at} ${error.message ?? 'is invalid'}`;
}

/** One sentence per failing field; a union of constants reads "must be one of a, b, c". */
export function formatAjvErrors(errors: ErrorObject[] | null | undefined): string[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors ?? []) {
    const group = byPath.get(error.instancePath) ?? [];
    group.push(error);
    byPath.set(error.instancePath, group);
  }
  const out: string[] = [];
  for (const [instancePath, group] of byPath) {
    const consts = group.filter((e) => e.keyword === 'const');
    const rest = group.filter((e) => e.keyword !== 'const' && e.keyword !== 'anyOf' && e.keyword !== 'type');
    if (consts.length > 0 && rest.length === 0) {
      const allowed = consts.map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
      out.push(`${instancePath === '' ? '/' : instancePath} must be one of ${allowed.join(', ')}`);
      continue;
    }
    const chosen = rest.length > 0 ? rest : group.filter((e) => e.keyword !== 'anyOf');
    for (const error of chosen.length > 0 ? chosen : group) out.push(describeError(error));
  }
  return [...new Set(out)];
}

/**
 * The JSON-serialisable description of a connector: everything but its functions. This is what the CLI, the API,
 * the OpenAPI document and the UI read; nothing about a connector is written twice.
 */
export function describeConnector<S>(definition: ConnectorDefinition<S>): ConnectorInfo {
  const info: ConnectorInfo = {
    id: definition.id,
    displayName: definition.displayName,
    version: definition.version,
    category: definition.category,
    settingsSchema: toJsonSchema(definition.settingsSchema),
    policy: toJsonSchema(definition.policy) as ConnectorInfo['policy'],
    streams: definition.streams.map((s) => {
      const stream: ConnectorInfo['streams'][number] = {
        name: s.name,
        recordSchema: toJsonSchema(s.recordSchema),
        identity: [...s.identity],
      };
      if (s.title !== undefined) stream.title = s.title;
      if (s.description !== undefined) stream.description = s.description;
      if (s.modifiedField !== undefined) stream.modifiedField = s.modifiedField;
      return stream;
    }),
    actions: definition.actions.map((a) => {
      const action: ConnectorInfo['actions'][number] = {
        name: a.name,
        recordSchema: toJsonSchema(a.recordSchema),
        mode: a.mode,
      };
      if (a.title !== undefined) action.title = a.title;
      if (a.description !== undefined) action.description = a.description;
      if (a.identity !== undefined) action.identity = [...a.identity];
      const maxBatchSize = actionBatchSize(definition, a.name);
      if (maxBatchSize !== undefined) action.maxBatchSize = maxBatchSize;
      if (a.idempotent !== undefined) action.idempotent = a.idempotent;
      if (a.replace === true) action.replace = true;
      return action;
    }),
    webhooks: (definition.webhooks ?? []).map((w) => {
      const webhook: ConnectorInfo['webhooks'][number] = { name: w.name };
      if (w.description !== undefined) webhook.description = w.description;
      if (w.stream !== undefined) webhook.stream = w.stream;
      return webhook;
    }),
  };
  if (definition.description !== undefined) info.description = definition.description;
  return info;
}

type Loose = Record<string, unknown>;
const isObject = (v: unknown): v is Loose => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The functions the runner calls; checked before anything else so describeConnector is safe to call. */
function shapeProblems(def: Loose): string[] {
  const problems: string[] = [];
  if (typeof def.check !== 'function') problems.push('/check must be a function');
  const lists: [string, string[]][] = [
    ['streams', ['read']],
    ['actions', ['write']],
    ['webhooks', ['verify', 'parse']],
  ];
  for (const [list, fns] of lists) {
    const items = def[list];
    if (items === undefined && list === 'webhooks') continue;
    if (!Array.isArray(items)) {
      problems.push(`/${list} must be an array`);
      continue;
    }
    items.forEach((item: unknown, i) => {
      if (!isObject(item)) return problems.push(`/${list}/${i} must be an object`);
      for (const fn of fns) if (typeof item[fn] !== 'function') problems.push(`/${list}/${i}/${fn} must be a function`);
    });
  }
  if (!isObject(def.policy)) problems.push('/policy must be an object');
  return problems;
}

function duplicates(names: string[]): string[] {
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

export interface DefinitionValidation {
  /** Empty when the definition is valid. */
  problems: string[];
  /** Set when the definition is valid. */
  definition?: ConnectorDefinition;
  info?: ConnectorInfo;
}

/**
 * Checks a connector definition: its functions, its data against the ConnectorInfo schema, a batch size for every
 * action, unique stream/action/webhook names, webhooks that name existing streams, and JSON Schemas that compile.
 */
export function validateDefinition(value: unknown): DefinitionValidation {
  if (!isObject(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { problems: [`the definition must be an object (got ${got})`] };
  }
  const shape = shapeProblems(value);
  if (shape.length > 0) return { problems: shape };
  const definition = value as unknown as ConnectorDefinition;
  let info: ConnectorInfo;
  try {
    info = describeConnector(definition);
  } catch (error) {
    return {
      problems: [`the definition is not serialisable: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  if (!infoValidator(info)) return { problems: formatAjvErrors(infoValidator.errors) };

  const problems: string[] = [];
  const actionNames = info.actions.map((a) => a.name);
  definition.actions.forEach((action, i) => {
    const fromPolicy = info.policy.maxBatchSize?.[action.name];
    if (action.maxBatchSize === undefined && fromPolicy === undefined)
      problems.push(`/actions/${i}/maxBatchSize is missing: declare the largest batch action "${action.name}" accepts`);
    if (action.maxBatchSize !== undefined && fromPolicy !== undefined && fromPolicy !== action.maxBatchSize)
      problems.push(
        `/policy/maxBatchSize/${action.name} (${fromPolicy}) contradicts /actions/${i}/maxBatchSize (${action.maxBatchSize}): keep only the action's`,
      );
  });
  for (const name of Object.keys(info.policy.maxBatchSize ?? {})) {
    if (!actionNames.includes(name)) problems.push(`/policy/maxBatchSize/${name} names no action of this connector`);
  }
  for (const [list, names] of [
    ['stream', info.streams.map((s) => s.name)],
    ['action', actionNames],
    ['webhook', info.webhooks.map((w) => w.name)],
  ] as const) {
    for (const name of duplicates(names)) problems.push(`${list} name "${name}" is used more than once`);
  }
  const streamNames = info.streams.map((s) => s.name);
  info.webhooks.forEach((w, i) => {
    if (w.stream !== undefined && !streamNames.includes(w.stream))
      problems.push(`/webhooks/${i}/stream names no stream: "${w.stream}"`);
  });
  const schemas: [string, unknown][] = [
    ['/settingsSchema', definition.settingsSchema],
    ...definition.streams.map((s, i): [string, unknown] => [`/streams/${i}/recordSchema`, s.recordSchema]),
    ...definition.actions.map((a, i): [string, unknown] => [`/actions/${i}/recordSchema`, a.recordSchema]),
  ];
  for (const [pointer, schema] of schemas) {
    const problem = schemaProblem(schema);
    if (problem !== undefined) problems.push(`${pointer} is not a valid JSON Schema: ${problem}`);
  }
  return problems.length > 0 ? { problems } : { problems, definition, info };
}
