import { defineAction } from '../../../core/sdk';
import { subscriberHash } from '../client';
import { MemberEmailInput } from '../schemas/actions';
import type { MailchimpSettings } from '../schemas/settings';
import { forEachMember, unless404 } from './per-member';

/**
 * Action `archiveMember`: `DELETE /lists/{id}/members/{hash}` archives the member (Mailchimp keeps the history and
 * the address can be added again). A member that is not there is `skipped`: the goal, not in the audience, holds.
 */
export const archiveMember = defineAction<MailchimpSettings, MemberEmailInput>({
  name: 'archiveMember',
  title: 'Archive member',
  description: 'Archives a member (reversible: the address can be added again)',
  recordSchema: MemberEmailInput,
  mode: 'delete',
  maxBatchSize: 1,
  identity: ['email_address'],
  write: ({ connection, records }) =>
    forEachMember(
      connection,
      records,
      (client, record) =>
        unless404(() => client.request({ method: 'DELETE', path: client.memberPath(record.email_address) })),
      {
        done: 'deleted',
        missing: (email) => ({
          status: 'skipped',
          reason: 'not a member of the audience',
          targetId: subscriberHash(email),
        }),
      },
    ),
});
