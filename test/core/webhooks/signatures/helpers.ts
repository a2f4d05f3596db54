import type { WebhookRequest } from '../../../../core/sdk';

/** A WebhookRequest as the ingress builds it (header names lower-cased). */
export function webhookRequest(parts: Partial<WebhookRequest> & { body?: string | Buffer }): WebhookRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(parts.headers ?? {})) headers[name.toLowerCase()] = value;
  const url = parts.url ?? 'https://hub.example.com/webhooks/con_1';
  const query: Record<string, string | undefined> = { ...parts.query };
  if (!parts.query) for (const [k, v] of new URL(url).searchParams) query[k] ??= v;
  return {
    method: parts.method ?? 'POST',
    url,
    headers,
    query,
    rawBody: parts.rawBody ?? Buffer.from(parts.body ?? ''),
    receivedAt: parts.receivedAt ?? new Date(),
  };
}
