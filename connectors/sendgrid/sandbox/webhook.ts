import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  type KeyObject,
} from 'node:crypto';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from '../../../core/sdk';

/**
 * Signs Event Webhook deliveries the way SendGrid does: ECDSA P-256 / SHA-256 over `timestamp + body`, the body
 * a JSON array followed by CRLF, the DER signature base64 in X-Twilio-Email-Event-Webhook-Signature.
 */

export interface EventSigner {
  /** base64 DER SubjectPublicKeyInfo, as SendGrid shows the verification key. */
  publicKey: string;
  sign(body: string, timestamp: string): string;
}

/** A P-256 private key derived from any text, so a demo configured with a plain secret gets the same key each run. */
function derivedKey(secret: string): KeyObject {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(createHash('sha256').update(`sendgrid-sandbox:${secret}`).digest());
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const b64url = (b: Buffer) => b.toString('base64url');
  return createPrivateKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: b64url(ecdh.getPrivateKey()),
      x: b64url(point.subarray(1, 33)),
      y: b64url(point.subarray(33, 65)),
    },
    format: 'jwk',
  });
}

/**
 * A signer from `webhookSecret`: a PEM private key, a base64 DER PKCS#8 one, or any other text (a key derived from
 * it); without one, a freshly generated P-256 pair.
 */
export function eventSigner(privateKey?: string): EventSigner {
  let key: KeyObject;
  const text = privateKey?.trim() ?? '';
  if (text === '') {
    key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  } else if (text.startsWith('-----BEGIN')) {
    key = createPrivateKey({ key: text, format: 'pem' });
  } else {
    try {
      key = createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
    } catch {
      key = derivedKey(text);
    }
  }
  const publicKey = createPublicKey(key).export({ format: 'der', type: 'spki' }).toString('base64');
  return {
    publicKey,
    sign: (body, timestamp) => sign('sha256', Buffer.from(timestamp + body, 'utf8'), key).toString('base64'),
  };
}

export interface WebhookDelivery {
  events: Record<string, unknown>[];
  status?: number;
  error?: string;
}

/** POSTs one signed delivery; never throws (the outcome is recorded and returned). */
export async function deliverEvents(
  url: string,
  signer: EventSigner,
  events: Record<string, unknown>[],
  now = Date.now(),
): Promise<WebhookDelivery> {
  const body = `${JSON.stringify(events)}\r\n`;
  const timestamp = String(Math.floor(now / 1000));
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SENDGRID_SIGNATURE_HEADER]: signer.sign(body, timestamp),
        [SENDGRID_TIMESTAMP_HEADER]: timestamp,
        'user-agent': 'SendGrid Event API (sandbox)',
      },
      body,
    });
    await response.arrayBuffer().catch(() => undefined);
    return { events, status: response.status };
  } catch (error) {
    return { events, error: error instanceof Error ? error.message : String(error) };
  }
}
