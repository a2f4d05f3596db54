import { defineAction } from 'connector-hub/sdk';
import { ContactRef } from '../schemas/records';
import type { UnisenderSettings } from '../schemas/settings';
import { perContact } from './per-contact';

/**
 * Action `exclude`: `exclude(contact_type=email, contact, list_ids=listId)` removes the contact from the list
 * without marking it unsubscribed (it stays in the account and may be imported again).
 */
export const exclude = defineAction<UnisenderSettings, ContactRef>({
  name: 'exclude',
  title: 'Exclude contacts from the list',
  description: 'Removes contacts from the list without unsubscribing them',
  recordSchema: ContactRef,
  mode: 'delete',
  // one contact per Unisender call: a batch of them is sent one by one inside write(), one outcome each
  maxBatchSize: 50,
  identity: ['email'],
  write: ({ connection, records }) => perContact('exclude', connection, records, 'deleted'),
});
