import { createHash } from 'node:crypto';
import jsonata from 'jsonata';
import { MappingCompileError, offsetToLineColumn, toMappingError } from './errors';
import { jsonataOptions } from './guardrails';
import { installLimits } from './limits';
import { compileRe2 } from './re2-regexp';
import { createStdlib, registerStdlib, type StdlibFunction } from './stdlib';
import type { MappingError, ResolvedEngineOptions } from './types';

/**
 * Compiled JSONata expressions, cached per mapping id + version + content hash + engine options (the guardrail
 * limits and stdlib settings are baked into a compiled expression). Bounded; least recently used goes first.
 */

const MAX_ENTRIES = 500;
const expressions = new Map<string, jsonata.Expression>();
const stdlibs = new Map<string, StdlibFunction[]>();
const stats = { hits: 0, misses: 0 };

export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

function optionsFingerprint(options: ResolvedEngineOptions): string {
  const { timeoutMs, maxDepth, maxSequence, maxStringLength, maxAllocation, defaultCountry, citySynonyms } = options;
  const limits = [timeoutMs, maxDepth, maxSequence, maxStringLength, maxAllocation];
  return hashText(JSON.stringify([...limits, defaultCountry ?? '', citySynonyms]));
}

function stdlibFor(fingerprint: string, options: ResolvedEngineOptions): StdlibFunction[] {
  let functions = stdlibs.get(fingerprint);
  if (!functions) {
    try {
      functions = createStdlib({ defaultCountry: options.defaultCountry, citySynonyms: options.citySynonyms });
    } catch (err) {
      const message = toMappingError(err, '', 'compile').message;
      throw new MappingCompileError({ code: 'options.invalid', message: `invalid mapping engine options: ${message}` });
    }
    stdlibs.set(fingerprint, functions);
  }
  return functions;
}

interface RegexNode {
  type: 'regex';
  value: RegExp;
  position?: number;
}

function isRegexNode(node: unknown): node is RegexNode {
  return (
    typeof node === 'object' &&
    node !== null &&
    (node as RegexNode).type === 'regex' &&
    (node as RegexNode).value instanceof RegExp
  );
}

/** Every regex literal must compile on RE2; reported at compile time with its position, not per record. */
function findUnsupportedRegex(node: unknown, text: string, seen = new Set<unknown>()): MappingError | undefined {
  if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
  seen.add(node);
  if (isRegexNode(node)) {
    try {
      compileRe2(node.value.source, node.value.flags);
      return undefined;
    } catch (err) {
      const token = `/${node.value.source}/`;
      const error: MappingError = { ...toMappingError(err, text, 'compile'), token };
      const start = text.lastIndexOf(token, node.position ?? text.length);
      if (start >= 0) Object.assign(error, offsetToLineColumn(text, start));
      return error;
    }
  }
  for (const child of Object.values(node)) {
    const found = findUnsupportedRegex(child, text, seen);
    if (found) return found;
  }
  return undefined;
}

export interface CompiledExpression {
  key: string;
  hash: string;
  expression: jsonata.Expression;
}

/** Returns the cached compiled expression or compiles it; throws MappingCompileError with line/column. */
export function getCompiledExpression(
  id: string,
  version: string | undefined,
  text: string,
  options: ResolvedEngineOptions,
): CompiledExpression {
  const hash = hashText(text);
  const fingerprint = optionsFingerprint(options);
  const key = `${id}@${version ?? hash}#${hash}:${fingerprint}`;
  const cached = expressions.get(key);
  if (cached) {
    stats.hits++;
    expressions.delete(key);
    expressions.set(key, cached);
    return { key, hash, expression: cached };
  }
  stats.misses++;
  let expression: jsonata.Expression;
  try {
    expression = jsonata(text, jsonataOptions(options));
  } catch (err) {
    throw new MappingCompileError(toMappingError(err, text, 'compile'), id);
  }
  const regexError = findUnsupportedRegex(expression.ast(), text);
  if (regexError) throw new MappingCompileError(regexError, id);
  registerStdlib(expression, stdlibFor(fingerprint, options));
  installLimits(expression, options);
  if (expressions.size >= MAX_ENTRIES) expressions.delete(expressions.keys().next().value as string);
  expressions.set(key, expression);
  return { key, hash, expression };
}

export function mappingCacheStats(): { size: number; hits: number; misses: number } {
  return { size: expressions.size, ...stats };
}

export function clearMappingCache(): void {
  expressions.clear();
  stdlibs.clear();
  stats.hits = 0;
  stats.misses = 0;
}
