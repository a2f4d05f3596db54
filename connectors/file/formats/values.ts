/**
 * What can be written to a file, checked per record so one bad record fails alone and names its field.
 */

export interface RowRef {
  /** Parsed record. */
  record: Record<string, unknown>;
  /** Byte offset just after the record (where the next read resumes). */
  end: number;
  /** Lines consumed up to and including this record (1-based line number of its last line). */
  line: number;
}

/** A row that could not be read as a record (malformed): it becomes a dead letter, and reading goes on. */
export interface RejectedRow {
  rejected: {
    reason: string;
    /** The row as written in the file. */
    raw: string;
    /** The file's own line number where the row starts. */
    line: number;
  };
  end: number;
  line: number;
}

export type FileRow = RowRef | RejectedRow;

export type Serialised = { ok: true; text: string } | { ok: false; field?: string; reason: string };

/**
 * A plain JSON-like object, from any realm: records may come from a plugin, a structured clone or another
 * context whose Object.prototype is not ours, so the check is on the object's shape, not on prototype identity.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function join(at: string, key: string | number): string {
  return at === '' ? String(key) : typeof key === 'number' ? `${at}[${key}]` : `${at}.${key}`;
}

/** The first value JSON cannot carry faithfully (bigint, function, NaN, a cycle…), or undefined. */
export function findUnserialisable(
  value: unknown,
  at = '',
  seen = new Set<object>(),
): { field: string; reason: string } | undefined {
  switch (typeof value) {
    case 'bigint':
      return { field: at, reason: 'is a bigint; write it as a string or a number' };
    case 'function':
    case 'symbol':
      return { field: at, reason: `is a ${typeof value}, not data` };
    case 'number':
      return Number.isFinite(value) ? undefined : { field: at, reason: `is ${value}, which JSON cannot carry` };
    case 'object': {
      if (value === null || value instanceof Date) return undefined;
      if (seen.has(value)) return { field: at, reason: 'refers back to itself (a cycle)' };
      seen.add(value);
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : Object.entries(value);
      for (const [key, inner] of entries) {
        const found = findUnserialisable(inner, join(at, key), seen);
        if (found !== undefined) return found;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return undefined;
  }
}

/** A CSV cell: text, number, boolean, Date (ISO) or empty; objects and arrays cannot be a cell. */
export function csvCell(
  value: unknown,
  field: string,
): { ok: true; text: string } | { ok: false; field: string; reason: string } {
  if (value === null || value === undefined) return { ok: true, text: '' };
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? { ok: false, field, reason: `field "${field}" is an invalid date` }
      : { ok: true, text: value.toISOString() };
  }
  switch (typeof value) {
    case 'string':
      return { ok: true, text: value };
    case 'boolean':
      return { ok: true, text: String(value) };
    case 'number':
      return Number.isFinite(value)
        ? { ok: true, text: String(value) }
        : { ok: false, field, reason: `field "${field}" is ${value}` };
    case 'bigint':
      return { ok: true, text: value.toString() };
    case 'object': {
      const kind = Array.isArray(value) ? 'an array' : 'an object';
      return {
        ok: false,
        field,
        reason: `field "${field}" is ${kind}; a CSV cell holds text, a number or a boolean (flatten it in the mapping)`,
      };
    }
    default:
      return { ok: false, field, reason: `field "${field}" is a ${typeof value}, not data` };
  }
}
