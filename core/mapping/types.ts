import { Type, type Static } from '@sinclair/typebox';

/**
 * Shapes of the mapping engine. Every shape that is also read from disk or sent over the API is a TypeBox schema;
 * the TypeScript type is derived from it (one source of truth).
 */

const JsonSchemaObject = Type.Record(Type.String(), Type.Unknown(), {
  description: 'A JSON Schema document (draft-07, 2019-09 or 2020-12, chosen by its $schema)',
});

/** A reference to a JSON Schema on disk: a path relative to the mapping folder, optionally with a #/json/pointer. */
export const SchemaRef = Type.Union(
  [
    Type.String({ minLength: 1 }),
    Type.Object({ $ref: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  ],
  { description: 'Path (relative to the mapping folder) or { "$ref": path }, optionally with a #/pointer fragment' },
);
export type SchemaRef = Static<typeof SchemaRef>;

export const MappingIdPattern = '^[a-z0-9][a-z0-9._-]*$';

/** `mappings/<name>/mapping.json`. */
export const MappingManifest = Type.Object(
  {
    id: Type.String({ pattern: MappingIdPattern }),
    version: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.String(),
    source: Type.Object(
      {
        schema: SchemaRef,
        validate: Type.Optional(Type.Boolean({ description: 'Validate each input record against the source schema' })),
      },
      { additionalProperties: false },
    ),
    target: Type.Object({ schema: SchemaRef }, { additionalProperties: false }),
    expression: Type.String({
      minLength: 1,
      description: 'File name of the JSONata expression, e.g. expression.jsonata',
    }),
  },
  { additionalProperties: false },
);
export type MappingManifest = Static<typeof MappingManifest>;

/** Where a mapping loaded from disk came from (used for error messages and the fixture runner). */
export const MappingOrigin = Type.Object({
  dir: Type.String(),
  manifestFile: Type.String(),
  expressionFile: Type.String(),
  sourceSchemaFile: Type.Optional(Type.String()),
  targetSchemaFile: Type.Optional(Type.String()),
});
export type MappingOrigin = Static<typeof MappingOrigin>;

/** A mapping in memory, ready to compile: the expression text and the resolved schemas. */
export const MappingDefinition = Type.Object({
  id: Type.String({ pattern: MappingIdPattern }),
  version: Type.Optional(Type.String({ minLength: 1 })),
  description: Type.Optional(Type.String()),
  expression: Type.String({ description: 'JSONata expression text' }),
  source: Type.Optional(
    Type.Object({ schema: Type.Optional(JsonSchemaObject), validate: Type.Optional(Type.Boolean()) }),
  ),
  target: Type.Optional(Type.Object({ schema: Type.Optional(JsonSchemaObject) })),
  origin: Type.Optional(MappingOrigin),
});
export type MappingDefinition = Static<typeof MappingDefinition>;

/** One field-level problem (schema validation). */
export const MappingErrorDetail = Type.Object({ field: Type.String(), message: Type.String() });
export type MappingErrorDetail = Static<typeof MappingErrorDetail>;

/**
 * A plain, serialisable error for one record (goes to the dead-letter ledger and API responses; never a stack).
 * `code` is ours (`compile.syntax`, `evaluate.error`, `guardrail.timeout`, `output.invalid`, ...);
 * `jsonataCode` is JSONata's own code (S0201, T2001, D1012, ...) when there is one.
 * `line`/`column` are 1-based positions in the expression text.
 */
export const MappingError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  jsonataCode: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer({ minimum: 1 })),
  column: Type.Optional(Type.Integer({ minimum: 1 })),
  token: Type.Optional(Type.String()),
  field: Type.Optional(Type.String({ description: 'JSON pointer of the offending field, e.g. /email' })),
  details: Type.Optional(Type.Array(MappingErrorDetail)),
});
export type MappingError = Static<typeof MappingError>;

export type MapResult = { ok: true; value: unknown } | { ok: false; error: MappingError };

/**
 * Engine-wide options. Guardrail defaults: 1000 ms of CPU time, depth 200, sequence 100000, strings of 1 000 000
 * characters, 10 000 000 characters of output and 50 000 000 characters/items built per record.
 */
export const MappingEngineOptions = Type.Object({
  timeoutMs: Type.Optional(
    Type.Integer({ minimum: 1, default: 1000, description: 'CPU time (not wall time) one record may use' }),
  ),
  maxDepth: Type.Optional(Type.Integer({ minimum: 1, default: 200 })),
  maxSequence: Type.Optional(Type.Integer({ minimum: 1, default: 100000 })),
  maxStringLength: Type.Optional(
    Type.Integer({ minimum: 1, default: 1000000, description: 'Longest string a function or & may produce' }),
  ),
  maxOutputSize: Type.Optional(
    Type.Integer({ minimum: 1, default: 10000000, description: 'Largest output record, in JSON characters' }),
  ),
  maxAllocation: Type.Optional(
    Type.Integer({
      minimum: 1,
      default: 50000000,
      description: 'Characters of large strings plus items of large arrays that function calls may build per record',
    }),
  ),
  defaultCountry: Type.Optional(
    Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 default for $normalizePhone' }),
  ),
  citySynonyms: Type.Optional(
    Type.Record(Type.String(), Type.Array(Type.String()), { description: 'canonical name → synonyms' }),
  ),
  validateSource: Type.Optional(Type.Boolean({ description: 'Overrides the mapping’s own source.validate' })),
  validateOutput: Type.Optional(Type.Boolean({ default: true })),
});
export type MappingEngineOptions = Static<typeof MappingEngineOptions>;

export interface ResolvedEngineOptions {
  timeoutMs: number;
  maxDepth: number;
  maxSequence: number;
  maxStringLength: number;
  maxOutputSize: number;
  maxAllocation: number;
  defaultCountry?: string;
  citySynonyms: Record<string, string[]>;
  validateSource?: boolean;
  validateOutput: boolean;
}

export const DEFAULT_ENGINE_OPTIONS = {
  timeoutMs: 1000,
  maxDepth: 200,
  maxSequence: 100000,
  maxStringLength: 1000000,
  maxOutputSize: 10000000,
  maxAllocation: 50000000,
} as const;

export interface CompiledMapping {
  readonly id: string;
  /** The mapping's declared version, or the content hash of its expression. */
  readonly version: string;
  /** sha256 of the expression text (first 16 hex chars). */
  readonly expressionHash: string;
  /**
   * Maps one record; never throws. The time limit counts this thread's CPU time; evaluations on one thread run one
   * at a time (concurrent calls wait their turn), so they never count each other's time.
   */
  evaluate(record: unknown): Promise<MapResult>;
  /** Evaluates records one after another (guardrail timing stays per record), yielding to the event loop between. */
  evaluatePage(records: readonly unknown[]): Promise<MapResult[]>;
}
