import { defineConnector, isHubError, type CheckResult, type ConnectionContext } from '../../core/sdk';
import { archiveMember } from './actions/archiveMember';
import { deleteMemberPermanently } from './actions/deleteMemberPermanently';
import { tagMembers } from './actions/tagMembers';
import { upsertMembers } from './actions/upsertMembers';
import { clientFor } from './client';
import { MAILCHIMP_POLICY } from './policy';
import { MailchimpSettings } from './schemas/settings';
import { members } from './streams/members';
import { audienceEvents } from './webhooks';

/** Checks the credentials and that the audience exists, in one call. */
async function check(connection: ConnectionContext<MailchimpSettings>): Promise<CheckResult> {
  try {
    const client = clientFor(connection);
    const { body } = await client.request<{ name?: string; stats?: { member_count?: number } }>({
      method: 'GET',
      path: client.listPath(),
      query: { fields: 'id,name,stats.member_count' },
    });
    const count = body?.stats?.member_count;
    return {
      ok: true,
      message: `Connected to Mailchimp audience "${body?.name ?? client.listId}"${count === undefined ? '' : ` (${count} subscribed)`}`,
    };
  } catch (error) {
    if (isHubError(error) && error.status === 404)
      return { ok: false, message: `Mailchimp has no audience ${connection.settings.listId}: check listId` };
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The `mailchimp` connector: audience members of one Mailchimp audience (list). See README.md.
 */
export const connector = defineConnector({
  id: 'mailchimp',
  displayName: 'Mailchimp',
  version: '1.0.0',
  category: 'email',
  description:
    'Reads the members of a Mailchimp audience incrementally, upserts members in batches of 500 (merge fields checked), tags, archives and erases members; receives audience webhooks.',
  settingsSchema: MailchimpSettings,
  policy: MAILCHIMP_POLICY,
  check,
  streams: [members],
  actions: [upsertMembers, tagMembers, archiveMember, deleteMemberPermanently],
  webhooks: [audienceEvents],
});

export default connector;
export { subscriberHash } from './client';
export { validateMergeFields, clearMergeFieldCache } from './merge-fields';
