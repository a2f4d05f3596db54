/**
 * Canonical JSON (object keys sorted in code-unit order, undefined properties left out, non-finite numbers and
 * values JSON cannot hold as null, Dates as ISO strings, bigints as strings): what the runner hashes, so the same
 * content hashes alike whatever key order a connector or mapping produced.
 *
 * Written for the runner's hot path (every record read and every payload is serialised once): the records of a
 * page share a few object shapes, so each shape's sorted keys and their quoted `"key":` prefixes are computed once
 * and found again by the shape's key list; strings that need no escaping are quoted without a call into
 * `JSON.stringify`. The result is identical to the plain recursive form (`canonicalJsonReference`), which tests
 * compare it with on generated values. Figures in bench/README.md ("Flow runner").
 */

interface Shape {
  /** The object's own keys, as `Object.keys` lists them (the lookup key). */
  keys: readonly string[];
  /** Indices into `keys`, in sorted key order. */
  order: number[];
  /** `"key":` for each key of `order`, with a leading comma from the second on. */
  prefixes: string[];
}

/** Shapes seen, by key count and first and last key; a bucket holds the few shapes that share those. */
const shapes = new Map<string, Shape[]>();
/** Shapes kept in all (a bound on memory for streams of records with ever-new keys). */
const MAX_SHAPES = 2048;
let shapeCount = 0;
/** Objects with more keys than this are sorted every time (a cache key would cost as much). */
const MAX_SHAPE_KEYS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function makeShape(keys: readonly string[]): Shape {
  const order = keys.map((_, i) => i).sort((x, y) => (keys[x] < keys[y] ? -1 : keys[x] > keys[y] ? 1 : 0));
  const prefixes = order.map((index, n) => `${n === 0 ? '' : ','}${quote(keys[index])}:`);
  return { keys, order, prefixes };
}

function shapeOf(keys: string[]): Shape {
  if (keys.length > MAX_SHAPE_KEYS) return makeShape(keys);
  const id = `${keys.length}\u0000${keys[0]}\u0000${keys[keys.length - 1]}`;
  const bucket = shapes.get(id);
  if (bucket !== undefined) for (const shape of bucket) if (sameKeys(shape.keys, keys)) return shape;
  const shape = makeShape(keys);
  if (shapeCount < MAX_SHAPES) {
    if (bucket === undefined) shapes.set(id, [shape]);
    else bucket.push(shape);
    shapeCount += 1;
  }
  return shape;
}

/** Characters JSON.stringify escapes in a string (controls, quote, backslash) and surrogates (lone ones escaped). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** Canonical JSON of `value` (see above). */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      // a finite number's shortest round-trip form, as JSON.stringify writes it (-0 as 0)
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `"${value.toString()}"`;
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 0) return '{}';
  const shape = shapeOf(keys);
  let out = '{';
  let written = 0;
  for (let n = 0; n < shape.order.length; n++) {
    const v = object[keys[shape.order[n]]];
    if (v === undefined) continue;
    // the comma belongs to every written entry but the first: prefixes carry one from the second key on
    const prefix = shape.prefixes[n];
    out += written === 0 && n > 0 ? prefix.slice(1) : prefix;
    out += canonicalJson(v);
    written += 1;
  }
  return `${out}}`;
}

/** The plain recursive form of `canonicalJson` (the definition the fast one is tested against). */
export function canonicalJsonReference(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'object':
      break;
    default:
      return 'null';
  }
  if (value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJsonReference(v)).join(',')}]`;
  const object = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(object).sort()) {
    const v = object[key];
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${canonicalJsonReference(v)}`);
  }
  return `{${parts.join(',')}}`;
}
