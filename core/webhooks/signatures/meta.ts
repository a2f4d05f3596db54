import type { WebhookRequest, WebhookResponse } from '../../sdk/define';
import { constantTimeEqual, headerValue, hmacSha256 } from './common';

/**
 * Meta (Graph API) webhooks:
 * - each POST carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`;
 * - subscribing sends `GET ?hub.mode=subscribe&hub.verify_token=<token>&hub.challenge=<challenge>`, answered
 *   with the challenge when the token is the one configured.
 * Meta signs no timestamp, so there is no replay window: a replayed delivery is recognised by its event ids.
 * https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;
const CHALLENGE_PATTERN = /^[A-Za-z0-9._~-]{1,512}$/;

/** The X-Hub-Signature-256 value Meta sends for this body (tests and the sandbox sign with it). */
export function signMeta(appSecret: string, body: Buffer | string): string {
  return `sha256=${hmacSha256(appSecret, body).toString('hex')}`;
}

/** Verifies X-Hub-Signature-256 over the raw body, comparing the digests' bytes in constant time. */
export function verifyMetaSignature(request: WebhookRequest, options: { appSecret: string }): boolean {
  const header = headerValue(request, META_SIGNATURE_HEADER);
  const match = header === undefined ? null : SIGNATURE_PATTERN.exec(header.trim());
  if (!match || !options.appSecret) return false;
  const expected = hmacSha256(options.appSecret, request.rawBody);
  return constantTimeEqual(expected, Buffer.from(match[1], 'hex'));
}

/**
 * Answers Meta's subscription handshake: the challenge (200, text/plain) when hub.mode is `subscribe` and
 * hub.verify_token matches; 403 otherwise. Undefined when the request is not a handshake at all.
 */
export function metaHandshake(request: WebhookRequest, options: { verifyToken: string }): WebhookResponse | undefined {
  const mode = request.query['hub.mode'];
  if (mode === undefined) return undefined;
  const token = request.query['hub.verify_token'] ?? '';
  const challenge = request.query['hub.challenge'] ?? '';
  const tokenOk = options.verifyToken !== '' && constantTimeEqual(token, options.verifyToken);
  if (mode !== 'subscribe' || !tokenOk || !CHALLENGE_PATTERN.test(challenge)) return { status: 403 };
  return { status: 200, body: challenge, headers: { 'content-type': 'text/plain; charset=utf-8' } };
}
