import type { WebhookRequest } from '../../sdk/define';
import {
  DEFAULT_REPLAY_WINDOW_MS,
  constantTimeEqual,
  headerValue,
  hmacSha256,
  parseIntegerHeader,
  withinReplayWindow,
} from './common';

/**
 * HubSpot webhook signature v3:
 *   X-HubSpot-Signature-v3     = base64(HMAC-SHA256(app client secret, method + URI + raw body + timestamp))
 *   X-HubSpot-Request-Timestamp = epoch milliseconds; requests older than 5 minutes are refused.
 * The URI is the full URL HubSpot called (protocol, host, path, query), with the percent-encoded characters
 * HubSpot lists decoded (see `decodeHubspotUri`).
 * https://developers.hubspot.com/docs/apps/developer-platform/build-apps/authentication/request-validation
 */
export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
export const HUBSPOT_MAX_AGE_MS = DEFAULT_REPLAY_WINDOW_MS;

/** The percent-encodings HubSpot's request-validation guide says to decode in the URI before signing. */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** Decodes exactly the characters of HubSpot's table (any other escape, e.g. %20 or %26, is kept as is). */
export function decodeHubspotUri(uri: string): string {
  return uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODED[match.toUpperCase()] ?? match);
}

export interface HubspotSignatureInput {
  clientSecret: string;
  method: string;
  /** The full URL HubSpot called; decoded here with `decodeHubspotUri`. */
  uri: string;
  body: Buffer | string;
  /** The X-HubSpot-Request-Timestamp value, exactly as sent. */
  timestamp: string;
}

/** The v3 signature HubSpot sends for this request (also used by tests and the sandbox to sign). */
export function signHubspotV3(input: HubspotSignatureInput): string {
  return hmacSha256(
    input.clientSecret,
    input.method.toUpperCase(),
    decodeHubspotUri(input.uri),
    input.body,
    input.timestamp,
  ).toString('base64');
}

export interface HubspotVerifyOptions {
  /** The app's client secret. */
  clientSecret: string;
  /** The public URL HubSpot called, when it differs from `request.url` (e.g. behind a proxy). */
  uri?: string;
  now?: number;
  maxAgeMs?: number;
}

/** Verifies an incoming HubSpot request (signature v3), in constant time, with the 5-minute replay window. */
export function verifyHubspotSignature(request: WebhookRequest, options: HubspotVerifyOptions): boolean {
  const signature = headerValue(request, HUBSPOT_SIGNATURE_HEADER);
  const timestamp = headerValue(request, HUBSPOT_TIMESTAMP_HEADER);
  if (!signature || !timestamp || !options.clientSecret) return false;
  const sentAt = parseIntegerHeader(timestamp);
  const now = options.now ?? request.receivedAt.getTime();
  if (sentAt === undefined || !withinReplayWindow(sentAt, now, options.maxAgeMs ?? HUBSPOT_MAX_AGE_MS)) return false;
  const expected = signHubspotV3({
    clientSecret: options.clientSecret,
    method: request.method,
    uri: options.uri ?? request.url,
    body: request.rawBody,
    timestamp,
  });
  return constantTimeEqual(expected, signature.trim());
}
