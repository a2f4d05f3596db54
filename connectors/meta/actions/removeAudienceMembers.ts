import { defineAction } from '../../../core/sdk';
import { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { payloadOf, type UsersAnswer } from './audience';
import { writeShapedMembers } from './member-shape';

/** `DELETE /{audience_id}/users` with the same payload as an add; removing someone absent is not an error. */
export const removeAudienceMembers = defineAction<MetaSettings, AudienceMemberInput>({
  name: 'removeAudienceMembers',
  title: 'Remove custom audience members',
  description: 'Removes people from a Custom Audience (a contact who left the list or withdrew consent)',
  recordSchema: AudienceMemberInput,
  mode: 'delete',
  maxBatchSize: 10_000,
  identity: ['email', 'phone', 'externalId'],
  write: ({ connection, records }) =>
    writeShapedMembers(
      connection,
      records,
      (client, audienceId, rows) =>
        client.request<UsersAnswer>('DELETE', `${audienceId}/users`, {
          body: { payload: payloadOf(rows) },
          where: `DELETE /{audience_id}/users (${rows.length} rows)`,
        }),
      'deleted',
    ),
});
