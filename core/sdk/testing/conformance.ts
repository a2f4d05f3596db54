import { validateDefinition } from '../../registry/validate';
import type { ConnectorInfo } from '../contracts';
import type { ConnectorDefinition } from '../define';
import { conformanceRules } from './checks';
import {
  fail,
  pass,
  text,
  type ConformanceOptions,
  type ConformanceRule,
  type RuleResult,
  type Verdict,
} from './options';

/**
 * The conformance kit: the same checks the hub runs on its built-in connectors, for a partner to run on a plugin.
 *
 *   import { describeConnectorConformance } from 'connector-hub/sdk/testing';
 *   import { connector } from '../src';
 *   describeConnectorConformance(connector, {
 *     settings: () => ({ apiUrl: sandbox.url, apiKey: 'test' }),
 *     sampleRecords: { upsertContacts: [{ email: 'a@example.com' }] },
 *     badSettings: () => ({ apiUrl: sandbox.url, apiKey: 'wrong' }),   // optional hooks: see ConformanceOptions
 *   });
 *
 * Every rule has a stable id (`stream.resumable`, `action.idempotent`…) and answers pass, fail (with what it
 * expected and what it saw) or skip (why it does not apply, e.g. "not applicable (no hook given: rateLimit)").
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

/** Rule of the static checks; the others need a statically valid definition. */
function staticRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.valid',
    title: "the definition passes the registry's static checks",
    run: async () => {
      const { problems } = checkConnectorConformance(definition);
      return problems.length === 0 ? pass : fail('a valid definition', problems.join('; '));
    },
  };
}

async function verdictOf(rule: ConformanceRule): Promise<Verdict> {
  if (rule.skip !== undefined) return { status: 'skip', seen: rule.skip };
  try {
    return await rule.run();
  } catch (error) {
    return fail('the rule to run to the end', `it threw ${text(error)}`);
  }
}

function resultOf(rule: ConformanceRule, verdict: Verdict): RuleResult {
  const result: RuleResult = { id: rule.id, status: verdict.status };
  if (rule.subject !== undefined) result.subject = rule.subject;
  if (verdict.status === 'fail') result.expected = verdict.expected;
  if (verdict.status !== 'pass') result.seen = verdict.seen;
  return result;
}

/** One line for a result: `fail  stream.resumable [contacts]  expected …; seen …`. */
export function formatRuleResult(result: RuleResult): string {
  const name = `${result.id}${result.subject === undefined ? '' : ` [${result.subject}]`}`;
  const detail =
    result.status === 'fail'
      ? `  expected: ${result.expected ?? '?'}; seen: ${result.seen ?? '?'}`
      : result.status === 'skip'
        ? `  ${result.seen ?? ''}`
        : '';
  return `${result.status.padEnd(4)}  ${name}${detail}`;
}

export interface ConformanceReport extends ConformanceResult {
  /** One result per rule (per stream / action / webhook for the per-item rules), in order. */
  results: RuleResult[];
}

/**
 * Runs every rule without a test framework (for `hub plugins check`). `ok` is false when a rule failed; skipped
 * rules do not fail the run. `problems` has one line per failure, as the kit's first version returned them.
 */
export async function runConnectorConformance<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S> = {},
): Promise<ConformanceReport> {
  const first = staticRule(definition);
  const results = [resultOf(first, await verdictOf(first))];
  // the other rules read streams and actions off the definition: only a valid one has them
  if (results[0]!.status === 'pass')
    for (const rule of conformanceRules(definition, options)) results.push(resultOf(rule, await verdictOf(rule)));
  const problems = results.filter((r) => r.status === 'fail').map((r) => formatRuleResult(r).replace(/^fail\s+/, ''));
  return { ok: problems.length === 0, problems, results };
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

/** The test name of a rule: its id, the stream/action/webhook it looks at, and what it checks. */
export function ruleTestName(rule: Pick<ConformanceRule, 'id' | 'subject' | 'title'>): string {
  return `${rule.id}${rule.subject === undefined ? '' : ` [${rule.subject}]`}: ${rule.title}`;
}

/**
 * Registers one test per rule with the test framework (its global `describe`/`it`, or the ones passed as
 * `testApi`). Rules that cannot apply (a hook is missing, no webhooks) are not registered: a framework cannot
 * report them as skipped without hiding them; `runConnectorConformance` lists them. A rule that finds at run time
 * that it cannot apply (a stream with a single page) passes.
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
    // the run-time rules would only repeat the static failure; the static test names it
    const rules = staticOk
      ? [staticRule(definition), ...conformanceRules(definition, options)]
      : [staticRule(definition)];
    for (const rule of rules.filter((r) => r.skip === undefined)) {
      api.it(
        ruleTestName(rule),
        async () => {
          const verdict = await verdictOf(rule);
          if (verdict.status === 'fail')
            throw new Error(`${ruleTestName(rule)}\n  expected: ${verdict.expected}\n  seen:     ${verdict.seen}`);
        },
        options.timeoutMs ?? 30_000,
      );
    }
  });
}

export type { ConformanceCheck } from './checks';
export type { ConformanceOptions, ConformanceRule, RuleResult, RuleStatus } from './options';
