import fs from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { CONNECTOR_ID_PATTERN } from '../sdk/contracts';
import { ConfigError } from '../sdk/errors';
import { assertNoProblems, type FlowProblem } from './errors';
import { ConflictPolicy, FLOW_NAME_PATTERN, FlowDefinition } from './schema';
import { schemaProblems } from './validate';

/**
 * Templates: prebuilt flows (or a sync pair) in `flows/*.json` that a marketer enables by picking a connection for
 * each role. Connection fields hold `{{role}}` placeholders; enabling fills them with the chosen connections,
 * prefixes the flow names (and link group) when asked, and gives each flow of a sync pair the shared link group
 * and its conflict policy.
 */

export const ROLE_PATTERN = '^[a-z][a-z0-9_-]{0,39}$';
const PLACEHOLDER = /^\{\{\s*([a-z][a-z0-9_-]{0,39})\s*\}\}$/;

export const TemplateRole = Type.Object(
  {
    connector: Type.String({ pattern: CONNECTOR_ID_PATTERN, description: 'Connector id the role needs' }),
    description: Type.String({ minLength: 1, description: 'What this connection is for, in plain language' }),
  },
  { additionalProperties: false },
);
export type TemplateRole = Static<typeof TemplateRole>;

export const FlowTemplate = Type.Object(
  {
    name: Type.String({ pattern: FLOW_NAME_PATTERN }),
    title: Type.String({ minLength: 1 }),
    description: Type.String({ minLength: 1, description: 'What the template does, in plain language for marketers' }),
    roles: Type.Record(Type.String({ pattern: ROLE_PATTERN }), TemplateRole, {
      minProperties: 1,
      description: 'The connections the template needs, by role',
    }),
    flows: Type.Array(FlowDefinition, {
      minItems: 1,
      description: 'Flow definitions; connection fields are "{{role}}" placeholders',
    }),
    linkGroup: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'Link group every flow of the template shares (not a sync pair: e.g. the additions and removals of one audience)',
      }),
    ),
    syncPair: Type.Optional(
      Type.Object(
        {
          linkGroup: Type.String({ minLength: 1, description: 'Link group the two flows share' }),
          conflict: Type.Record(Type.String({ pattern: FLOW_NAME_PATTERN }), ConflictPolicy, {
            description: 'Conflict policy of each flow, by flow name',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type FlowTemplate = Static<typeof FlowTemplate>;

function roleOf(value: string): string | undefined {
  return PLACEHOLDER.exec(value)?.[1];
}

/** Checks what the schema cannot: placeholders name declared roles, every role is used, a sync pair is a pair. */
export function templateProblems(template: FlowTemplate): FlowProblem[] {
  const problems: FlowProblem[] = [];
  const used = new Set<string>();
  const names = new Set<string>();
  template.flows.forEach((flow, i) => {
    if (names.has(flow.name)) problems.push({ field: `flows.${i}.name`, message: `"${flow.name}" is used twice` });
    names.add(flow.name);
    for (const side of ['source', 'target'] as const) {
      const role = roleOf(flow[side].connection);
      const field = `flows.${i}.${side}.connection`;
      if (role === undefined) problems.push({ field, message: 'must be a "{{role}}" placeholder' });
      else if (!(role in template.roles))
        problems.push({ field, message: `names role "${role}", which is not in roles` });
      else used.add(role);
    }
  });
  for (const role of Object.keys(template.roles))
    if (!used.has(role)) problems.push({ field: `roles.${role}`, message: 'is not used by any flow; remove it' });
  const pair = template.syncPair;
  if (pair !== undefined) {
    const [a, b] = template.flows;
    if (
      template.flows.length !== 2 ||
      a.source.connection !== b.target.connection ||
      a.target.connection !== b.source.connection
    ) {
      problems.push({ field: 'syncPair', message: 'needs exactly two flows in opposite directions (A → B and B → A)' });
    }
    for (const flow of template.flows) {
      if (pair.conflict[flow.name] === undefined)
        problems.push({
          field: `syncPair.conflict.${flow.name}`,
          message: 'is required: the conflict policy of this flow',
        });
    }
    for (const name of Object.keys(pair.conflict))
      if (!names.has(name))
        problems.push({ field: `syncPair.conflict.${name}`, message: 'names no flow of the template' });
  }
  if (pair !== undefined && template.linkGroup !== undefined)
    problems.push({
      field: 'linkGroup',
      message: 'a sync pair has its link group in syncPair.linkGroup; remove this one',
    });
  return problems;
}

/** Parses and checks one template document; `origin` names it in errors. */
export function parseTemplate(value: unknown, origin: string): FlowTemplate {
  assertNoProblems(`template ${origin}`, schemaProblems(FlowTemplate, value));
  const template = value as FlowTemplate;
  assertNoProblems(`template ${origin}`, templateProblems(template));
  return template;
}

function readTemplateFile(file: string): FlowTemplate {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`template ${file} cannot be read: ${reason}`, { field: 'template' });
  }
  const template = parseTemplate(value, file);
  if (path.basename(file, '.json') !== template.name) {
    throw new ConfigError(`template ${file} is named "${template.name}"; name the file ${template.name}.json`, {
      field: 'name',
    });
  }
  return template;
}

/** Every template in `dir` (`*.json`), by name. A broken template throws, naming its file and field. */
export function listTemplates(dir: string): FlowTemplate[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readTemplateFile(path.join(dir, f)));
}

export function findTemplate(dir: string, name: string): FlowTemplate | undefined {
  const file = path.join(dir, `${name}.json`);
  if (!/^[a-z0-9][a-z0-9._-]*$/.test(name) || !fs.existsSync(file)) return undefined;
  return readTemplateFile(file);
}

/** Template `name` from `dir`; a missing one is a ConfigError listing the templates there are. */
export function loadTemplate(dir: string, name: string): FlowTemplate {
  const template = findTemplate(dir, name);
  if (template !== undefined) return template;
  const known = listTemplates(dir).map((t) => t.name);
  throw new ConfigError(
    `no template named "${name}"; templates: ${known.join(', ') || '(none)'} (see \`hub flows templates\`)`,
    { field: 'template' },
  );
}

function prefixed(prefix: string | undefined, name: string): string {
  if (prefix === undefined || prefix === '') return name;
  return /[-._]$/.test(prefix) ? `${prefix}${name}` : `${prefix}-${name}`;
}

/**
 * The flow definitions of a template with the placeholders filled: `connections` maps each role to a connection
 * name. Flow names (and the link group) get `namePrefix`; a sync pair's flows share the link group, each with its
 * conflict policy.
 */
export function instantiateTemplate(
  template: FlowTemplate,
  options: { connections: Record<string, string>; namePrefix?: string },
): FlowDefinition[] {
  const fill = (value: string): string => {
    const role = roleOf(value);
    const connection = role === undefined ? undefined : options.connections[role];
    if (connection === undefined)
      throw new ConfigError(`no connection for placeholder ${value}`, { field: 'connections' });
    return connection;
  };
  const pair = template.syncPair;
  return template.flows.map((flow) => {
    const definition: FlowDefinition = {
      ...structuredClone(flow),
      name: prefixed(options.namePrefix, flow.name),
      source: { ...flow.source, connection: fill(flow.source.connection) },
      target: { ...flow.target, connection: fill(flow.target.connection) },
    };
    if (pair !== undefined)
      definition.sync = { linkGroup: prefixed(options.namePrefix, pair.linkGroup), conflict: pair.conflict[flow.name] };
    else if (template.linkGroup !== undefined) definition.linkGroup = prefixed(options.namePrefix, template.linkGroup);
    return definition;
  });
}
