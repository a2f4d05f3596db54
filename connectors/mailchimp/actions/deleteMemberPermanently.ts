import { defineAction } from '../../../core/sdk';
import { subscriberHash } from '../client';
import { MemberEmailInput } from '../schemas/actions';
import type { MailchimpSettings } from '../schemas/settings';
import { forEachMember, unless404 } from './per-member';

/**
 * Action `deleteMemberPermanently` (erasure): `POST /lists/{id}/members/{hash}/actions/delete-permanent` → 204.
 * Mailchimp erases the member's data and the address can NEVER be imported again (only a new opt-in through a
 * Mailchimp form brings it back). A member that is not there is `skipped`.
 */
export const deleteMemberPermanently = defineAction<MailchimpSettings, MemberEmailInput>({
  name: 'deleteMemberPermanently',
  title: 'Delete member permanently',
  description: "Erases a member's data for good (GDPR); the address can never be re-imported",
  recordSchema: MemberEmailInput,
  mode: 'erase',
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
            path: client.memberPath(record.email_address, '/actions/delete-permanent'),
          }),
        ),
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
