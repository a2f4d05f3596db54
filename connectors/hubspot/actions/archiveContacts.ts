import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor } from '../client';
import type { HubSpotSettings } from '../schemas/settings';
import { contactsType } from '../streams/objects';
import { batchRejection, permanent } from './batch';

/**
 * Action `archiveContacts`: an ordinary delete, by HubSpot record id (`POST /crm/v3/objects/contacts/batch/archive`,
 * up to 100 per call). Archived contacts go to HubSpot's recycle bin and can be restored there for 90 days; this is
 * the delete mirror mode uses. The GDPR purge is `deleteContact` (mode `erase`), never used by mirror mode.
 */

export const ARCHIVE_CONTACTS_PATH = `${contactsType.path}/batch/archive`;

export const ArchiveContactInput = Type.Object(
  { id: Type.String({ minLength: 1, description: 'HubSpot id (hs_object_id) of the contact to archive' }) },
  { additionalProperties: false },
);
export type ArchiveContactInput = Static<typeof ArchiveContactInput>;

export const archiveContacts = defineAction<HubSpotSettings, ArchiveContactInput>({
  name: 'archiveContacts',
  title: 'Archive contacts',
  description: 'Moves contacts to the recycle bin by id (batch archive, up to 100 per call; restorable for 90 days)',
  recordSchema: ArchiveContactInput,
  mode: 'delete',
  maxBatchSize: 100,
  identity: ['id'],
  async write({ connection, records }) {
    const ids = records.map((r) => r.id.trim());
    const client = clientFor(connection);
    try {
      await client.post<unknown>(ARCHIVE_CONTACTS_PATH, 'archive contacts', { inputs: ids.map((id) => ({ id })) });
    } catch (error) {
      const reason = batchRejection(error);
      return ids.map(() => permanent(reason));
    }
    // HubSpot answers 204 for the whole batch (an unknown id included): each contact is gone from the CRM
    return ids.map((id): WriteOutcome => ({ status: 'ok', targetId: id, operation: 'deleted' }));
  },
});
