import type { MappingError } from './types';

/** Thrown by compileMapping (and the loader); carries the plain MappingError. */
export class MappingCompileError extends Error {
  readonly mappingError: MappingError;
  readonly mappingId: string | undefined;

  constructor(mappingError: MappingError, mappingId?: string) {
    super(mappingId ? `${mappingId}: ${describeMappingError(mappingError)}` : describeMappingError(mappingError));
    this.name = 'MappingCompileError';
    this.mappingError = mappingError;
    this.mappingId = mappingId;
  }
}

/** Guardrail codes of JSONata mapped to ours. */
const GUARDRAIL_CODES: Record<string, string> = {
  D1011: 'guardrail.stack',
  D1012: 'guardrail.timeout',
  D2014: 'guardrail.sequence',
  D2015: 'guardrail.sequence',
};

export interface LineColumn {
  line: number;
  column: number;
}

/** The offsets at which the lines of the last text asked about start (a mapping's failing records share one). */
let lastText: string | undefined;
let lastLineStarts: number[] = [0];

function lineStarts(text: string): number[] {
  if (text === lastText) return lastLineStarts;
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  lastText = text;
  lastLineStarts = starts;
  return starts;
}

/** 0-based character offset → 1-based line and column. */
export function offsetToLineColumn(text: string, offset: number): LineColumn {
  const clamped = Math.max(0, Math.min(offset, text.length));
  const starts = lineStarts(text);
  // the last line starting at or before the offset
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= clamped) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: clamped - starts[low] + 1 };
}

/**
 * JSONata reports `position` as the index just past the token it stopped at. Point at the start of the token when it
 * can be found there (including a leading `$` of a variable or function name), else at the character before position.
 */
export function jsonataPositionToOffset(text: string, position: number, token?: string): number {
  if (token) {
    const found = text.lastIndexOf(token, position);
    if (found >= 0 && position - (found + token.length) <= 2) {
      return found > 0 && text[found - 1] === '$' && !token.startsWith('$') ? found - 1 : found;
    }
  }
  return Math.max(0, position - 1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/**
 * Converts anything JSONata (or a stdlib function) threw into a plain MappingError with line/column.
 * `phase` decides the code for non-guardrail errors: `compile.syntax` or `evaluate.error`.
 */
export function toMappingError(err: unknown, expression: string, phase: 'compile' | 'evaluate'): MappingError {
  if (isStackOverflow(err)) {
    return {
      code: 'guardrail.stack',
      message: 'JavaScript call stack exhausted (input or expression nests too deeply)',
    };
  }
  if (!isRecord(err)) {
    return { code: phase === 'compile' ? 'compile.syntax' : 'evaluate.error', message: String(err) };
  }
  const rawCode = stringOrUndefined(err.code);
  const message = stringOrUndefined(err.message) ?? rawCode ?? 'unknown error';
  const token = stringOrUndefined(err.token);
  let code: string;
  let jsonataCode: string | undefined;
  if (rawCode && GUARDRAIL_CODES[rawCode]) {
    code = GUARDRAIL_CODES[rawCode];
    jsonataCode = rawCode;
  } else if (rawCode && /^(stdlib|regex|guardrail)\./.test(rawCode)) {
    code = rawCode;
  } else {
    code = phase === 'compile' ? 'compile.syntax' : 'evaluate.error';
    jsonataCode = rawCode && /^[A-Z]\d{4}$/.test(rawCode) ? rawCode : undefined;
  }
  const result: MappingError = { code, message };
  if (jsonataCode) result.jsonataCode = jsonataCode;
  if (typeof err.position === 'number' && Number.isFinite(err.position)) {
    const offset = jsonataPositionToOffset(expression, err.position, token);
    Object.assign(result, offsetToLineColumn(expression, offset));
  }
  if (token) result.token = token;
  return result;
}

/** One line for logs, reports and Error messages. */
export function describeMappingError(error: MappingError): string {
  const where = error.line !== undefined ? ` at line ${error.line}, column ${error.column ?? 1}` : '';
  const field = error.field !== undefined ? ` (field ${error.field})` : '';
  const jsonata = error.jsonataCode ? ` [${error.jsonataCode}]` : '';
  const token = error.token !== undefined ? ` near "${error.token}"` : '';
  return `${error.code}${jsonata}${where}${token}${field}: ${error.message}`;
}

/** The expression line an error points at, with a caret under the column (for CLI and report output). */
export function errorExcerpt(expression: string, error: MappingError): string | undefined {
  if (error.line === undefined) return undefined;
  const text = expression.split('\n')[error.line - 1];
  if (text === undefined) return undefined;
  const column = Math.max(1, error.column ?? 1);
  const gutter = `${error.line} | `;
  return `${gutter}${text.replace(/\t/g, ' ')}\n${' '.repeat(gutter.length + column - 1)}^`;
}
