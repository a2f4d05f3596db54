import { defineAction } from '../../../core/sdk';
import { clientFor } from '../client';
import { MAX_MEMBERS_PER_REQUEST } from '../policy';
import { AudienceMemberRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';
import { audienceRequest, buildMember } from './audience';
import { ingest } from './ingest';

/** Customer Match: adds people to the user list (Data Manager `audienceMembers:ingest`, 10,000 per request). */
export const addAudienceMembers = defineAction<GoogleSettings, AudienceMemberRecord>({
  name: 'addAudienceMembers',
  title: 'Add to Customer Match list',
  description:
    'Adds people (hashed e-mail, phone, address) with their consent to the Customer Match list userListId; people who denied consent are never sent.',
  recordSchema: AudienceMemberRecord,
  mode: 'upsert',
  maxBatchSize: MAX_MEMBERS_PER_REQUEST,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    return ingest({
      client,
      log: connection.log,
      method: 'audienceMembers:ingest',
      listKey: 'audienceMembers',
      records,
      build: (record) => buildMember(record, client, true),
      request: audienceRequest(client, true),
    });
  },
});
