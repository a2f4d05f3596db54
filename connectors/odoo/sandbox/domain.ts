/**
 * Odoo domains as the sandbox evaluates them: Polish notation with '&' (default), '|' and '!', leaves
 * `[field, operator, value]` with =, !=, <, <=, >, >=, in, not in, =ilike, ilike (SQL LIKE patterns, as in Odoo). Datetime fields compare as
 * instants: the stored value keeps milliseconds (as Odoo keeps microseconds) while a domain gives seconds.
 */

export type Row = Record<string, unknown>;

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;

function comparable(value: unknown): unknown {
  if (typeof value === 'string' && DATETIME.test(value)) return Date.parse(`${value.replace(' ', 'T')}Z`);
  if (Array.isArray(value) && typeof value[0] === 'number') return value[0]; // many2one
  return value;
}

function leaf(row: Row, [field, op, value]: [string, string, unknown]): boolean {
  const raw = row[field];
  // an x2many (a list of ids in the row): `in` matches when any of them is in the value, as Odoo does
  if (Array.isArray(raw) && op === 'in') return Array.isArray(value) && raw.some((id) => value.includes(id));
  const left = comparable(raw);
  const right = comparable(value);
  switch (op) {
    case '=':
      return right === false ? raw === false || raw === null || raw === undefined : left === right;
    case '!=':
      return left !== right;
    case '<':
      return (left as number) < (right as number);
    case '<=':
      return (left as number) <= (right as number);
    case '>':
      return (left as number) > (right as number);
    case '>=':
      return (left as number) >= (right as number);
    case 'in':
      return Array.isArray(value) && value.map(comparable).includes(left);
    case 'not in':
      return Array.isArray(value) && !value.map(comparable).includes(left);
    case '=ilike':
      return typeof raw === 'string' && typeof value === 'string' && likePattern(value).test(raw);
    case 'ilike':
      return typeof raw === 'string' && typeof value === 'string' && likePattern(`%${value}%`).test(raw);
    default:
      throw new DomainError(`Invalid operator ${JSON.stringify(op)}`);
  }
}

/**
 * A SQL ILIKE pattern as Odoo sends it to PostgreSQL: `%` any text, `_` any one character, `\` escapes the next
 * character; case-insensitive. `=ilike` uses the value as the pattern, `ilike` wraps it in `%…%` (Odoo escapes
 * nothing in the value, so wildcards in it stay wildcards).
 */
function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegex(pattern[++i]!);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += escapeRegex(c);
  }
  return new RegExp(`^${source}$`, 'iu');
}

const escapeRegex = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export class DomainError extends Error {}

/** True when the row matches the domain; throws DomainError (Odoo's ValueError) on a malformed one. */
export function matches(row: Row, domain: unknown): boolean {
  if (!Array.isArray(domain)) throw new DomainError('Invalid domain: not a list');
  const items = [...domain];
  const next = (): boolean => {
    const item = items.shift();
    if (item === '&') {
      const a = next();
      const b = next();
      return a && b;
    }
    if (item === '|') {
      const a = next();
      const b = next();
      return a || b;
    }
    if (item === '!') return !next();
    if (Array.isArray(item) && item.length === 3 && typeof item[0] === 'string' && typeof item[1] === 'string')
      return leaf(row, item as [string, string, unknown]);
    throw new DomainError(`Invalid leaf ${JSON.stringify(item)}`);
  };
  let result = true;
  while (items.length > 0) {
    const one = next();
    result = result && one;
  }
  return result;
}

/** Sorts by an Odoo `order` clause ("write_date asc, id asc"). */
export function sortRows(rows: Row[], order: string | undefined): Row[] {
  const keys = (order ?? 'id asc')
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .filter((p) => p[0] !== '')
    .map(([field, dir]) => ({ field: field!, desc: (dir ?? 'asc').toLowerCase() === 'desc' }));
  return [...rows].sort((a, b) => {
    for (const { field, desc } of keys) {
      const x = comparable(a[field]) as number | string;
      const y = comparable(b[field]) as number | string;
      if (x === y) continue;
      return (x < y ? -1 : 1) * (desc ? -1 : 1);
    }
    return 0;
  });
}
