import {
  mailchimpEventId,
  mailchimpHandshake,
  parseMailchimpForm,
  verifyMailchimpSecret,
} from '../../../../core/webhooks/signatures';
import { webhookRequest } from './helpers';

const secret = 'b7c1f0e2a9d84c3f';
const at = (query: string, method = 'POST', body = '') =>
  webhookRequest({ method, url: `https://hub.example.com/webhooks/con_1${query}`, body });

// The subscribe example of Mailchimp's webhook guide, form-encoded as Mailchimp posts it.
const subscribe =
  'type=subscribe&fired_at=2009-03-26+21%3A35%3A57&data%5Bid%5D=8a25ff1d98&data%5Blist_id%5D=a6b5da1054' +
  '&data%5Bemail%5D=api%40mailchimp.com&data%5Bemail_type%5D=html&data%5Bmerges%5D%5BEMAIL%5D=api%40mailchimp.com' +
  '&data%5Bmerges%5D%5BFNAME%5D=Mailchimp&data%5Bmerges%5D%5BLNAME%5D=API' +
  '&data%5Bmerges%5D%5BINTERESTS%5D=Group1%2CGroup2&data%5Bip_opt%5D=10.20.10.30&data%5Bip_signup%5D=10.20.10.30';

describe('Mailchimp secret in the callback URL', () => {
  it('accepts the right secret and refuses a wrong, shorter, longer or missing one', () => {
    expect(verifyMailchimpSecret(at(`?secret=${secret}`), { secret })).toBe(true);
    expect(verifyMailchimpSecret(at(`?secret=${secret.replace('b', 'c')}`), { secret })).toBe(false);
    expect(verifyMailchimpSecret(at(`?secret=${secret.slice(1)}`), { secret })).toBe(false);
    expect(verifyMailchimpSecret(at(`?secret=${secret}0`), { secret })).toBe(false);
    expect(verifyMailchimpSecret(at(''), { secret })).toBe(false);
    expect(verifyMailchimpSecret(at('?secret='), { secret: '' })).toBe(false);
    expect(verifyMailchimpSecret(at(`?token=${secret}`), { secret, param: 'token' })).toBe(true);
  });

  it("answers Mailchimp's GET validation with 200 only when the secret is right", () => {
    expect(mailchimpHandshake(at(`?secret=${secret}`, 'GET'), { secret })).toEqual({ status: 200, body: '' });
    expect(mailchimpHandshake(at('?secret=nope', 'GET'), { secret })).toEqual({ status: 401 });
  });

  it('decodes the form body into nested data', () => {
    expect(parseMailchimpForm(subscribe)).toEqual({
      type: 'subscribe',
      firedAt: '2009-03-26 21:35:57',
      data: {
        id: '8a25ff1d98',
        list_id: 'a6b5da1054',
        email: 'api@mailchimp.com',
        email_type: 'html',
        merges: { EMAIL: 'api@mailchimp.com', FNAME: 'Mailchimp', LNAME: 'API', INTERESTS: 'Group1,Group2' },
        ip_opt: '10.20.10.30',
        ip_signup: '10.20.10.30',
      },
    });
    expect(parseMailchimpForm('')).toBeUndefined();
    const hostile = parseMailchimpForm('type=profile&data%5B__proto__%5D%5Bx%5D=1&data%5Ba%5D%5B%5D=2');
    expect(hostile?.data).toEqual({});
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('derives a stable event id from the raw body', () => {
    expect(mailchimpEventId(subscribe)).toBe(mailchimpEventId(Buffer.from(subscribe)));
    expect(mailchimpEventId(subscribe)).toMatch(/^[0-9a-f]{64}$/);
    expect(mailchimpEventId(subscribe.replace('API', 'APX'))).not.toBe(mailchimpEventId(subscribe));
  });
});
