import { defineStream } from '../../../core/sdk';
import { CrmObjectRecord } from '../schemas/records';
import type { HubSpotSettings } from '../schemas/settings';
import { readObjects } from './incremental';
import { refetchObjects } from './refetch';
import { contactsType } from './objects';

/** Stream `contacts`: HubSpot contacts, backfilled through the list endpoint, then read incrementally by search. */
export const contacts = defineStream<HubSpotSettings, CrmObjectRecord>({
  name: 'contacts',
  title: 'Contacts',
  description:
    'Contacts with the standard marketing properties (e-mail, names, phones, city, lifecycle stage, consent) and the contactProperties setting',
  recordSchema: CrmObjectRecord,
  identity: ['id'],
  modifiedField: 'updatedAt',
  read: (args) => readObjects(contactsType, args, async (objects) => objects),
  refetch: (args) => refetchObjects(contactsType, args, async (objects) => objects),
});
