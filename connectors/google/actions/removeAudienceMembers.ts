import { defineAction } from '../../../core/sdk';
import { clientFor } from '../client';
import { MAX_MEMBERS_PER_REQUEST } from '../policy';
import { AudienceMemberRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';
import { audienceRequest, buildMember } from './audience';
import { ingest } from './ingest';

/**
 * Customer Match: removes people from the user list (Data Manager `audienceMembers:remove`, 10,000 per request),
 * e.g. a contact who left the CRM list or withdrew consent; also the erasure path for audiences.
 */
export const removeAudienceMembers = defineAction<GoogleSettings, AudienceMemberRecord>({
  name: 'removeAudienceMembers',
  title: 'Remove from Customer Match list',
  description: 'Removes people (hashed e-mail, phone, address) from the Customer Match list userListId.',
  recordSchema: AudienceMemberRecord,
  mode: 'delete',
  maxBatchSize: MAX_MEMBERS_PER_REQUEST,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    return ingest({
      client,
      log: connection.log,
      method: 'audienceMembers:remove',
      listKey: 'audienceMembers',
      records,
      build: (record) => buildMember(record, client, false),
      request: audienceRequest(client, false),
    });
  },
});
