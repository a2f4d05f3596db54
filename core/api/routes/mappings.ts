import { Type } from '@sinclair/typebox';
import { pageInMemory } from '../pagination';
import { defineRoute } from '../route';
import {
  ListQuery,
  MapResult,
  Mapping,
  MappingFixture,
  MappingSummary,
  MappingVersionInput,
  NewMapping,
  Page,
  Ref,
} from '../schemas';

const JsonSchemaDocument = Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON Schema document' });

const FixtureOutcome = Type.Object(
  {
    name: Type.Optional(Type.String()),
    pass: Type.Boolean(),
    result: MapResult,
    diffs: Type.Array(
      Type.Object({
        path: Type.String(),
        kind: Type.Union([Type.Literal('missing'), Type.Literal('unexpected'), Type.Literal('changed')]),
        expected: Type.Optional(Type.Unknown()),
        actual: Type.Optional(Type.Unknown()),
      }),
    ),
  },
  { title: 'FixtureOutcome' },
);

const MappingParams = Type.Object({ mappingId: Ref('Mapping id, as flows refer to it (mapping.id)') });

/** Mappings: stored versions over the mappings folder, saved only when they compile and pass their fixtures. */
export const mappingRoutes = [
  defineRoute({
    method: 'get',
    path: '/mappings',
    operationId: 'listMappings',
    tag: 'mappings',
    permission: 'mappings:read',
    summary: 'List mappings: the current version of each (stored, or from the mappings folder)',
    query: ListQuery({
      origin: Type.Optional(Type.Union([Type.Literal('store'), Type.Literal('folder')])),
    }),
    response: { status: 200, description: 'A page of mappings, by id', schema: Page(MappingSummary) },
    handler: async ({ deps, query }) => {
      const all = (await deps.mappings.list()).filter((m) => query.origin === undefined || m.origin === query.origin);
      return pageInMemory(all, (m) => m.id, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/mappings/:mappingId',
    operationId: 'getMapping',
    tag: 'mappings',
    permission: 'mappings:read',
    summary: 'Show a mapping (the current version, or ?version=): expression, schemas, fixtures and versions',
    params: MappingParams,
    query: Type.Object(
      { version: Type.Optional(Type.String({ minLength: 1, description: 'A stored version' })) },
      { additionalProperties: false },
    ),
    response: { status: 200, description: 'The mapping', schema: Mapping },
    problems: [404],
    handler: async ({ deps, params, query }) => deps.mappings.show(params.mappingId, query.version),
  }),
  defineRoute({
    method: 'post',
    path: '/mappings',
    operationId: 'createMapping',
    tag: 'mappings',
    permission: 'mappings:write',
    summary: 'Create a mapping: compiled and checked against its fixtures before it is saved',
    description:
      'The expression is compiled (a syntax error names `/body/expression` with line and column) and every ' +
      'fixture is run against it; a failing fixture is a 422 naming `/body/fixtures/<n>` with the differences. ' +
      'Fixtures run in a worker thread within the engine guardrails and a 3 s CPU budget for the request, so a ' +
      'runaway fixture fails with a `guardrail.*` reason naming the limit. Nothing is saved unless all pass.',
    body: NewMapping,
    response: { status: 201, description: 'The saved mapping', schema: Mapping },
    problems: [409, 422],
    handler: async ({ deps, body, actor }) => {
      const { name, ...version } = body;
      return deps.mappings.save(name, version, { create: true, actor });
    },
  }),
  defineRoute({
    method: 'put',
    path: '/mappings/:mappingId',
    operationId: 'saveMappingVersion',
    tag: 'mappings',
    permission: 'mappings:write',
    summary: 'Save a new version of a mapping (it becomes current), after compile and fixture checks',
    description:
      'A version is immutable: saving the same content again changes nothing, other content under an existing ' +
      'version is a 409. A mapping from the mappings folder can be given a stored version, which then overrides it.',
    params: MappingParams,
    body: MappingVersionInput,
    response: { status: 200, description: 'The mapping at the saved version', schema: Mapping },
    problems: [404, 409, 422],
    handler: async ({ deps, params, body, actor }) =>
      deps.mappings.save(params.mappingId, body, { create: false, actor }),
  }),
  defineRoute({
    method: 'post',
    path: '/mappings/:mappingId/preview',
    operationId: 'previewMapping',
    tag: 'mappings',
    permission: 'mappings:preview',
    summary: 'Evaluate a mapping against sample records (nothing is saved or written)',
    description:
      'Records are evaluated one after another in a worker thread with its own memory limit, each within the ' +
      'engine guardrails (CPU time, string length, sequence length, output size). The whole request has a CPU ' +
      'budget (3 s): records after it is spent fail with `guardrail.budget`. A runaway record fails with a ' +
      '`guardrail.*` error naming the limit; the others are unaffected.',
    params: MappingParams,
    body: Type.Object(
      {
        records: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 100, description: 'Sample source records' }),
        version: Type.Optional(Type.String({ minLength: 1 })),
        draft: Type.Optional(
          Type.Object(
            {
              expression: Type.String({ minLength: 1, maxLength: 200_000, description: 'JSONata expression' }),
              sourceSchema: Type.Optional(JsonSchemaDocument),
              targetSchema: Type.Optional(JsonSchemaDocument),
            },
            {
              additionalProperties: false,
              description:
                'Evaluate this unsaved expression instead of a stored version (the mapping workbench); the schemas ' +
                "default to the current version. A syntax error is every record's result, with line and column.",
            },
          ),
        ),
        fixtures: Type.Optional(
          Type.Array(MappingFixture, {
            maxItems: 200,
            description: 'Fixtures to run too (with a draft): each answered with pass/fail and the differences',
          }),
        ),
      },
      { additionalProperties: false },
    ),
    response: {
      status: 200,
      description: 'One result per record: the mapped value, or the error naming the field',
      schema: Type.Object({
        results: Type.Array(MapResult),
        fixtures: Type.Optional(Type.Array(FixtureOutcome)),
      }),
    },
    problems: [404],
    handler: async ({ deps, params, body }) => {
      if (body.draft !== undefined)
        return deps.mappings.previewDraft(params.mappingId, body.draft, body.records, body.fixtures ?? []);
      return { results: await deps.mappings.preview(params.mappingId, body.records, body.version) };
    },
  }),
];
