import type { ConnectionContext, WriteOutcome } from '../../../core/sdk';
import type { MetaClient } from '../client';
import type { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { writeMembers, type MemberRow, type UsersAnswer } from './audience';

/**
 * The shape of one audience member as a mapping wrote it, checked before its row is built. The runner does not hold
 * records to the action's recordSchema, so a CRM id or a phone written as a number reached `rowOf` as it was and threw
 * there, failing the whole batch of up to 10,000 people. Here numbers are taken as their text and null or empty text
 * as "not known"; anything else (an object, a list, true) fails that record alone, naming the field.
 */

const FIELDS = [
  'audienceId',
  'email',
  'phone',
  'firstName',
  'lastName',
  'city',
  'state',
  'zip',
  'country',
  'externalId',
  'madid',
] as const;

export function shapeMember(input: unknown): { record: AudienceMemberInput } | { failed: WriteOutcome } {
  const fail = (field: string, reason: string) => ({
    failed: { status: 'failed', failure: 'permanent', reason, field } as WriteOutcome,
  });
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail('email', 'the record is not an audience member object');
  const source = input as Record<string, unknown>;
  const record: Record<string, string> = {};
  for (const field of FIELDS) {
    const raw = source[field];
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) continue;
    if (typeof raw === 'string') record[field] = raw;
    else if (typeof raw === 'number' && Number.isFinite(raw)) record[field] = String(raw);
    else return fail(field, `${field} must be text, not ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  return { record: record as AudienceMemberInput };
}

/** `writeMembers` for the records whose shape is sound; the others fail alone with the field named. */
export async function writeShapedMembers(
  connection: ConnectionContext<MetaSettings>,
  records: AudienceMemberInput[],
  send: (client: MetaClient, audienceId: string, rows: MemberRow[]) => Promise<UsersAnswer>,
  operation: 'created' | 'deleted',
): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array<WriteOutcome>(records.length);
  const sound: { index: number; record: AudienceMemberInput }[] = [];
  records.forEach((input, index) => {
    const shaped = shapeMember(input);
    if ('failed' in shaped) outcomes[index] = shaped.failed;
    else sound.push({ index, record: shaped.record });
  });
  if (sound.length === 0) return outcomes;
  const written = await writeMembers(
    connection,
    sound.map((s) => s.record),
    send,
    operation,
  );
  sound.forEach((s, i) => (outcomes[s.index] = written[i]!));
  return outcomes;
}
