import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { WebhookRequest } from '../../sdk/define';
import { DEFAULT_REPLAY_WINDOW_MS, headerValue, parseIntegerHeader, withinReplayWindow } from './common';

/**
 * SendGrid signed Event Webhook: ECDSA P-256 / SHA-256 over `timestamp + raw body` (the body's bytes exactly as
 * received, trailing CRLF included), the signature base64 DER in X-Twilio-Email-Event-Webhook-Signature, the
 * timestamp (epoch seconds) in X-Twilio-Email-Event-Webhook-Timestamp. The verification key SendGrid shows is a
 * base64 DER SubjectPublicKeyInfo. SendGrid documents no replay window; we refuse timestamps more than five
 * minutes away (the event ids de-duplicate anything replayed inside it).
 */
export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';
export const SENDGRID_MAX_AGE_MS = DEFAULT_REPLAY_WINDOW_MS;

const KEY_CACHE_LIMIT = 100;
const keyCache = new Map<string, KeyObject>();

/** The verification key from SendGrid's base64 DER (SPKI) form, or a PEM. Throws on a malformed key. */
export function sendgridPublicKey(key: string): KeyObject {
  const cached = keyCache.get(key);
  if (cached) return cached;
  const trimmed = key.trim();
  const parsed = trimmed.startsWith('-----BEGIN')
    ? createPublicKey({ key: trimmed, format: 'pem' })
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (parsed.asymmetricKeyType !== 'ec') throw new Error('the SendGrid verification key is not an EC key');
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(key, parsed);
  return parsed;
}

/** The bare signature check (no replay window): SendGrid's own `EventWebhook.verifySignature`. */
export function verifySendgridPayload(
  publicKey: string | KeyObject,
  payload: Buffer | string,
  signature: string,
  timestamp: string,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? sendgridPublicKey(publicKey) : publicKey;
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), body]);
    return verify('sha256', signed, key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    // a malformed key or DER signature is a failed verification, not a crash
    return false;
  }
}

export interface SendgridVerifyOptions {
  /** The verification key (base64 DER SPKI, as SendGrid shows it) or a KeyObject. */
  publicKey: string | KeyObject;
  now?: number;
  maxAgeMs?: number;
}

/** Verifies an incoming SendGrid Event Webhook request, with the replay window. */
export function verifySendgridSignature(request: WebhookRequest, options: SendgridVerifyOptions): boolean {
  const signature = headerValue(request, SENDGRID_SIGNATURE_HEADER);
  const timestamp = headerValue(request, SENDGRID_TIMESTAMP_HEADER);
  if (!signature || !timestamp) return false;
  const seconds = parseIntegerHeader(timestamp);
  const now = options.now ?? request.receivedAt.getTime();
  if (seconds === undefined || !withinReplayWindow(seconds * 1000, now, options.maxAgeMs ?? SENDGRID_MAX_AGE_MS))
    return false;
  return verifySendgridPayload(options.publicKey, request.rawBody, signature, timestamp);
}
