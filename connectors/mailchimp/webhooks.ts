import { createHash } from 'node:crypto';
import {
  defineWebhook,
  mailchimpHandshake,
  parseMailchimpForm,
  verifyMailchimpSecret,
  type FormValue,
  type WebhookEvent,
  type WebhookRequest,
} from '../../core/sdk';
import { subscriberHash } from './client';
import type { MailchimpSettings } from './schemas/settings';

/**
 * Audience webhooks. Mailchimp signs nothing: the callback URL carries the connection's `webhookToken` in its query
 * (`…?token=<webhookToken>`), compared in constant time by the shared helper. Deliveries are form-encoded POSTs
 * (`type`, `fired_at` "Y-m-d H:i:s" UTC, `data[...]`); Mailchimp validates a new webhook with a GET (or, per some
 * sources, an empty POST): both answer 200 when the token is right (an empty POST parses to no events).
 * https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
 *
 * Events become partial `members` records: only the fields the event carries (a `profile` event has no status).
 */

export const WEBHOOK_TOKEN_PARAM = 'token';

function options(settings: MailchimpSettings) {
  return { secret: settings.webhookToken ?? '', param: WEBHOOK_TOKEN_PARAM };
}

function text(value: FormValue | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** "2009-03-26 21:35:57" (UTC) → ISO; undefined when unreadable. */
export function firedAtIso(firedAt: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(firedAt.trim());
  const at = Date.parse(match ? `${match[1]}T${match[2]}Z` : firedAt);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
}

/** Stable id of a delivery: the same event redelivered hashes the same, whatever the order of its merge fields. */
export function webhookEventId(type: string, firedAt: string, id: string, email: string): string {
  return createHash('sha256').update([type, firedAt, id, email].join('\u0000')).digest('hex');
}

/** `data[merges]` without EMAIL (the address itself) and INTERESTS (groups, not merge fields). */
function mergeFields(merges: FormValue | undefined): Record<string, string> | undefined {
  if (typeof merges !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [tag, value] of Object.entries(merges)) {
    if (tag === 'EMAIL' || tag === 'INTERESTS' || typeof value !== 'string') continue;
    out[tag] = value;
  }
  return out;
}

const STATUS_BY_TYPE: Record<string, string> = {
  subscribe: 'subscribed',
  unsubscribe: 'unsubscribed',
  cleaned: 'cleaned',
};

export const audienceEvents = defineWebhook<MailchimpSettings>({
  name: 'audienceEvents',
  description:
    'Mailchimp audience webhook (subscribe, unsubscribe, profile, upemail, cleaned); URL …?token=<webhookToken>',
  stream: 'members',
  verify: (request, { settings }) => verifyMailchimpSecret(request, options(settings)),
  handshake: (request, { settings }) => mailchimpHandshake(request, options(settings)),
  parse(request: WebhookRequest): WebhookEvent[] {
    const payload = parseMailchimpForm(request.rawBody);
    if (payload === undefined) return [];
    const { type, firedAt, data } = payload;
    const occurredAt = firedAtIso(firedAt) ?? request.receivedAt.toISOString();
    const base = { type, stream: 'members', occurredAt };

    if (type === 'upemail') {
      const newEmail = text(data.new_email);
      const oldEmail = text(data.old_email);
      if (newEmail === undefined) return [];
      const id = webhookEventId(type, firedAt, text(data.new_id) ?? '', newEmail);
      const record = { id: subscriberHash(newEmail), email_address: newEmail, last_changed: occurredAt };
      const events: WebhookEvent[] = [{ ...base, id, record }];
      // the member's id is the hash of its address: the old id no longer exists
      if (oldEmail !== undefined)
        events.push({
          ...base,
          id: `${id}:old`,
          deleted: true,
          record: { id: subscriberHash(oldEmail), email_address: oldEmail, last_changed: occurredAt },
        });
      return events;
    }
    if (!['subscribe', 'unsubscribe', 'profile', 'cleaned'].includes(type)) return [];

    const email = text(data.email);
    if (email === undefined) return [];
    const memberId = text(data.id) ?? subscriberHash(email);
    const record: Record<string, unknown> = {
      id: subscriberHash(email),
      email_address: email,
      last_changed: occurredAt,
    };
    const status = STATUS_BY_TYPE[type];
    if (status !== undefined) record.status = status;
    const merges = mergeFields(data.merges);
    if (merges !== undefined) record.merge_fields = merges;
    if (type === 'unsubscribe' && text(data.reason) !== undefined) record.unsubscribe_reason = text(data.reason);
    const event: WebhookEvent = { ...base, id: webhookEventId(type, firedAt, memberId, email), record };
    // "delete" unsubscribes (action=delete) remove the member from the audience
    if (type === 'unsubscribe' && text(data.action) === 'delete') event.deleted = true;
    return [event];
  },
});
