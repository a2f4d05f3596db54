import { createHash } from 'node:crypto';
import type { WebhookRequest, WebhookResponse } from '../../sdk/define';
import { constantTimeEqual } from './common';

/**
 * Mailchimp audience webhooks carry no signature. The callback URL holds a secret token in its query
 * (`…/webhooks/<connection>?secret=<token>`), compared here in constant time. Mailchimp validates a new webhook
 * with a GET (some sources say an empty POST): both answer 200 when the secret is right.
 * POSTs are application/x-www-form-urlencoded: `type`, `fired_at` ("Y-m-d H:i:s") and `data[...]` fields.
 * https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/
 */
export const MAILCHIMP_SECRET_PARAM = 'secret';

export interface MailchimpVerifyOptions {
  /** The secret token put in the callback URL. */
  secret: string;
  /** Query parameter holding it; `secret` by default. */
  param?: string;
}

export function verifyMailchimpSecret(request: WebhookRequest, options: MailchimpVerifyOptions): boolean {
  const sent = request.query[options.param ?? MAILCHIMP_SECRET_PARAM];
  if (!sent || !options.secret) return false;
  return constantTimeEqual(sent, options.secret);
}

/** Mailchimp's GET validation: 200 with the right secret, 401 without. */
export function mailchimpHandshake(request: WebhookRequest, options: MailchimpVerifyOptions): WebhookResponse {
  return verifyMailchimpSecret(request, options) ? { status: 200, body: '' } : { status: 401 };
}

export type FormValue = string | { [key: string]: FormValue };

export interface MailchimpPayload {
  type: string;
  /** As sent: "Y-m-d H:i:s", in UTC. */
  firedAt: string;
  /** The `data[...]` fields as a nested object: `data[merges][FNAME]` → data.merges.FNAME. */
  data: { [key: string]: FormValue };
}

function assign(target: { [key: string]: FormValue }, path: string[], value: string): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const next = node[key];
    if (typeof next === 'object' && !Array.isArray(next)) node = next;
    else {
      const created: { [key: string]: FormValue } = Object.create(null) as { [key: string]: FormValue };
      node[key] = created;
      node = created;
    }
  }
  node[path[path.length - 1]] = value;
}

/** Decodes Mailchimp's form body; undefined when it has no `type` (e.g. the empty validation POST). */
export function parseMailchimpForm(rawBody: Buffer | string): MailchimpPayload | undefined {
  const params = new URLSearchParams(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  const type = params.get('type');
  if (!type) return undefined;
  const data: { [key: string]: FormValue } = Object.create(null) as { [key: string]: FormValue };
  for (const [name, value] of params) {
    const match = /^data((?:\[[^[\]]*\])+)$/.exec(name);
    if (!match) continue;
    const path = [...match[1].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]);
    if (path.some((key) => key === '' || key === '__proto__')) continue;
    assign(data, path, value);
  }
  return { type, firedAt: params.get('fired_at') ?? '', data };
}

/**
 * Mailchimp events have no id: the sha256 of the raw body stands in for one, so a redelivered POST (same type,
 * time and data) is recognised as a duplicate.
 */
export function mailchimpEventId(rawBody: Buffer | string): string {
  return createHash('sha256').update(rawBody).digest('hex');
}
