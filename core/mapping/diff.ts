/**
 * A small structured diff for fixture results: one entry per differing leaf, addressed by JSON pointer.
 * `missing`: expected but absent; `unexpected`: present but not expected; `changed`: both present, different.
 */

export interface DiffEntry {
  path: string;
  kind: 'missing' | 'unexpected' | 'changed';
  expected?: unknown;
  actual?: unknown;
}

const MAX_ENTRIES = 50;

function kindOf(value: unknown): 'array' | 'object' | 'scalar' {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' && value !== null ? 'object' : 'scalar';
}

function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function walk(expected: unknown, actual: unknown, path: string, out: DiffEntry[]): void {
  if (out.length >= MAX_ENTRIES) return;
  if (expected === undefined && actual === undefined) return;
  if (actual === undefined) {
    out.push({ path: path || '/', kind: 'missing', expected });
    return;
  }
  if (expected === undefined) {
    out.push({ path: path || '/', kind: 'unexpected', actual });
    return;
  }
  const kind = kindOf(expected);
  if (kind !== kindOf(actual)) {
    out.push({ path: path || '/', kind: 'changed', expected, actual });
    return;
  }
  if (kind === 'scalar') {
    if (!Object.is(expected, actual)) out.push({ path: path || '/', kind: 'changed', expected, actual });
    return;
  }
  if (kind === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    for (let i = 0; i < Math.max(e.length, a.length); i++) walk(e[i], a[i], `${path}/${i}`, out);
    return;
  }
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
  for (const key of keys) walk(e[key], a[key], `${path}/${escape(key)}`, out);
}

/** Differences between expected and actual (empty when deeply equal). At most 50 entries. */
export function diffValues(expected: unknown, actual: unknown): DiffEntry[] {
  const out: DiffEntry[] = [];
  walk(expected, actual, '', out);
  return out;
}
