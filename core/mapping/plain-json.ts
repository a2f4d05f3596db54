/**
 * JSONata results are arrays tagged as sequences, objects with undefined members, sometimes functions. Records that
 * leave the engine must be plain JSON: this copies the value with JSON.stringify's semantics (undefined and functions
 * dropped from objects, null in arrays; non-finite numbers become null) without the string round trip.
 */
export function toPlainJson(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) {
    return value.map((item) => {
      const plain = toPlainJson(item);
      return plain === undefined ? null : plain;
    });
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const plain = toPlainJson(member);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return undefined;
}
