import jsonata from 'jsonata';
import { jsonataOptions } from '../guardrails';
import { installLimits } from '../limits';
import { createStdlib, registerStdlib } from '../stdlib';
import type { ResolvedEngineOptions } from '../types';
import { NATIVE, type FunctionDefinition, type Runtime } from './functions';
import { NATIVES } from './natives';

/**
 * The function table of compiled code: the function objects the interpreter itself would call, fetched from a
 * JSONata expression set up exactly like a mapping's (hub stdlib registered, guardrail wrappers installed by
 * limits.ts), so a compiled `$pad`, `$join` or `$normalizePhone` is the same object with the same size checks.
 * Fetching is async (JSONata evaluates asynchronously): it happens once per engine-options fingerprint, before the
 * first compiled evaluation.
 */

/** JSONata 2.2's built-in functions (src/jsonata.js, `staticFrame.bind`). */
export const JSONATA_BUILTINS = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'match',
  'contains',
  'replace',
  'split',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'map',
  'zip',
  'filter',
  'single',
  'reduce',
  'sift',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'each',
  'error',
  'assert',
  'type',
  'sort',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'eval',
  'toMillis',
  'fromMillis',
  'clone',
] as const;

export const CONCAT = '__hubConcat';

/** Names every mapping can call: JSONata's built-ins and the hub's stdlib. */
export function knownFunctionNames(): Set<string> {
  return new Set<string>([...JSONATA_BUILTINS, ...createStdlib().map((fn) => fn.name)]);
}

const runtimes = new Map<string, Promise<Runtime>>();

export function loadRuntime(fingerprint: string, options: ResolvedEngineOptions): Promise<Runtime> {
  let runtime = runtimes.get(fingerprint);
  if (!runtime) {
    runtime = buildRuntime(options);
    runtimes.set(fingerprint, runtime);
    runtime.catch(() => runtimes.delete(fingerprint));
  }
  return runtime;
}

async function buildRuntime(options: ResolvedEngineOptions): Promise<Runtime> {
  const stdlib = createStdlib({ defaultCountry: options.defaultCountry, citySynonyms: options.citySynonyms });
  const names = [...JSONATA_BUILTINS, ...stdlib.map((fn) => fn.name), CONCAT];
  const text = `{ ${names.map((name) => `"${name}": $${name}`).join(', ')} }`;
  const helper = jsonata(text, jsonataOptions(options));
  registerStdlib(helper, stdlib);
  installLimits(helper, options);
  const functions = (await helper.evaluate({})) as Record<string, FunctionDefinition>;
  // these function objects belong to the helper expression alone: marking them changes nothing for the interpreter
  for (const [name, native] of Object.entries(NATIVES)) functions[name][NATIVE] = native;
  const concatenate = functions[CONCAT].implementation;
  return {
    functions,
    concat: (lhs, rhs) => concatenate.call(undefined, lhs, rhs),
    options: { sequence: options.maxSequence },
  };
}
