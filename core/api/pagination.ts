import { invalidRequest } from './problem';
import { DEFAULT_LIMIT } from './schemas';

/**
 * Keyset pagination for every list: `?limit=` items per page, `?cursor=` the opaque `nextCursor` of the previous
 * page. A cursor is the sort key of the last item shown (base64url JSON), so pages stay stable while items are
 * added before the cursor.
 */

export interface PageOf<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/** The key a cursor carries; a cursor that was not made here is a 400 naming `/query/cursor`. */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { k?: unknown }).k === 'string')
      return (parsed as { k: string }).k;
  } catch {
    // reported below
  }
  throw invalidRequest([
    { field: '/query/cursor', message: 'is not a cursor this API gave out; start from the first page' },
  ]);
}

/** A page of an in-memory list ordered by `key` (a unique name or id): the items after the cursor's key. */
export function pageInMemory<T>(all: readonly T[], key: (item: T) => string, query: PageQuery): PageOf<T> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeCursor(query.cursor);
  const sorted = [...all].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((item) => key(item) > after);
  const items = rest.slice(0, limit);
  return rest.length > limit ? { items, nextCursor: encodeCursor(key(items[items.length - 1])) } : { items };
}

/**
 * A page of a store list ordered newest first by id (runs, dead letters, audit entries): `fetch` gets up to
 * `limit` items with ids below `before`. One extra item is asked for to know whether there is a next page.
 */
export async function pageBefore<T extends { id: string }>(
  query: PageQuery,
  fetch: (options: { limit: number; before?: string }) => Promise<T[]>,
): Promise<PageOf<T>> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const before = decodeCursor(query.cursor);
  const found = await fetch({ limit: limit + 1, ...(before === undefined ? {} : { before }) });
  const items = found.slice(0, limit);
  return found.length > limit ? { items, nextCursor: encodeCursor(items[items.length - 1].id) } : { items };
}
