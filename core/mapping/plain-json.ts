import type { MappingError } from './types';

/**
 * JSONata results are arrays tagged as sequences, objects with undefined members, sometimes functions. Records that
 * leave the engine must be plain JSON: this copies the value with JSON.stringify's semantics for data (undefined
 * dropped from objects, null in arrays; non-finite numbers become null) without the string round trip.
 *
 * A function value (a lambda, a built-in like `$uppercase`, a regex, a partial application) is not data: it fails
 * the record with `output.function` naming the field. The copy is bounded by `maxSize` (JSON characters, counted
 * as it goes), so a value built by doubling shared sub-objects fails with `guardrail.output` instead of exhausting
 * the heap; a value nested deeper than `maxDepth` fails with `guardrail.stack`.
 */

export class OutputError extends Error {
  constructor(readonly mappingError: MappingError) {
    super(mappingError.message);
    this.name = 'OutputError';
  }
}

export interface PlainJsonLimits {
  maxSize: number;
  maxDepth?: number;
}

function isFunctionValue(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return v._jsonata_function === true || v._jsonata_lambda === true;
}

function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function toPlainJson(value: unknown, limits: PlainJsonLimits = { maxSize: Number.POSITIVE_INFINITY }): unknown {
  let size = 0;
  const maxDepth = limits.maxDepth ?? 10_000;
  // the path is only turned into a JSON pointer when there is an error to report
  const path: (string | number)[] = [];
  const pointer = () => (path.length === 0 ? '/' : path.map((key) => `/${pointerToken(key)}`).join(''));
  const fail = (code: string, message: (where: string) => string): never => {
    const field = pointer();
    throw new OutputError({ code, message: message(field), field });
  };
  const grow = (by: number) => {
    size += by;
    if (size > limits.maxSize) {
      fail(
        'guardrail.output',
        () => `The output record exceeds the maximum output size of ${limits.maxSize} JSON characters`,
      );
    }
  };
  const copy = (item: unknown): unknown => {
    if (item === null || typeof item === 'boolean') {
      grow(5);
      return item;
    }
    if (typeof item === 'string') {
      grow(item.length + 2);
      return item;
    }
    if (typeof item === 'number') {
      grow(8);
      return Number.isFinite(item) ? item : null;
    }
    if (item === undefined) return undefined;
    if (isFunctionValue(item)) {
      fail(
        'output.function',
        (where) =>
          `The output ${where === '/' ? 'record' : `field ${where}`} is a function, not data (a lambda, a function name without () or a regex was returned; call it or remove it)`,
      );
    }
    if (path.length >= maxDepth)
      fail('guardrail.stack', () => `The output record nests deeper than ${maxDepth} levels`);
    if (Array.isArray(item)) {
      grow(2 + item.length);
      const out = new Array<unknown>(item.length);
      for (let index = 0; index < item.length; index++) {
        path.push(index);
        const plain = copy(item[index]);
        path.pop();
        out[index] = plain === undefined ? null : plain;
      }
      return out;
    }
    if (typeof item === 'object') {
      grow(2);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(item)) {
        path.push(key);
        grow(key.length + 4);
        const plain = copy((item as Record<string, unknown>)[key]);
        path.pop();
        if (plain !== undefined) out[key] = plain;
      }
      return out;
    }
    return undefined;
  };
  return copy(value);
}
