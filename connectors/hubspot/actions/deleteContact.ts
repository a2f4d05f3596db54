import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor } from '../client';
import { DeleteContactInput } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { contactsType } from '../streams/objects';
import { batchRejection, permanent } from './batch';

/**
 * Action `deleteContact`: GDPR-erases a contact by e-mail (`POST /crm/v3/objects/contacts/gdpr-delete`). This is a
 * purge, not the recycle bin; HubSpot answers 204 even for an unknown address, which it then blocklists.
 */

export const GDPR_DELETE_PATH = `${contactsType.path}/gdpr-delete`;

export const deleteContact = defineAction<HubSpotSettings, DeleteContactInput>({
  name: 'deleteContact',
  title: 'Delete contact (GDPR)',
  description: 'Permanently deletes a contact by e-mail (GDPR erasure)',
  recordSchema: DeleteContactInput,
  mode: 'erase',
  maxBatchSize: 1,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    const outcomes: WriteOutcome[] = [];
    for (const record of records) {
      const email = record.email.trim();
      try {
        await client.post<unknown>(GDPR_DELETE_PATH, 'GDPR-delete a contact', { objectId: email, idProperty: 'email' });
        outcomes.push({ status: 'ok', targetId: email, operation: 'deleted' });
      } catch (error) {
        outcomes.push(permanent(batchRejection(error)));
      }
    }
    return outcomes;
  },
});
