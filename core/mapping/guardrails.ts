import type jsonata from 'jsonata';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Re2RegExp } from './re2-regexp';
import {
  DEFAULT_ENGINE_OPTIONS,
  type MappingEngineOptions,
  type MappingError,
  type ResolvedEngineOptions,
} from './types';

/**
 * Guardrails so a runaway expression fails its record, not the worker:
 *
 * - `timeout`: JSONata checks the wall clock on entry to every AST node evaluation (D1012). This also stops tail-call
 *   optimised recursion, which never grows `stack`. A single built-in call cannot be interrupted (e.g. `$pad` to a
 *   huge width), so the engine also fails any evaluation that finished past its deadline (checkDeadline).
 * - `stack`: maximum AST evaluation depth (D1011); a real JS stack overflow (deeply nested input) maps to the same code.
 * - `sequence`: maximum length of any sequence or range (D2015; ranges over 1e7 are D2014).
 * - `RegexEngine`: regex literals run on RE2 (re2js), linear time, so /^(a+)+$/ cannot backtrack catastrophically.
 */

export function resolveEngineOptions(options: MappingEngineOptions = {}): ResolvedEngineOptions {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_ENGINE_OPTIONS.timeoutMs,
    maxDepth: options.maxDepth ?? DEFAULT_ENGINE_OPTIONS.maxDepth,
    maxSequence: options.maxSequence ?? DEFAULT_ENGINE_OPTIONS.maxSequence,
    defaultCountry: options.defaultCountry,
    citySynonyms: options.citySynonyms ?? {},
    validateSource: options.validateSource,
    validateOutput: options.validateOutput ?? true,
  };
}

export function jsonataOptions(options: ResolvedEngineOptions): jsonata.JsonataOptions {
  return {
    timeout: options.timeoutMs,
    stack: options.maxDepth,
    sequence: options.maxSequence,
    RegexEngine: Re2RegExp as unknown as RegExpConstructor,
  };
}

/** Rewrites guardrail errors so the message names the configured limit; other errors pass through. */
export function explainGuardrail(error: MappingError, options: ResolvedEngineOptions): MappingError {
  switch (error.code) {
    case 'guardrail.timeout':
      return {
        ...error,
        message: `Evaluation stopped after the ${options.timeoutMs} ms time limit (check for an infinite loop or runaway recursion)`,
      };
    case 'guardrail.stack':
      return {
        ...error,
        message: `Evaluation exceeded the maximum depth of ${options.maxDepth} (check for non-terminating recursion): ${error.message}`,
      };
    case 'guardrail.sequence':
      return {
        ...error,
        message: `A sequence exceeded the maximum length of ${options.maxSequence} items: ${error.message}`,
      };
    default:
      return error;
  }
}

/** Fails an evaluation that returned after its deadline (a long, uninterruptible built-in call). */
export function checkDeadline(startedAt: number, options: ResolvedEngineOptions): MappingError | undefined {
  const elapsed = Date.now() - startedAt;
  if (elapsed <= options.timeoutMs) return undefined;
  return {
    code: 'guardrail.timeout',
    message: `Evaluation took ${elapsed} ms, over the ${options.timeoutMs} ms time limit (a single built-in call ran too long)`,
  };
}

/**
 * JSONata evaluation is a chain of promise continuations (microtasks) and never lets timers or I/O run. A page of
 * records would hold the event loop for its whole duration, so the page loop yields every `sliceMs`.
 */
export function createYielder(sliceMs = 20): () => Promise<void> {
  let last = Date.now();
  return async () => {
    if (Date.now() - last < sliceMs) return;
    await yieldToEventLoop();
    last = Date.now();
  };
}
