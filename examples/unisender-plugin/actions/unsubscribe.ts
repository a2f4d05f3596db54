import { defineAction } from 'connector-hub/sdk';
import { ContactRef } from '../schemas/records';
import type { UnisenderSettings } from '../schemas/settings';
import { perContact } from './per-contact';

/**
 * Action `unsubscribe`: `unsubscribe(contact_type=email, contact, list_ids=listId)`. The contact stays in the list
 * with the unsubscribed status, so a later import does not silently re-subscribe it (unlike exclude).
 */
export const unsubscribe = defineAction<UnisenderSettings, ContactRef>({
  name: 'unsubscribe',
  title: 'Unsubscribe contacts',
  description: 'Marks contacts unsubscribed from the list (they stay in it with that status)',
  recordSchema: ContactRef,
  mode: 'upsert',
  // one contact per Unisender call: a batch of them is sent one by one inside write(), one outcome each
  maxBatchSize: 50,
  identity: ['email'],
  write: ({ connection, records }) => perContact('unsubscribe', connection, records, 'updated'),
});
