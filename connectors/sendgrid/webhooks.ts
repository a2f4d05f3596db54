import {
  defineWebhook,
  verifySendgridSignature,
  type ConnectionContext,
  type WebhookEvent,
  type WebhookRequest,
} from '../../core/sdk';
import type { Suppression, SuppressionType } from './schemas/records';
import type { SendGridSettings } from './schemas/settings';
import { isoTime } from './streams/contact-record';

/**
 * SendGrid's signed Event Webhook. The signature (ECDSA P-256 over timestamp + raw body, five-minute window) is
 * checked by the shared helper with the connection's `webhookPublicKey`; without a key nothing is accepted.
 * The body is a JSON array of events; the ones that change who may be mailed become `suppressions` records shaped
 * like the stream's: unsubscribe and group_unsubscribe → unsubscribe, bounce → bounce (a "blocked" bounce is
 * temporary and adds no suppression), spamreport → spamreport, and dropped events whose reason is an existing
 * suppression (Bounced / Unsubscribed / Spam Reporting Address). Other events (delivered, open…) are ignored.
 */

interface SendGridEvent {
  email?: unknown;
  event?: unknown;
  sg_event_id?: unknown;
  timestamp?: unknown;
  reason?: unknown;
  type?: unknown;
  asm_group_id?: unknown;
}

const DROPPED_REASONS: Record<string, SuppressionType> = {
  'bounced address': 'bounce',
  'unsubscribed address': 'unsubscribe',
  'spam reporting address': 'spamreport',
};

function suppressionType(event: SendGridEvent): SuppressionType | undefined {
  switch (event.event) {
    case 'unsubscribe':
    case 'group_unsubscribe':
      return 'unsubscribe';
    case 'bounce':
      return event.type === 'blocked' ? undefined : 'bounce';
    case 'spamreport':
      return 'spamreport';
    case 'dropped':
      return typeof event.reason === 'string' ? DROPPED_REASONS[event.reason.trim().toLowerCase()] : undefined;
    default:
      return undefined;
  }
}

function reasonOf(event: SendGridEvent): string | undefined {
  if (typeof event.reason === 'string' && event.reason !== '') return event.reason;
  if (event.event === 'group_unsubscribe' && event.asm_group_id !== undefined)
    return `unsubscribed from group ${String(event.asm_group_id)}`;
  return undefined;
}

/** Events of one verified delivery that become suppression records. */
export function parseSendGridEvents(body: Buffer | string): WebhookEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const events: WebhookEvent[] = [];
  for (const item of parsed as SendGridEvent[]) {
    if (typeof item !== 'object' || item === null) continue;
    const type = suppressionType(item);
    if (type === undefined || typeof item.email !== 'string' || item.email.trim() === '') continue;
    const email = item.email.trim().toLowerCase();
    const occurredAt = isoTime(item.timestamp) ?? new Date(0).toISOString();
    const record: Suppression = { id: `${type}:${email}`, email, type, created_at: occurredAt };
    const reason = reasonOf(item);
    if (reason !== undefined) record.reason = reason;
    const id =
      typeof item.sg_event_id === 'string' && item.sg_event_id !== ''
        ? item.sg_event_id
        : `${String(item.event)}:${email}:${String(item.timestamp)}`;
    events.push({ id, type: String(item.event), stream: 'suppressions', occurredAt, record: { ...record } });
  }
  return events;
}

export const eventWebhook = defineWebhook<SendGridSettings>({
  name: 'events',
  description: 'Signed Event Webhook: unsubscribes, bounces, spam reports and drops as suppression records',
  stream: 'suppressions',
  verify(request: WebhookRequest, connection: ConnectionContext<SendGridSettings>): boolean {
    const publicKey = connection.settings.webhookPublicKey;
    if (publicKey === undefined || publicKey === '') {
      connection.log.warn(
        {},
        'SendGrid webhook refused: set webhookPublicKey (Signed Event Webhook key) on the connection',
      );
      return false;
    }
    return verifySendgridSignature(request, { publicKey });
  },
  parse(request: WebhookRequest): WebhookEvent[] {
    return parseSendGridEvents(request.rawBody);
  },
});
