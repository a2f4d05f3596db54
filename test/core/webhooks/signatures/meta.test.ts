import { createHmac } from 'node:crypto';
import { metaHandshake, signMeta, verifyMetaSignature } from '../../../../core/webhooks/signatures';
import { webhookRequest } from './helpers';

const appSecret = 'meta-app-secret-123';
const body =
  '{"object":"page","entry":[{"id":"1","time":1700000000,"changes":[{"field":"leadgen","value":{"leadgen_id":"42"}}]}]}';
// Meta's documented form, computed independently: "sha256=" + hex HMAC-SHA256(app secret, raw body)
const documented = `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;

const post = (b: string, signature?: string) =>
  webhookRequest({ body: b, headers: signature === undefined ? {} : { 'X-Hub-Signature-256': signature } });

describe('Meta X-Hub-Signature-256', () => {
  it('accepts the documented signature over the raw body', () => {
    expect(signMeta(appSecret, body)).toBe(documented);
    expect(verifyMetaSignature(post(body, documented), { appSecret })).toBe(true);
    expect(verifyMetaSignature(post(body, documented.toUpperCase().replace('SHA256=', 'sha256=')), { appSecret })).toBe(
      true,
    );
  });

  it('refuses an altered body, a wrong secret, a malformed or missing header', () => {
    expect(verifyMetaSignature(post(body.replace('42', '43'), documented), { appSecret })).toBe(false);
    expect(verifyMetaSignature(post(body, documented), { appSecret: 'other' })).toBe(false);
    expect(verifyMetaSignature(post(body, documented.slice('sha256='.length)), { appSecret })).toBe(false);
    expect(verifyMetaSignature(post(body, `sha1=${documented.slice(7)}`), { appSecret })).toBe(false);
    expect(verifyMetaSignature(post(body, documented.slice(0, -2)), { appSecret })).toBe(false);
    expect(verifyMetaSignature(post(body), { appSecret })).toBe(false);
  });

  it('answers the subscription handshake with the challenge only for the right token', () => {
    const get = (query: Record<string, string>) => webhookRequest({ method: 'GET', query });
    const ok = metaHandshake(
      get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' }),
      {
        verifyToken: 'tok',
      },
    );
    expect(ok).toEqual({ status: 200, body: '1158201444', headers: { 'content-type': 'text/plain; charset=utf-8' } });
    expect(
      metaHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'bad', 'hub.challenge': '1' }), {
        verifyToken: 'tok',
      }),
    ).toEqual({ status: 403 });
    expect(
      metaHandshake(get({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1' }), {
        verifyToken: 'tok',
      }),
    ).toEqual({ status: 403 });
    expect(
      metaHandshake(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '<script>' }), {
        verifyToken: 'tok',
      }),
    ).toEqual({ status: 403 });
    expect(metaHandshake(get({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }), { verifyToken: '' })).toEqual({
      status: 403,
    });
    expect(metaHandshake(get({}), { verifyToken: 'tok' })).toBeUndefined();
  });
});
