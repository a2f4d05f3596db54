import { isHubError, type Refetched, type RefetchArgs } from '../../../core/sdk';
import { clientFor, subscriberHash } from '../client';
import type { MemberRecord } from '../schemas/member';
import type { MailchimpSettings } from '../schemas/settings';
import { toMemberRecord, type ApiMember } from './members';

/**
 * Reads audience members again for a replay: `GET /lists/{list_id}/members/{subscriber_hash}`, the hash being the
 * stored record's id (or the MD5 of its lowercased e-mail). A 404 means the member is gone (missing); a stored
 * copy with neither an id nor an e-mail cannot be found again (the stored copy is used).
 */

const MEMBER_FIELDS = [
  'id',
  'email_address',
  'status',
  'merge_fields',
  'tags',
  'language',
  'last_changed',
  'timestamp_opt',
  'unsubscribe_reason',
].join(',');

function hashOf(source: Record<string, unknown>): string | undefined {
  if (typeof source.id === 'string' && /^[a-f0-9]{32}$/.test(source.id)) return source.id;
  const email = source.email_address;
  return typeof email === 'string' && email.trim() !== '' ? subscriberHash(email) : undefined;
}

export async function refetchMembers({
  connection,
  records,
}: RefetchArgs<MailchimpSettings>): Promise<Refetched<MemberRecord>[]> {
  const client = clientFor(connection);
  const out: Refetched<MemberRecord>[] = [];
  for (const { source } of records) {
    const hash = hashOf(source);
    if (hash === undefined) {
      out.push({ status: 'unsupported' });
      continue;
    }
    try {
      const { body } = await client.request<ApiMember>({
        method: 'GET',
        path: client.listPath(`/members/${hash}`),
        query: { fields: MEMBER_FIELDS },
      });
      out.push(
        body === undefined
          ? { status: 'missing', reason: `Mailchimp returned no member ${hash}` }
          : { status: 'found', record: toMemberRecord(body) },
      );
    } catch (error) {
      if (!isHubError(error) || error.status !== 404) throw error;
      out.push({ status: 'missing', reason: `the audience has no member ${hash} any more` });
    }
  }
  return out;
}
