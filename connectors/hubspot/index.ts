import { defineConnector, isHubError } from '../../core/sdk';
import { archiveContacts } from './actions/archiveContacts';
import { deleteContact } from './actions/deleteContact';
import { upsertContacts } from './actions/upsertContacts';
import { upsertDeals } from './actions/upsertDeals';
import { HubSpotClient } from './client';
import { hubspotPolicy, hubspotPolicyFor } from './policy';
import { HubSpotSettings } from './schemas/settings';
import { companies } from './streams/companies';
import { contacts } from './streams/contacts';
import { deals } from './streams/deals';
import { contactsType } from './streams/objects';
import { hubspotEvents } from './webhooks';

/**
 * The `hubspot` connector: contacts, deals (with line items) and companies from HubSpot CRM v3, contact and deal
 * upserts, GDPR erasure, and v3-signed webhooks. See README.md.
 */
export const connector = defineConnector({
  id: 'hubspot',
  displayName: 'HubSpot CRM',
  version: '1.0.0',
  category: 'crm',
  description:
    'Reads HubSpot contacts, deals with line items and companies incrementally, upserts contacts and deals in batches of 100, and erases contacts (GDPR).',
  settingsSchema: HubSpotSettings,
  policy: hubspotPolicy,
  policyFor: hubspotPolicyFor,
  async check({ settings, signal }) {
    try {
      await new HubSpotClient(settings, signal).get(contactsType.path, 'check the connection', { limit: '1' });
      return { ok: true, message: 'HubSpot accepted the token and the contacts read scope' };
    } catch (error) {
      if (isHubError(error)) return { ok: false, message: error.message };
      throw error;
    }
  },
  streams: [contacts, deals, companies],
  actions: [upsertContacts, upsertDeals, archiveContacts, deleteContact],
  webhooks: [hubspotEvents],
});

export default connector;
