import { validateDefinition } from '../../registry/validate';
import type { ConnectorInfo } from '../contracts';
import type { ConnectorDefinition } from '../define';
import { runtimeChecks, type ConformanceCheck, type ConformanceOptions } from './checks';

/**
 * The conformance kit: the same checks the hub runs on its built-in connectors, for a partner to run on a plugin.
 *
 *   import { describeConnectorConformance } from 'connector-hub/sdk/testing';
 *   import { connector } from '../src';
 *   describeConnectorConformance(connector, {
 *     settings: () => ({ apiUrl: sandbox.url, apiKey: 'test' }),
 *     sampleRecords: { upsertContacts: [{ email: 'a@example.com' }] },
 *   });
 */

export interface ConformanceResult {
  ok: boolean;
  problems: string[];
}

function propertyNames(schema: Record<string, unknown>): Set<string> | undefined {
  const names = new Set<string>();
  let seen = false;
  const parts = [schema, ...(Array.isArray(schema.allOf) ? (schema.allOf as unknown[]) : [])];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const props = (part as { properties?: unknown }).properties;
    if (typeof props !== 'object' || props === null) continue;
    seen = true;
    for (const key of Object.keys(props)) names.add(key);
  }
  return seen ? names : undefined;
}

function fieldProblems(info: ConnectorInfo): string[] {
  const problems: string[] = [];
  const require = (where: string, schema: Record<string, unknown>, fields: string[], what: string) => {
    const names = propertyNames(schema);
    for (const field of fields) {
      if (names === undefined || !names.has(field))
        problems.push(`${where}: ${what} "${field}" is not a property of the record schema`);
    }
  };
  info.streams.forEach((s, i) => {
    require(`/streams/${i}/identity`, s.recordSchema, s.identity, 'identity field');
    if (s.modifiedField !== undefined)
      require(`/streams/${i}/modifiedField`, s.recordSchema, [s.modifiedField], 'modified field');
  });
  info.actions.forEach((a, i) => {
    if (a.identity !== undefined) require(`/actions/${i}/identity`, a.recordSchema, a.identity, 'identity field');
  });
  return problems;
}

/**
 * Static conformance: the definition is valid (as the registry checks it), names are unique, every action has a
 * batch size, schemas compile, and identity / modified fields are properties of their record schemas.
 */
export function checkConnectorConformance(definition: unknown): ConformanceResult {
  const { problems, info } = validateDefinition(definition);
  const all = info === undefined ? problems : [...problems, ...fieldProblems(info)];
  return { ok: all.length === 0, problems: all };
}

/** All checks, static first; the run-time checks need a statically valid definition. */
function allChecks<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceCheck[] {
  const staticCheck: ConformanceCheck = {
    name: 'definition passes the static checks',
    run: async () => checkConnectorConformance(definition).problems,
  };
  return [staticCheck, ...runtimeChecks(definition, options)];
}

/** Runs every check without a test framework (for `hub plugins check`); problems are prefixed with the check. */
export async function runConnectorConformance<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S> = {},
): Promise<ConformanceResult> {
  const first = checkConnectorConformance(definition);
  if (!first.ok) return first;
  const problems: string[] = [];
  for (const check of allChecks(definition, options).slice(1)) {
    for (const problem of await check.run()) problems.push(`${check.name}: ${problem}`);
  }
  return { ok: problems.length === 0, problems };
}

/** The two functions of a test framework the kit needs; jest, vitest and mocha all fit. */
export interface ConformanceTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeout?: number): void;
}

function globalTestApi(): ConformanceTestApi | undefined {
  const g = globalThis as { describe?: unknown; it?: unknown };
  if (typeof g.describe !== 'function' || typeof g.it !== 'function') return undefined;
  return { describe: g.describe as ConformanceTestApi['describe'], it: g.it as ConformanceTestApi['it'] };
}

/**
 * Registers the standard tests for a connector with the test framework (its global `describe`/`it`, or the ones
 * passed as `testApi`): the definition is valid, check() succeeds, each stream's read yields valid pages with a
 * JSON checkpoint (and resumes from it), each action's write returns one valid WriteOutcome per record.
 */
export function describeConnectorConformance<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S> & { testApi?: ConformanceTestApi } = {},
): void {
  const api = options.testApi ?? globalTestApi();
  if (api === undefined)
    throw new Error('describeConnectorConformance needs describe/it: run it under jest, or pass testApi');
  const id = typeof definition === 'object' && definition !== null ? definition.id : String(definition);
  const staticOk = checkConnectorConformance(definition).ok;
  api.describe(`connector ${id} conformance`, () => {
    const checks = allChecks(definition, options);
    // the run-time checks would only repeat the static failure; the static test names it
    for (const check of staticOk ? checks : checks.slice(0, 1)) {
      api.it(
        check.name,
        async () => {
          const problems = await check.run();
          if (problems.length > 0) throw new Error(`${check.name}:\n  - ${problems.join('\n  - ')}`);
        },
        options.timeoutMs ?? 30_000,
      );
    }
  });
}

export type { ConformanceCheck, ConformanceOptions } from './checks';
