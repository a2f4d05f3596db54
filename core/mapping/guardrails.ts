import type jsonata from 'jsonata';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { threadCpuMs } from './cpu-clock';
import { guardedJsonataOptions } from './limits';
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
 * - `timeout`: the CPU time of this thread (not the wall clock: a paused or loaded machine must not fail valid
 *   records) is checked every few AST nodes (limits.ts, reported as D1012). This also stops tail-call optimised
 *   recursion, which never grows `stack`. The engine also fails an evaluation whose total CPU time ended over the
 *   limit (checkDeadline), e.g. one long built-in call between two checks.
 * - `stack`: maximum AST evaluation depth (D1011); a real JS stack overflow (deeply nested input) maps to the same code.
 * - `sequence`: maximum length of any sequence or range (D2015; ranges over 1e7 are D2014), and of any array a
 *   function returns (`$split`, `$keys`, … — limits.ts).
 * - `maxStringLength`, `maxAllocation`, `maxOutputSize`: string- and array-producing built-ins and `&` are checked
 *   before they allocate, every call result on the way out, and the output record as it is copied (limits.ts,
 *   plain-json.ts), so no expression can exhaust the heap of the thread it runs on.
 * - `RegexEngine`: regex literals run on RE2 (re2js), linear time, so /^(a+)+$/ cannot backtrack catastrophically.
 */

export function resolveEngineOptions(options: MappingEngineOptions = {}): ResolvedEngineOptions {
  return {
    timeoutMs: options.timeoutMs ?? DEFAULT_ENGINE_OPTIONS.timeoutMs,
    maxDepth: options.maxDepth ?? DEFAULT_ENGINE_OPTIONS.maxDepth,
    maxSequence: options.maxSequence ?? DEFAULT_ENGINE_OPTIONS.maxSequence,
    maxStringLength: options.maxStringLength ?? DEFAULT_ENGINE_OPTIONS.maxStringLength,
    maxOutputSize: options.maxOutputSize ?? DEFAULT_ENGINE_OPTIONS.maxOutputSize,
    maxAllocation: options.maxAllocation ?? DEFAULT_ENGINE_OPTIONS.maxAllocation,
    defaultCountry: options.defaultCountry,
    citySynonyms: options.citySynonyms ?? {},
    validateSource: options.validateSource,
    validateOutput: options.validateOutput ?? true,
  };
}

export function jsonataOptions(options: ResolvedEngineOptions): jsonata.JsonataOptions {
  // no `timeout`: JSONata's own check reads the wall clock; limits.ts checks this thread's CPU time instead (and
  // defines `stack`)
  return guardedJsonataOptions(options, {
    sequence: options.maxSequence,
    RegexEngine: Re2RegExp as unknown as RegExpConstructor,
  });
}

/** Rewrites guardrail errors so the message names the configured limit; other errors pass through. */
export function explainGuardrail(error: MappingError, options: ResolvedEngineOptions): MappingError {
  switch (error.code) {
    case 'guardrail.timeout':
      return {
        ...error,
        message: `Evaluation stopped after the ${options.timeoutMs} ms CPU time limit (check for an infinite loop or runaway recursion)`,
      };
    case 'guardrail.stack':
      return {
        ...error,
        message: `Evaluation exceeded the maximum depth of ${options.maxDepth} (check for non-terminating recursion): ${error.message}`,
      };
    case 'guardrail.sequence':
      if (error.message.includes('maximum length')) return error;
      return {
        ...error,
        message: `A sequence exceeded the maximum length of ${options.maxSequence} items: ${error.message}`,
      };
    default:
      return error;
  }
}

/**
 * Fails an evaluation whose CPU time ended over the limit. The thread's CPU time cannot exceed the wall time since
 * the start, so the CPU clock (a system call, measurable per record) is read only once the wall clock allows it.
 */
export function checkDeadline(
  started: { cpuStart: number; wallStart: number },
  options: ResolvedEngineOptions,
  now = performance.now(),
): MappingError | undefined {
  if (now - started.wallStart <= options.timeoutMs) return undefined;
  const elapsed = Math.round(threadCpuMs() - started.cpuStart);
  if (elapsed <= options.timeoutMs) return undefined;
  return {
    code: 'guardrail.timeout',
    message: `Evaluation used ${elapsed} ms of CPU time, over the ${options.timeoutMs} ms CPU time limit (a single built-in call ran too long)`,
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
