import type { ObjectStore, SandboxObject } from './store';

/**
 * CRM search as HubSpot documents it: filter groups (OR of ANDs), one sort, `limit` ≤ 200, `after` an offset that
 * may not reach 10,000, request bodies ≤ 3,000 characters, at most 5 groups, 6 filters per group and 18 in all.
 * Time properties compare as epoch milliseconds (HubSpot takes them as ms strings), `hs_object_id` as a number.
 */

export interface SearchFilter {
  propertyName: string;
  operator: string;
  value?: string;
  highValue?: string;
  values?: string[];
}

export interface SearchRequest {
  filterGroups?: { filters?: SearchFilter[] }[];
  sorts?: (string | { propertyName: string; direction?: string })[];
  properties?: string[];
  limit?: number;
  after?: string | number;
  query?: string;
}

export class SearchError extends Error {}

export const MAX_OFFSET = 10_000;
export const MAX_LIMIT = 200;

function timeProperty(store: ObjectStore, name: string): boolean {
  return name === store.modifiedProperty || name === 'createdate';
}

type Comparable = number | string | undefined;

function valueOf(store: ObjectStore, object: SandboxObject, name: string): Comparable {
  if (name === 'hs_object_id') return Number(object.id);
  if (name === store.modifiedProperty) return object.updatedAt;
  if (name === 'createdate') return object.createdAt;
  const raw = object.properties[name];
  if (raw === undefined) return undefined;
  return raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

function operand(store: ObjectStore, name: string, raw: string | undefined): Comparable {
  if (raw === undefined) return undefined;
  if (timeProperty(store, name)) return /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (name === 'hs_object_id') return Number(raw);
  return raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
}

function compare(a: Comparable, b: Comparable): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).toLowerCase().localeCompare(String(b).toLowerCase());
}

function matcher(store: ObjectStore, filter: SearchFilter): (object: SandboxObject) => boolean {
  const name = filter.propertyName;
  const value = operand(store, name, filter.value);
  const high = operand(store, name, filter.highValue);
  const values = (filter.values ?? []).map((v) => operand(store, name, v));
  const has = (v: Comparable) => v !== undefined;
  switch (filter.operator) {
    case 'EQ':
      return (o) => compare(valueOf(store, o, name), value) === 0;
    case 'NEQ':
      return (o) => compare(valueOf(store, o, name), value) !== 0;
    case 'GT':
      return (o) => has(valueOf(store, o, name)) && compare(valueOf(store, o, name), value) > 0;
    case 'GTE':
      return (o) => has(valueOf(store, o, name)) && compare(valueOf(store, o, name), value) >= 0;
    case 'LT':
      return (o) => has(valueOf(store, o, name)) && compare(valueOf(store, o, name), value) < 0;
    case 'LTE':
      return (o) => has(valueOf(store, o, name)) && compare(valueOf(store, o, name), value) <= 0;
    case 'BETWEEN':
      return (o) => {
        const v = valueOf(store, o, name);
        return has(v) && compare(v, value) >= 0 && compare(v, high) <= 0;
      };
    case 'IN':
      return (o) => values.some((v) => compare(valueOf(store, o, name), v) === 0);
    case 'NOT_IN':
      return (o) => !values.some((v) => compare(valueOf(store, o, name), v) === 0);
    case 'HAS_PROPERTY':
      return (o) => has(valueOf(store, o, name));
    case 'NOT_HAS_PROPERTY':
      return (o) => !has(valueOf(store, o, name));
    case 'CONTAINS_TOKEN':
      return (o) =>
        String(valueOf(store, o, name) ?? '')
          .toLowerCase()
          .includes(
            String(filter.value ?? '')
              .replace(/\*/g, '')
              .toLowerCase(),
          );
    default:
      throw new SearchError(`Unknown filter operator ${filter.operator}`);
  }
}

function sortKey(sorts: SearchRequest['sorts']): { name: string; descending: boolean } {
  const first = sorts?.[0];
  if (first === undefined) return { name: 'hs_object_id', descending: false };
  if (typeof first === 'string') {
    return first.startsWith('-') ? { name: first.slice(1), descending: true } : { name: first, descending: false };
  }
  return { name: first.propertyName, descending: first.direction === 'DESCENDING' };
}

/** Checks the request against HubSpot's limits; throws SearchError with HubSpot's wording. */
export function validateSearch(request: SearchRequest, rawLength: number): { limit: number; offset: number } {
  if (rawLength > 3000) throw new SearchError('The request body may not exceed 3000 characters.');
  const groups = request.filterGroups ?? [];
  if (groups.length > 5) throw new SearchError('Too many filter groups (maximum 5).');
  const filters = groups.reduce((n, g) => n + (g.filters?.length ?? 0), 0);
  if (groups.some((g) => (g.filters?.length ?? 0) > 6) || filters > 18)
    throw new SearchError('Too many filters (maximum 6 per group, 18 in total).');
  const limit = request.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new SearchError(`limit must be between 1 and ${MAX_LIMIT}`);
  const offset = request.after === undefined || request.after === '' ? 0 : Number(request.after);
  if (!Number.isInteger(offset) || offset < 0) throw new SearchError('Invalid after cursor');
  if (offset >= MAX_OFFSET) throw new SearchError('Paging beyond 10000 results is not supported.');
  return { limit, offset };
}

interface CacheEntry {
  key: string;
  version: number;
  ids: SandboxObject[];
}

/** Runs searches over one store, caching the sorted matches of the last query until the store changes. */
export class Searcher {
  private cache: CacheEntry | undefined;

  constructor(private readonly store: ObjectStore) {}

  matches(request: SearchRequest): SandboxObject[] {
    const key = JSON.stringify([request.filterGroups ?? [], request.sorts ?? [], request.query ?? '']);
    if (this.cache?.key === key && this.cache.version === this.store.version) return this.cache.ids;
    const groups = (request.filterGroups ?? []).map((g) => (g.filters ?? []).map((f) => matcher(this.store, f)));
    const out: SandboxObject[] = [];
    for (const object of this.store.values()) {
      if (groups.length === 0 || groups.some((group) => group.every((test) => test(object)))) out.push(object);
    }
    const { name, descending } = sortKey(request.sorts);
    out.sort((a, b) => {
      const c = compare(valueOf(this.store, a, name), valueOf(this.store, b, name));
      return (descending ? -c : c) || Number(a.id) - Number(b.id);
    });
    this.cache = { key, version: this.store.version, ids: out };
    return out;
  }
}
