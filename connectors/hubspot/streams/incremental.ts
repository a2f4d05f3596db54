import { PermanentError, type Page, type ReadArgs } from '../../../core/sdk';
import { clientFor, HubSpotClient, type HubSpotObject, type HubSpotPage } from '../client';
import type { HubSpotSettings } from '../schemas/settings';
import { parseCheckpoint, type HubSpotCheckpoint } from './checkpoint';
import type { CrmObjectType } from './objects';

/**
 * The read loop shared by every object stream.
 *
 * A first read backfills through the list endpoint (no 10,000 cap), then later reads search for records modified
 * since the checkpoint, sorted by the modification time. HubSpot's search refuses offsets past 10,000, so when a
 * query reaches that depth it is restarted from the latest time seen, and records already handed over in this read
 * are skipped by id. When 10,000 records or more share one millisecond, the restart could not move, so those are
 * read with `time EQ t AND hs_object_id GT lastId`, sorted by id, before the range query goes on from t + 1.
 * The search index lags writes, so each read ends with its cursor at the time the read STARTED minus `lookbackMs`
 * (never before the cursor it started from): every record modified before that instant was in the index when the
 * read began and was handed over, so the next read only re-reads the look-back window (and the runner's hashes make
 * re-read records cost nothing). The newest modification time seen is NOT a safe or useful cursor: after a backfill
 * of recently changed records it sits within the look-back of everything, and an unchanged rerun read it all again.
 * `lookbackMs` must cover the index lag plus any clock skew between the hub and HubSpot.
 */

export const LIST_LIMIT = 100;
export const SEARCH_LIMIT = 200;
/** HubSpot search answers 400 for an offset of 10,000 or more. */
export const SEARCH_MAX_OFFSET = 10_000;
export const DEFAULT_LOOKBACK_MS = 5 * 60 * 1000;

export function toRecord(object: HubSpotObject): HubSpotObject {
  const properties: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(object.properties ?? {})) {
    properties[key] = value === null || value === undefined ? null : String(value);
  }
  const record: HubSpotObject = {
    id: String(object.id),
    properties,
    createdAt: object.createdAt,
    updatedAt: object.updatedAt,
  };
  if (typeof object.archived === 'boolean') record.archived = object.archived;
  return record;
}

/** Modification time of a record in epoch ms, from the modified property, else `updatedAt`. */
export function modifiedAt(object: HubSpotObject, property: string): number | undefined {
  const raw = object.properties?.[property] ?? object.updatedAt;
  if (raw === null || raw === undefined) return undefined;
  const n = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(n) ? n : undefined;
}

const maxOf = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

const biggerId = (a: string, b: string) => (a.length !== b.length ? (a.length > b.length ? a : b) : a > b ? a : b);

type Enrich<R> = (objects: HubSpotObject[], client: HubSpotClient) => Promise<R[]>;

/** Reads one object type as pages of records; `enrich` turns a page of objects into records (deals add line items). */
export async function* readObjects<R extends object>(
  type: CrmObjectType,
  args: ReadArgs<HubSpotSettings>,
  enrich: Enrich<R>,
): AsyncIterable<Page<R>> {
  const { settings } = args.connection;
  const client = clientFor(args.connection);
  let checkpoint = parseCheckpoint(args.checkpoint);
  if (checkpoint === undefined) {
    const since = args.since === undefined ? Number.NaN : Date.parse(args.since);
    checkpoint = Number.isFinite(since) ? { mode: 'search', ts: since } : { mode: 'list', startedAt: Date.now() };
  }
  if (checkpoint.mode === 'list') yield* listPages(type, client, settings, checkpoint, enrich);
  else yield* searchPages(type, client, settings, checkpoint, enrich);
}

async function* listPages<R extends object>(
  type: CrmObjectType,
  client: HubSpotClient,
  settings: HubSpotSettings,
  start: Extract<HubSpotCheckpoint, { mode: 'list' }>,
  enrich: Enrich<R>,
): AsyncIterable<Page<R>> {
  const lookback = settings.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  let { after, ts } = start;
  const properties = type.properties(settings).join(',');
  for (;;) {
    const query: Record<string, string> = { limit: String(LIST_LIMIT), properties, archived: 'false' };
    if (after !== undefined) query.after = after;
    const { body } = await client.get<HubSpotPage>(type.path, `list ${type.stream}`, query);
    const objects = (body.results ?? []).map(toRecord);
    for (const object of objects) ts = maxOf(ts, modifiedAt(object, type.modifiedProperty));
    const records = await enrich(objects, client);
    const next = body.paging?.next?.after;
    if (next) {
      after = next;
      const checkpoint: HubSpotCheckpoint = { mode: 'list', after: next, startedAt: start.startedAt };
      if (ts !== undefined) checkpoint.ts = ts;
      yield { records, checkpoint };
      continue;
    }
    // records changed while the backfill ran may sit on pages already read: search from before it began
    const cursor = start.startedAt - lookback;
    yield { records, checkpoint: { mode: 'search', ts: Math.max(0, cursor) } };
    return;
  }
}

interface SearchState {
  /** Range query: lower bound (GTE). Id query: the shared millisecond (EQ). */
  ts: number;
  /** Set in the id query: the last hs_object_id read. */
  id?: string;
  after?: string;
}

function searchBody(type: CrmObjectType, properties: string[], state: SearchState) {
  const filters =
    state.id === undefined
      ? [{ propertyName: type.modifiedProperty, operator: 'GTE', value: String(state.ts) }]
      : [
          { propertyName: type.modifiedProperty, operator: 'EQ', value: String(state.ts) },
          { propertyName: 'hs_object_id', operator: 'GT', value: state.id },
        ];
  return {
    filterGroups: [{ filters }],
    sorts: [state.id === undefined ? type.modifiedProperty : 'hs_object_id'],
    properties,
    limit: SEARCH_LIMIT,
    after: state.after ?? '0',
  };
}

function toCheckpoint(state: SearchState): HubSpotCheckpoint {
  const out: HubSpotCheckpoint = { mode: 'search', ts: state.ts };
  if (state.id !== undefined) out.id = state.id;
  if (state.after !== undefined) out.after = state.after;
  return out;
}

async function* searchPages<R extends object>(
  type: CrmObjectType,
  client: HubSpotClient,
  settings: HubSpotSettings,
  start: Extract<HubSpotCheckpoint, { mode: 'search' }>,
  enrich: Enrich<R>,
): AsyncIterable<Page<R>> {
  const lookback = settings.lookbackMs ?? DEFAULT_LOOKBACK_MS;
  const properties = type.properties(settings);
  const readStartedAt = Date.now();
  const state: SearchState = { ...start };
  // the cursor this read may not end before: the range query's own lower bound
  const floor = start.id === undefined ? start.ts : start.ts + 1;
  /** Ids handed over in this read, with their modification time, to skip them after a restart. */
  const seen = new Map<string, number>();
  for (;;) {
    const { body } = await client.post<HubSpotPage>(
      `${type.path}/search`,
      `search ${type.stream}`,
      searchBody(type, properties, state),
      true,
    );
    const fresh: HubSpotObject[] = [];
    let lastId = state.id;
    let pageMax: number | undefined;
    for (const result of body.results ?? []) {
      const object = toRecord(result);
      const at = modifiedAt(object, type.modifiedProperty);
      pageMax = maxOf(pageMax, at);
      if (state.id !== undefined) lastId = biggerId(lastId ?? '0', object.id);
      if (seen.has(object.id)) continue;
      seen.set(object.id, at ?? state.ts);
      fresh.push(object);
    }
    const records = await enrich(fresh, client);
    const next = body.paging?.next?.after;
    const offset = next === undefined ? Number.NaN : Number(next);
    if (next && !(offset >= SEARCH_MAX_OFFSET)) {
      state.after = next;
    } else if (next && state.id !== undefined) {
      // the id query reached the cap: go on after the last id read
      if (lastId === undefined || lastId === state.id)
        throw new PermanentError(`HubSpot search of ${type.stream} did not move past hs_object_id ${state.id}`);
      state.id = lastId;
      delete state.after;
    } else if (next) {
      // the range query reached the cap: restart from the latest time seen in it
      const restartAt = maxOf(pageMax, state.ts) ?? state.ts;
      if (restartAt > state.ts) {
        state.ts = restartAt;
        for (const [id, at] of seen) if (at < restartAt) seen.delete(id);
      } else {
        state.id = '0';
      }
      delete state.after;
    } else if (state.id !== undefined) {
      // every record of the crowded millisecond is read: the range query goes on after it
      state.ts += 1;
      delete state.id;
      delete state.after;
      seen.clear();
    } else {
      const end = Math.max(floor, readStartedAt - lookback, 0);
      yield { records, checkpoint: { mode: 'search', ts: end } };
      return;
    }
    yield { records, checkpoint: toCheckpoint(state) };
  }
}
