import { isDeepStrictEqual } from 'node:util';
import type { ValidateFunction } from 'ajv';
import { createSchemaAjv, formatAjvErrors, toJsonSchema } from '../../registry/validate';
import { WriteOutcome, type Json } from '../contracts';
import type {
  ActionDefinition,
  ConnectionContext,
  ConnectorDefinition,
  ConnectorLogger,
  StreamDefinition,
} from '../define';

/**
 * The run-time half of the conformance kit: each check runs one part of a connector against a real (or sandboxed)
 * connection and returns the problems it saw, one sentence each. Empty means the check passed.
 */

export interface ConformanceOptions<S> {
  /** Settings of the connection the checks use (a temp folder, a sandbox URL, nock-backed credentials…). */
  settings?: () => S | Promise<S>;
  /** Input records for each action, by action name; every action needs at least one. */
  sampleRecords?: Partial<Record<string, object[]>>;
  /** Pages read per stream before stopping (default 5), so a large source stays quick. */
  maxPages?: number;
  /** Per-test timeout handed to `it` (default 30 s). */
  timeoutMs?: number;
}

export interface ConformanceCheck {
  name: string;
  run(): Promise<string[]>;
}

const silentLog: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };
const outcomeValidator = createSchemaAjv({}).compile(toJsonSchema(WriteOutcome));

async function connectionFor<S>(options: ConformanceOptions<S>): Promise<ConnectionContext<S>> {
  const settings = options.settings ? await options.settings() : ({} as S);
  return { id: 'conformance', name: 'conformance', settings, log: silentLog };
}

function compile(schema: unknown): ValidateFunction {
  const json = toJsonSchema(schema);
  return createSchemaAjv(json).compile(json);
}

function text(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function checkpointProblem(checkpoint: unknown): string | undefined {
  if (checkpoint === undefined) return 'checkpoint is undefined (use null for "no checkpoint")';
  let copy: unknown;
  try {
    copy = JSON.parse(JSON.stringify(checkpoint)) as Json;
  } catch (error) {
    return `checkpoint is not JSON-serialisable: ${text(error)}`;
  }
  return isDeepStrictEqual(copy, checkpoint)
    ? undefined
    : 'checkpoint does not survive a JSON round trip (undefined, Date, Map, class instance…)';
}

interface ReadSummary {
  problems: string[];
  pages: number;
  records: number;
  last: Json | null;
}

/** Reads up to maxPages pages and checks each page, record and checkpoint. */
async function readAndCheck<S>(
  stream: StreamDefinition<S, object>,
  connection: ConnectionContext<S>,
  checkpoint: Json | null,
  maxPages: number,
): Promise<ReadSummary> {
  const validate = compile(stream.recordSchema);
  const summary: ReadSummary = { problems: [], pages: 0, records: 0, last: checkpoint };
  const add = (problem: string) => {
    if (summary.problems.length < 20) summary.problems.push(problem);
  };
  try {
    for await (const page of stream.read({ connection, checkpoint })) {
      summary.pages += 1;
      const at = `page ${summary.pages}`;
      if (typeof page !== 'object' || page === null || !Array.isArray(page.records)) {
        add(`${at} is not { records: [], checkpoint }`);
        break;
      }
      page.records.forEach((record, i) => {
        if (!validate(record)) add(`${at} record ${i}: ${formatAjvErrors(validate.errors).join('; ')}`);
        for (const field of stream.identity) {
          const value = (record as Record<string, unknown>)[field];
          if (value === undefined || value === null || value === '')
            add(`${at} record ${i}: identity field "${field}" is empty`);
        }
      });
      summary.records += page.records.length;
      const problem = checkpointProblem(page.checkpoint);
      if (problem !== undefined) add(`${at}: ${problem}`);
      else summary.last = page.checkpoint;
      if (summary.pages >= maxPages) break;
    }
  } catch (error) {
    add(`read threw after ${summary.pages} page(s): ${text(error)}`);
  }
  return summary;
}

function streamChecks<S>(stream: StreamDefinition<S, object>, options: ConformanceOptions<S>): ConformanceCheck[] {
  const maxPages = options.maxPages ?? 5;
  return [
    {
      name: `stream ${stream.name}: read yields pages of valid records with a JSON checkpoint`,
      async run() {
        const summary = await readAndCheck(stream, await connectionFor(options), null, maxPages);
        return summary.problems;
      },
    },
    {
      name: `stream ${stream.name}: a read resumed from the last checkpoint yields valid pages`,
      async run() {
        const connection = await connectionFor(options);
        const first = await readAndCheck(stream, connection, null, maxPages);
        if (first.problems.length > 0) return first.problems.map((p) => `first read: ${p}`);
        const resumed = await readAndCheck(stream, connection, first.last, maxPages);
        return resumed.problems.map((p) => `resumed read: ${p}`);
      },
    },
  ];
}

function actionCheck<S>(
  definition: ConnectorDefinition<S>,
  action: ActionDefinition<S, object>,
  options: ConformanceOptions<S>,
): ConformanceCheck {
  return {
    name: `action ${action.name}: write returns exactly one valid WriteOutcome per record`,
    async run() {
      const records = options.sampleRecords?.[action.name];
      if (records === undefined || records.length === 0) {
        return [`no sample records for action "${action.name}": pass sampleRecords: { ${action.name}: [ … ] }`];
      }
      const problems: string[] = [];
      const limit = definition.policy.maxBatchSize[action.name];
      if (limit !== undefined && records.length > limit)
        problems.push(`${records.length} sample records exceed maxBatchSize ${limit}`);
      const validate = compile(action.recordSchema);
      records.forEach((record, i) => {
        if (!validate(record))
          problems.push(
            `sample record ${i} does not match the action's record schema: ${formatAjvErrors(validate.errors).join('; ')}`,
          );
      });
      if (problems.length > 0) return problems;
      let outcomes: unknown;
      try {
        outcomes = await action.write({ connection: await connectionFor(options), records });
      } catch (error) {
        return [`write threw instead of returning outcomes: ${text(error)}`];
      }
      if (!Array.isArray(outcomes)) return ['write did not return an array of outcomes'];
      if (outcomes.length !== records.length)
        problems.push(`write returned ${outcomes.length} outcomes for ${records.length} records`);
      outcomes.forEach((outcome: unknown, i) => {
        if (!outcomeValidator(outcome)) problems.push(`outcome ${i} is not a WriteOutcome: ${JSON.stringify(outcome)}`);
      });
      return problems;
    },
  };
}

function checkCheck<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceCheck {
  return {
    name: 'check() answers { ok: true, message } for the given settings',
    async run() {
      try {
        const result: unknown = await definition.check(await connectionFor(options));
        const r = result as { ok?: unknown; message?: unknown } | null;
        if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean' || typeof r.message !== 'string') {
          return [`check() returned ${JSON.stringify(result)}, expected { ok: boolean, message: string }`];
        }
        return r.ok ? [] : [`check() failed: ${r.message}`];
      } catch (error) {
        return [`check() threw: ${text(error)}`];
      }
    },
  };
}

/** The run-time checks for a (statically valid) definition: check(), every stream, every action. */
export function runtimeChecks<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S>,
): ConformanceCheck[] {
  return [
    checkCheck(definition, options),
    ...definition.streams.flatMap((stream) => streamChecks(stream, options)),
    ...definition.actions.map((action) => actionCheck(definition, action, options)),
  ];
}
