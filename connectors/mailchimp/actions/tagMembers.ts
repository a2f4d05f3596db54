import { defineAction } from '../../../core/sdk';
import { TagMemberInput } from '../schemas/actions';
import type { MailchimpSettings } from '../schemas/settings';
import { forEachMember, unless404 } from './per-member';

/**
 * Action `tagMembers`: adds (`active`) or removes (`inactive`) tags on one member:
 * `POST /lists/{id}/members/{hash}/tags {tags:[{name,status}]}` → 204. Unknown active tags are created by Mailchimp.
 */
export const tagMembers = defineAction<MailchimpSettings, TagMemberInput>({
  name: 'tagMembers',
  title: 'Tag members',
  description: 'Adds or removes tags on a member of the audience (active adds, inactive removes)',
  recordSchema: TagMemberInput,
  mode: 'upsert',
  maxBatchSize: 1,
  identity: ['email_address'],
  write: ({ connection, records }) =>
    forEachMember(
      connection,
      records,
      (client, record) =>
        unless404(() =>
          client.request({
            method: 'POST',
            path: client.memberPath(record.email_address, '/tags'),
            body: { tags: record.tags.map((t) => ({ name: t.name, status: t.status })) },
          }),
        ),
      {
        done: 'updated',
        missing: (email) => ({
          status: 'failed',
          failure: 'permanent',
          reason: `${email} is not a member of the audience: add it with upsertMembers before tagging`,
          field: 'email_address',
        }),
      },
    ),
});
