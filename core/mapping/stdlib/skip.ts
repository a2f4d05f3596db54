/**
 * `$skip(reason)`: a mapping's way to say "this record is not for this target" (no marketing consent, a test
 * account…). The runner counts it as unchanged and writes nothing; an accidental empty result stays an error
 * (`output.empty`), so a broken expression never silently drops records.
 */
export const SKIP_KEY = '$skip';

export interface SkipMarker {
  $skip: string;
}

export function skip(reason: unknown): SkipMarker {
  const text = typeof reason === 'string' && reason.trim() !== '' ? reason.trim() : 'skipped by the mapping';
  return { $skip: text } satisfies Record<typeof SKIP_KEY, string>;
}

export function isSkipMarker(value: unknown): value is SkipMarker {
  // the member first: the common answer (an output record) is then one property read, no key array
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<string, unknown>)[SKIP_KEY] === 'string' &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1
  );
}
