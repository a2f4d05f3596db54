import { defineWebhook, verifyHubspotSignature, type WebhookEvent, type WebhookRequest } from '../../core/sdk';
import type { HubSpotSettings } from './schemas/settings';

/**
 * HubSpot webhook subscriptions (v3 signatures). A delivery is a JSON array of events such as
 * `{ eventId, subscriptionType: 'contact.propertyChange', objectId, occurredAt, propertyName, propertyValue }`;
 * each becomes one WebhookEvent carrying the changed part of the record (the flow then reads the record itself).
 */

interface HubSpotEvent {
  eventId?: number | string;
  subscriptionType?: string;
  objectId?: number | string;
  occurredAt?: number | string;
  propertyName?: string;
  propertyValue?: string | null;
  changeSource?: string;
}

const STREAMS: Record<string, string> = { contact: 'contacts', deal: 'deals', company: 'companies' };

function isoTime(value: number | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

export function parseHubSpotEvents(rawBody: Buffer): WebhookEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return [];
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const events: WebhookEvent[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const e = item as HubSpotEvent;
    if (e.eventId === undefined || typeof e.subscriptionType !== 'string') continue;
    const [objectType = '', change = ''] = e.subscriptionType.split('.');
    const event: WebhookEvent = { id: String(e.eventId), type: e.subscriptionType };
    const stream = STREAMS[objectType];
    if (stream !== undefined) event.stream = stream;
    const occurredAt = isoTime(e.occurredAt);
    if (occurredAt !== undefined) event.occurredAt = occurredAt;
    if (e.objectId !== undefined) {
      const properties: Record<string, string | null> = {};
      if (typeof e.propertyName === 'string') properties[e.propertyName] = e.propertyValue ?? null;
      event.record = { id: String(e.objectId), properties };
    }
    if (change === 'deletion' || change === 'privacyDeletion') event.deleted = true;
    events.push(event);
  }
  return events;
}

export const hubspotEvents = defineWebhook<HubSpotSettings>({
  name: 'events',
  description:
    'CRM change events (contact.creation, contact.propertyChange, contact.deletion, and the deal and company ones), signed with the v3 scheme',
  stream: 'contacts',
  verify: (request: WebhookRequest, connection) =>
    verifyHubspotSignature(request, { clientSecret: connection.settings.clientSecret ?? '' }),
  parse: (request) => parseHubSpotEvents(request.rawBody),
});
