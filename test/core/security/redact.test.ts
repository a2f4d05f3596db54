import {
  maskCredentialHeaders,
  redactSecrets,
  redactVendorText,
  redactVendorValue,
  registerSecret,
} from '../../../core/security/redact';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

describe('redaction of derived forms', () => {
  const secret = `sk-${Math.random().toString(36).slice(2)}/a+b"c\\d= e?`;
  beforeAll(() => registerSecret(secret));

  const forms: Record<string, string> = {
    raw: secret,
    json: JSON.stringify(secret).slice(1, -1),
    url: encodeURIComponent(secret),
    urlLower: encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    form: encodeURIComponent(secret).replace(/%20/g, '+'),
    base64: b64(secret),
    base64NoPad: b64(secret).replace(/=+$/, ''),
    base64url: b64url(secret),
    basic: b64(`connector-hub:${secret}`),
    basicOtherUser: b64(`x:${secret}`),
    basicLongUser: b64(`someone.else@example.com:${secret}`),
    basicUrlAlphabet: b64url(`ab:${secret}`),
  };

  it.each(Object.entries(forms))('replaces the %s form wherever it sits in a text', (_name, form) => {
    const text = `vendor said: "${form}" (twice: ${form}) and more`;
    const out = redactSecrets(text);
    expect(out).not.toContain(form);
    expect(out).toContain('[secret]');
    expect(out).toContain('vendor said');
  });

  it('finds a short secret inside user:secret by decoding, and a secret given only for this call', () => {
    const own = 'abcd';
    const text = `Basic ${b64(`u:${own}`)} / Basic ${b64(`longer-user:${own}`)}`;
    const out = redactSecrets(text, [own]);
    expect(out).toBe('Basic [secret] / Basic [secret]');
    expect(redactSecrets('nothing to see here', [own])).toBe('nothing to see here');
  });

  it('leaves unrelated base64 and text alone', () => {
    const other = b64('an unrelated value that is not a secret at all');
    expect(redactSecrets(`id ${other} ok`)).toBe(`id ${other} ok`);
  });

  it('masks credential headers echoed in a body, in plain, JSON and JSON-escaped text', () => {
    const echoed = [
      'Authorization: Basic Zm9vOmJhcg==',
      '{"authorization":"Bearer abc.def"}',
      '{\\"Cookie\\": \\"session=1; other=2\\"}',
      'x-api-key=k-123',
      'Proxy-Authorization: Negotiate xyz',
    ].join('\n');
    const out = maskCredentialHeaders(echoed);
    for (const value of ['Zm9vOmJhcg', 'abc.def', 'session=1', 'k-123', 'Negotiate xyz'])
      expect(out).not.toContain(value);
    expect(out).toContain('Authorization: [redacted]');
    expect(out).toContain('{"authorization":"[redacted]"}');
    expect(JSON.parse(`"${'{\\"Cookie\\": \\"session=1\\"}'.replace(/session=1/, '[redacted]')}"`)).toContain('Cookie');
    expect(maskCredentialHeaders('authorization failed: check the key')).toBe('authorization failed: check the key');
  });

  it('keeps JSON valid when it scrubs a serialised document', () => {
    const doc = JSON.stringify({ message: `echo Authorization: Basic ${b64(`hub:${secret}`)} and ${secret}` });
    const out = redactVendorText(doc);
    expect(() => JSON.parse(out) as unknown).not.toThrow();
    expect(out).not.toContain(forms.json);
  });

  it('scrubs every string of a value', () => {
    const value = { kind: 'auth', message: `token ${secret}`, nested: [{ detail: b64(secret) }] };
    expect(redactVendorValue(value)).toEqual({
      kind: 'auth',
      message: 'token [secret]',
      nested: [{ detail: '[secret]' }],
    });
  });
});
