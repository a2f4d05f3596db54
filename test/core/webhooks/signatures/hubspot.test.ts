import { createHmac } from 'node:crypto';
import {
  HUBSPOT_SIGNATURE_HEADER,
  HUBSPOT_TIMESTAMP_HEADER,
  decodeHubspotUri,
  signHubspotV3,
  verifyHubspotSignature,
} from '../../../../core/webhooks/signatures';
import { webhookRequest } from './helpers';

// Built independently of the helper, from HubSpot's documented concatenation:
// base64(HMAC-SHA256(client secret, method + URI + body + timestamp)).
const clientSecret = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const body =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const uri = 'https://hub.example.com/webhooks/con_1';
const now = 1_700_000_000_000;

function documented(secret: string, method: string, u: string, b: string, ts: string): string {
  return createHmac('sha256', secret).update(`${method}${u}${b}${ts}`, 'utf8').digest('base64');
}

function request(overrides: { body?: string; ts?: number; signature?: string; url?: string } = {}) {
  const ts = String(overrides.ts ?? now - 1000);
  const signature = overrides.signature ?? documented(clientSecret, 'POST', uri, body, ts);
  return webhookRequest({
    url: overrides.url ?? uri,
    body: overrides.body ?? body,
    headers: { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': ts },
    receivedAt: new Date(now),
  });
}

describe('HubSpot signature v3', () => {
  it('accepts a request signed as HubSpot documents it', () => {
    expect(verifyHubspotSignature(request(), { clientSecret })).toBe(true);
    expect(signHubspotV3({ clientSecret, method: 'post', uri, body, timestamp: '1' })).toBe(
      documented(clientSecret, 'POST', uri, body, '1'),
    );
  });

  it('refuses an altered body, a wrong secret and a tampered signature', () => {
    expect(verifyHubspotSignature(request({ body: body.replace('123', '124') }), { clientSecret })).toBe(false);
    expect(verifyHubspotSignature(request(), { clientSecret: 'another-secret' })).toBe(false);
    const sig = documented(clientSecret, 'POST', uri, body, String(now - 1000));
    expect(verifyHubspotSignature(request({ signature: sig.slice(0, -2) + 'AA' }), { clientSecret })).toBe(false);
    expect(verifyHubspotSignature(request({ signature: sig.slice(0, 10) }), { clientSecret })).toBe(false);
    expect(verifyHubspotSignature(request(), { clientSecret: '' })).toBe(false);
  });

  it('refuses timestamps older than 5 minutes (and far in the future), or not numbers', () => {
    expect(verifyHubspotSignature(request({ ts: now - 5 * 60 * 1000 }), { clientSecret })).toBe(true);
    expect(verifyHubspotSignature(request({ ts: now - 5 * 60 * 1000 - 1 }), { clientSecret })).toBe(false);
    expect(verifyHubspotSignature(request({ ts: now + 6 * 60 * 1000 }), { clientSecret })).toBe(false);
    const notNumber = webhookRequest({
      body,
      headers: { [HUBSPOT_SIGNATURE_HEADER]: documented(clientSecret, 'POST', uri, body, 'abc') },
      receivedAt: new Date(now),
    });
    notNumber.headers[HUBSPOT_TIMESTAMP_HEADER] = 'abc';
    expect(verifyHubspotSignature(notNumber, { clientSecret })).toBe(false);
  });

  it('refuses a request without the headers', () => {
    expect(verifyHubspotSignature(webhookRequest({ body, receivedAt: new Date(now) }), { clientSecret })).toBe(false);
  });

  it("decodes exactly the URL-encoded characters of HubSpot's table before signing", () => {
    expect(decodeHubspotUri('https://h.example/p?a=b%3Ac%2Fd%3Fe%40f%21g%24h%27i%28j%29k%2Al%2Cm%3Bn')).toBe(
      "https://h.example/p?a=b:c/d?e@f!g$h'i(j)k*l,m;n",
    );
    expect(decodeHubspotUri('https://h.example/p?q=a%20b%26c%3Dd%2b')).toBe('https://h.example/p?q=a%20b%26c%3Dd%2b');
    expect(decodeHubspotUri('https://h.example/p?x=%3a')).toBe('https://h.example/p?x=:');

    const received = 'https://hub.example.com/webhooks/con_1?source=crm%3Acontacts&note=a%20b';
    const signedByHubspot = 'https://hub.example.com/webhooks/con_1?source=crm:contacts&note=a%20b';
    const ts = String(now);
    const req = request({
      url: received,
      ts: now,
      signature: documented(clientSecret, 'POST', signedByHubspot, body, ts),
    });
    expect(verifyHubspotSignature(req, { clientSecret })).toBe(true);
  });

  it('uses the public URL given instead of the one the hub saw (behind a proxy)', () => {
    const req = request({ url: 'http://10.0.0.5:8080/webhooks/con_1' });
    expect(verifyHubspotSignature(req, { clientSecret })).toBe(false);
    expect(verifyHubspotSignature(req, { clientSecret, uri })).toBe(true);
  });
});
