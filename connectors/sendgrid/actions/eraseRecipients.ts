import { defineAction, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type SendGridClient } from '../client';
import { chunkBy } from '../emails';
import { EmailInput } from '../schemas/records';
import type { SendGridSettings } from '../schemas/settings';
import { isBadRequest, writeByEmail } from './outcomes';

/**
 * Action `eraseRecipients` (GDPR erasure): `POST /v3/recipients/erasejob` with at most 5,000 addresses or 256 KB
 * per request; SendGrid deletes the personal data of these recipients across the account. SendGrid refuses the
 * whole request when one address is malformed (400 naming it), so addresses are checked first, and a 400 that
 * names addresses fails those and sends the rest once more. ok outcomes carry the email as targetId.
 */

export const ERASE_MAX_ADDRESSES = 5_000;
/** 256 KB, less room for the `{"email_addresses":[]}` envelope. */
export const ERASE_MAX_BYTES = 256 * 1024 - 64;

async function erase(client: SendGridClient, emails: string[]): Promise<Map<string, string>> {
  const rejected = new Map<string, string>();
  try {
    await client.request<{ job_id?: string }>('POST', '/v3/recipients/erasejob', {
      body: { email_addresses: emails },
    });
    return rejected;
  } catch (error) {
    if (!isBadRequest(error)) throw error;
    // "Email_address user1@gml.com is not valid": fail the addresses named, resend the others once
    const named = emails.filter((e) => error.message.toLowerCase().includes(e));
    if (named.length === 0 || named.length === emails.length) {
      for (const e of emails) rejected.set(e, error.message);
      return rejected;
    }
    for (const e of named) rejected.set(e, error.message);
    await client.request('POST', '/v3/recipients/erasejob', {
      body: { email_addresses: emails.filter((e) => !rejected.has(e)) },
    });
    return rejected;
  }
}

export const eraseRecipients = defineAction<SendGridSettings, EmailInput>({
  name: 'eraseRecipients',
  title: 'Erase recipients (GDPR)',
  description:
    'Erases all personal data SendGrid holds about these recipients (POST /v3/recipients/erasejob), for the account',
  recordSchema: EmailInput,
  mode: 'erase',
  maxBatchSize: 5_000,
  identity: ['email'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    return writeByEmail(
      records,
      (emails) => chunkBy(emails, ERASE_MAX_ADDRESSES, ERASE_MAX_BYTES, (e) => Buffer.byteLength(e) + 3),
      async (emails) => {
        const rejected = await erase(client, emails);
        return new Map(
          emails.map((email): [string, WriteOutcome] => {
            const reason = rejected.get(email);
            return [
              email,
              reason === undefined
                ? { status: 'ok', targetId: email, operation: 'deleted' }
                : { status: 'failed', failure: 'permanent', field: 'email', reason },
            ];
          }),
        );
      },
    );
  },
});
