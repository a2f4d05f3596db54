import { recordLabel } from '../../core/runner/record-label';

/**
 * What a person calls a record: its e-mail address or name as read from the source, else the vendor's key. The
 * lookup is the runner's own (core/runner/record-label.ts), so the console and the run's record list agree.
 */
export function recordName(source: unknown, key: string): string {
  return recordLabel(source) ?? key;
}
