import { defineAction } from '../../../core/sdk';
import { AudienceMemberInput } from '../schemas/records';
import type { MetaSettings } from '../schemas/settings';
import { payloadOf, type UsersAnswer } from './audience';
import { writeShapedMembers } from './member-shape';

/** `POST /{audience_id}/users` with a multi-key payload (up to 10,000 rows); adding a member twice keeps one. */
export const addAudienceMembers = defineAction<MetaSettings, AudienceMemberInput>({
  name: 'addAudienceMembers',
  title: 'Add custom audience members',
  description: 'Adds people to a Custom Audience by hashed e-mail, phone, name, address, external id or MADID',
  recordSchema: AudienceMemberInput,
  mode: 'upsert',
  maxBatchSize: 10_000,
  identity: ['email', 'phone', 'externalId'],
  write: ({ connection, records }) =>
    writeShapedMembers(
      connection,
      records,
      (client, audienceId, rows) =>
        client.request<UsersAnswer>('POST', `${audienceId}/users`, {
          body: { payload: payloadOf(rows) },
          where: `POST /{audience_id}/users (${rows.length} rows)`,
        }),
      'created',
    ),
});
