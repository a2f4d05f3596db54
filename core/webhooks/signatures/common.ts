import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookRequest } from '../../sdk/define';

/** Five minutes: HubSpot's documented window, and the usual one where a vendor documents none. */
export const DEFAULT_REPLAY_WINDOW_MS = 5 * 60 * 1000;

/**
 * Constant-time equality of two byte strings. Different lengths answer false after a comparison of the same
 * cost as an equal-length one, so the time taken says nothing about where the inputs differ.
 */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** A request header by name, case-insensitively; empty values count as absent. */
export function headerValue(request: Pick<WebhookRequest, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const direct = request.headers[wanted];
  if (direct !== undefined) return direct === '' ? undefined : direct;
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted && value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** HMAC-SHA256 of the concatenated parts (strings as UTF-8, buffers as they are). */
export function hmacSha256(secret: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/**
 * True when `timestampMs` lies within `windowMs` of `nowMs`, in either direction (a timestamp far in the
 * future is as suspicious as an old one). Non-finite timestamps are refused.
 */
export function withinReplayWindow(timestampMs: number, nowMs: number, windowMs: number): boolean {
  return Number.isFinite(timestampMs) && Math.abs(nowMs - timestampMs) <= windowMs;
}

/** Parses a decimal integer header (no sign, no fraction, no spaces); undefined when it is not one. */
export function parseIntegerHeader(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
