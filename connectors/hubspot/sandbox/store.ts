/**
 * The sandbox's in-memory CRM objects: one store per object type, ids ascending as HubSpot assigns them, a unique
 * index (contacts by e-mail, deals by the external id property), and a version that changes on every write so
 * search results can be cached between the pages of one query. Sized for 100,000 records: every lookup is a Map
 * or a binary search, never a scan, except search itself (one filter pass per distinct query).
 */

export interface SandboxObject {
  id: string;
  /** Every property set on the record, as text (HubSpot's own representation). */
  properties: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface StoreOptions {
  /** Last-modified property: lastmodifieddate (contacts) or hs_lastmodifieddate. */
  modifiedProperty: string;
  /** Unique property upserts match on, with its normalisation (e-mail is case-insensitive). */
  unique?: { property: string; normalize: (value: string) => string };
  firstId?: number;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export class ObjectStore {
  private readonly byId = new Map<string, SandboxObject>();
  /** Numeric ids in ascending order, including removed ones (skipped when read). */
  private readonly order: number[] = [];
  private readonly index = new Map<string, string>();
  private nextId: number;
  /** Changes on every write; search caches are keyed on it. */
  version = 0;

  constructor(
    readonly name: string,
    readonly options: StoreOptions,
  ) {
    this.nextId = options.firstId ?? 1;
  }

  get size(): number {
    return this.byId.size;
  }

  get modifiedProperty(): string {
    return this.options.modifiedProperty;
  }

  get(id: string): SandboxObject | undefined {
    return this.byId.get(id);
  }

  /** The record whose unique property (e-mail, external deal id) has this value. */
  findByUnique(value: string): SandboxObject | undefined {
    const unique = this.options.unique;
    if (unique === undefined) return undefined;
    const id = this.index.get(unique.normalize(value));
    return id === undefined ? undefined : this.byId.get(id);
  }

  values(): IterableIterator<SandboxObject> {
    return this.byId.values();
  }

  private stamp(object: SandboxObject): void {
    object.properties.hs_object_id = object.id;
    object.properties.createdate = new Date(object.createdAt).toISOString();
    object.properties[this.modifiedProperty] = new Date(object.updatedAt).toISOString();
  }

  private reindex(object: SandboxObject, before?: string): void {
    const unique = this.options.unique;
    if (unique === undefined) return;
    if (before !== undefined) this.index.delete(unique.normalize(before));
    const value = object.properties[unique.property];
    if (value !== undefined && value !== '') this.index.set(unique.normalize(value), object.id);
  }

  create(properties: Record<string, string>, at: number = Date.now(), createdAt = at): SandboxObject {
    const id = this.nextId++;
    const object: SandboxObject = { id: String(id), properties: { ...properties }, createdAt, updatedAt: at };
    this.stamp(object);
    this.byId.set(object.id, object);
    this.order.push(id);
    this.reindex(object);
    this.version++;
    return object;
  }

  /** Sets properties (an empty string clears one, as in HubSpot) and bumps the modification time. */
  update(id: string, properties: Record<string, string>, at: number = Date.now()): SandboxObject {
    const object = this.byId.get(id);
    if (object === undefined) throw new Error(`no ${this.name} record ${id}`);
    const uniqueBefore = this.options.unique ? object.properties[this.options.unique.property] : undefined;
    for (const [key, value] of Object.entries(properties)) {
      if (value === '') delete object.properties[key];
      else object.properties[key] = value;
    }
    object.updatedAt = Math.max(at, object.createdAt);
    this.stamp(object);
    this.reindex(object, uniqueBefore);
    this.version++;
    return object;
  }

  /** Sets the modification time without other changes (tests that crowd many records into one millisecond). */
  setModified(ids: Iterable<string>, at: number): void {
    for (const id of ids) {
      const object = this.byId.get(id);
      if (object === undefined) continue;
      object.updatedAt = at;
      this.stamp(object);
    }
    this.version++;
  }

  remove(id: string): boolean {
    const object = this.byId.get(id);
    if (object === undefined) return false;
    this.byId.delete(id);
    const unique = this.options.unique;
    if (unique !== undefined) {
      const value = object.properties[unique.property];
      if (value !== undefined) this.index.delete(unique.normalize(value));
    }
    this.version++;
    return true;
  }

  /** One page of the list endpoint: records with an id above `after`, ascending. */
  list(after: string | undefined, limit: number): { results: SandboxObject[]; next?: string } {
    const from = after === undefined ? 0 : Number(after);
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]! <= from) lo = mid + 1;
      else hi = mid;
    }
    const results: SandboxObject[] = [];
    for (let i = lo; i < this.order.length; i++) {
      const object = this.byId.get(String(this.order[i]));
      if (object === undefined) continue;
      if (results.length === limit) return { results, next: results[results.length - 1]!.id };
      results.push(object);
    }
    return { results };
  }
}

/** A record as the API returns it: the requested properties (null when unset) and the defaults HubSpot adds. */
export function present(store: ObjectStore, object: SandboxObject, wanted: string[] | undefined) {
  const names = new Set(['hs_object_id', 'createdate', store.modifiedProperty, ...(wanted ?? [])]);
  const properties: Record<string, string | null> = {};
  for (const name of names) properties[name] = object.properties[name] ?? null;
  return {
    id: object.id,
    properties,
    createdAt: new Date(object.createdAt).toISOString(),
    updatedAt: new Date(object.updatedAt).toISOString(),
    archived: false,
  };
}
