import { createHash } from 'node:crypto';
import { defineAction } from '../../../core/sdk';
import { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { payloadOf, type MemberRow, type UsersAnswer } from './audience';
import { writeShapedMembers } from './member-shape';

/**
 * Full replace through `POST /{audience_id}/usersreplace`: a session `{ session_id, batch_seq, last_batch_flag,
 * estimated_num_total }`; Meta swaps the audience's members for the session's once the last batch arrives.
 * One write = one complete session (batch_seq 1, last batch): the batch must hold the whole audience, so a flow
 * using this action sets its batch size to the audience size (≤ 10,000). The session id is derived from the
 * batch's content, so a batch resent after a crash is the same session, not a second replace.
 */
export function sessionIdOf(audienceId: string, rows: MemberRow[]): number {
  const digest = createHash('sha256').update(audienceId);
  for (const row of rows) digest.update(JSON.stringify([...row.values.entries()]));
  // a positive 53-bit integer: Meta's session_id is a number
  return Number.parseInt(digest.digest('hex').slice(0, 13), 16);
}

export const replaceAudience = defineAction<MetaSettings, AudienceMemberInput>({
  name: 'replaceAudience',
  title: 'Replace custom audience',
  description:
    'Replaces all members of a Custom Audience with the batch (one usersreplace session per write; the batch must hold the whole audience)',
  recordSchema: AudienceMemberInput,
  mode: 'upsert',
  maxBatchSize: 10_000,
  identity: ['email', 'phone', 'externalId'],
  write: ({ connection, records }) =>
    writeShapedMembers(
      connection,
      records,
      (client, audienceId, rows) =>
        client.request<UsersAnswer>('POST', `${audienceId}/usersreplace`, {
          body: {
            payload: payloadOf(rows),
            session: {
              session_id: sessionIdOf(audienceId, rows),
              batch_seq: 1,
              last_batch_flag: true,
              estimated_num_total: rows.length,
            },
          },
          where: `POST /{audience_id}/usersreplace (${rows.length} rows)`,
        }),
      'created',
    ),
});
