import {
  defineWebhook,
  metaHandshake,
  verifyMetaSignature,
  type WebhookEvent,
  type WebhookRequest,
} from '../../core/sdk';
import type { MetaSettings } from './schemas/settings';

/**
 * The Lead Ads webhook: object `page`, field `leadgen` ([doc] vendor-apis.md §5b). Subscribing sends a GET with
 * hub.mode/hub.verify_token/hub.challenge, answered with the challenge when the token is the connection's
 * `verifyToken`; each POST is signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, raw body)>`,
 * verified by the SDK's primitive on the raw bytes. A delivery looks like
 * `{ object: "page", entry: [{ id, time, changes: [{ field: "leadgen", value: { leadgen_id, form_id, page_id,
 * ad_id, created_time } }] }] }`.
 *
 * Each change becomes one event whose id is the lead id (a redelivery is de-duplicated by the ingress) and whose
 * record carries `id` = the lead id, the stream's identity; the webhook says `fetch: true` (SDK 1.2): `parse` stays offline
 * and fast, and the runner reads the lead by id (`GET /{lead_id}`, `leads.refetch` in streams/leads.ts) in the run of
 * the webhook-triggered flow, which maps the full lead (field_data: e-mail, name, phone…). A lead that comes both
 * ways (this and the scheduled reconciliation read of the forms) is one record: same id, one link group.
 */

interface LeadgenValue {
  leadgen_id?: string | number;
  form_id?: string | number;
  page_id?: string | number;
  ad_id?: string | number;
  created_time?: number;
}

const str = (v: string | number | undefined): string | null => (v === undefined ? null : String(v));

export function parseLeadgen(rawBody: Buffer): WebhookEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return [];
  }
  const body = parsed as { object?: string; entry?: { changes?: { field?: string; value?: LeadgenValue }[] }[] };
  if (body.object !== 'page' || !Array.isArray(body.entry)) return [];
  const events: WebhookEvent[] = [];
  for (const entry of body.entry)
    for (const change of entry.changes ?? []) {
      const value = change.value;
      if (change.field !== 'leadgen' || value?.leadgen_id === undefined) continue;
      const id = String(value.leadgen_id);
      const at = typeof value.created_time === 'number' ? new Date(value.created_time * 1000).toISOString() : undefined;
      events.push({
        id,
        type: 'leadgen',
        stream: 'leads',
        ...(at === undefined ? {} : { occurredAt: at }),
        record: {
          id,
          form_id: str(value.form_id),
          page_id: str(value.page_id),
          ad_id: str(value.ad_id),
          created_time: at ?? null,
        },
      });
    }
  return events;
}

export const leadgen = defineWebhook<MetaSettings>({
  name: 'leadgen',
  description:
    'Lead Ads: page leadgen changes, X-Hub-Signature-256 with the app secret; the GET handshake answers with the verifyToken setting',
  stream: 'leads',
  // a delivery names the lead without its answers: the runner reads each one by id (leads.refetch)
  fetch: true,
  verify: (request: WebhookRequest, { settings }) =>
    verifyMetaSignature(request, { appSecret: settings.appSecret ?? '' }),
  handshake: (request, { settings }) => metaHandshake(request, { verifyToken: settings.verifyToken ?? '' }),
  parse: (request) => parseLeadgen(request.rawBody),
});
