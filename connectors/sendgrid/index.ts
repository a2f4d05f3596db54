import { defineConnector, isHubError, type CheckResult, type ConnectionContext } from '../../core/sdk';
import { deleteContacts } from './actions/deleteContacts';
import { eraseRecipients } from './actions/eraseRecipients';
import { upsertContacts } from './actions/upsertContacts';
import { clientFor } from './client';
import { loadFields } from './fields';
import { sendgridPolicy } from './policy';
import { SendGridSettings } from './schemas/settings';
import { contacts } from './streams/contacts';
import { suppressions } from './streams/suppressions';
import { eventWebhook } from './webhooks';

/**
 * The `sendgrid` connector: SendGrid Marketing Campaigns contacts (upsert, delete, GDPR erasure, export-based
 * reads) and suppressions (unsubscribes, bounces, spam reports), with the signed Event Webhook. See README.md.
 */

async function check(connection: ConnectionContext<SendGridSettings>): Promise<CheckResult> {
  try {
    const fields = await loadFields(clientFor(connection), true);
    return { ok: true, message: `SendGrid accepted the API key; ${fields.byName.size} custom field(s) defined` };
  } catch (error) {
    return { ok: false, message: isHubError(error) ? error.message : `SendGrid check failed: ${String(error)}` };
  }
}

export const connector = defineConnector({
  id: 'sendgrid',
  displayName: 'SendGrid Marketing',
  version: '1.0.0',
  category: 'email',
  description:
    'SendGrid Marketing Campaigns: upserts and deletes contacts (custom fields by name), erases recipients, reads ' +
    'contacts by export and suppressions incrementally, and receives the signed Event Webhook.',
  settingsSchema: SendGridSettings,
  policy: sendgridPolicy,
  check,
  streams: [contacts, suppressions],
  actions: [upsertContacts, deleteContacts, eraseRecipients],
  webhooks: [eventWebhook],
});

export default connector;
