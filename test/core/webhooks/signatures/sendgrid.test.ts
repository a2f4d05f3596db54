import { generateKeyPairSync, sign } from 'node:crypto';
import {
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  verifySendgridPayload,
  verifySendgridSignature,
} from '../../../../core/webhooks/signatures';
import { webhookRequest } from './helpers';

/**
 * SendGrid's own test vectors, from @sendgrid/eventwebhook's tests
 * (sendgrid/sendgrid-nodejs@8cbfaeb3 packages/eventwebhook/src/eventwebhook.spec.js; the first vector is from the
 * earlier version of that file, @31bf6a02). Note the trailing CRLF the newer payloads keep.
 */
const v2020 = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  payload:
    JSON.stringify([
      {
        email: 'hello@world.com',
        event: 'dropped',
        reason: 'Bounced Address',
        sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
        sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
        'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
        timestamp: 1600112492,
      },
    ]) + '\r\n',
};
const multiple = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ4LIFtWztlsF7skFqOncjD1lun4H5w8XOhyOArHW9RcIx/FfEzx6cikC/yPfUvwaX/JScE7Fc9CJD2afQ9Ok3Q==',
  signature: 'MEYCIQC/I4o6vCgqRYrTljjoVWB/GRWNtxeePlLMHr3x9ETeRQIhAIpV+03nREPTTHWSW0wIOA0EoMPdcNgXa70yCaqDJlu5',
  timestamp: '1619651159',
  payload:
    JSON.stringify([
      {
        email: 'invalid@gmail.com',
        event: 'processed',
        send_at: 0,
        sg_event_id: 'cHJvY2Vzc2VkLTE5OTQyMTEyLXFOd0JMZ1BRUWpXNkRKdktRd1NBYnctMA',
        sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0',
        'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>',
        timestamp: 1619651146,
      },
      {
        email: 'invalid@gmail.com',
        event: 'bounce',
        ip: '167.89.101.76',
        reason:
          '552 5.2.2 The email account that you tried to reach is over quota and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm c17si1130468pgv.34 - gsmtp',
        sg_event_id: 'Ym91bmNlLTAtMTk5NDIxMTItcU53QkxnUFFRalc2REp2S1F3U0Fidy0w',
        sg_message_id: 'qNwBLgPQQjW6DJvKQwSAbw.filterdrecv-canary-547b64655b-cw6zx-1-6089EA4A-56.0',
        'smtp-id': '<qNwBLgPQQjW6DJvKQwSAbw@ismtpd0178p1mdw1.sendgrid.net>',
        status: '5.2.2',
        timestamp: 1619651147,
        tls: 1,
        type: 'blocked',
      },
    ])
      .split('},{')
      .join('},\r\n{') + '\r\n',
};
const v2020May = {
  publicKey:
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==',
  signature: 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=',
  timestamp: '1588788367',
  payload: JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }),
};
const otherKey =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==';

describe("SendGrid signed Event Webhook: SendGrid's own vectors", () => {
  it.each([
    ['single event', v2020],
    ['multiple events', multiple],
    ['earlier vector', v2020May],
  ])('verifies the %s vector', (_name, v) => {
    expect(verifySendgridPayload(v.publicKey, v.payload, v.signature, v.timestamp)).toBe(true);
    expect(verifySendgridPayload(v.publicKey, Buffer.from(v.payload), v.signature, v.timestamp)).toBe(true);
  });

  it('rejects what the SDK rejects: another key, a changed payload, signature or timestamp', () => {
    const v = v2020;
    expect(verifySendgridPayload(otherKey, v.payload, v.signature, v.timestamp)).toBe(false);
    expect(verifySendgridPayload(v.publicKey, 'payload', v.signature, v.timestamp)).toBe(false);
    expect(verifySendgridPayload(v.publicKey, v.payload.trimEnd(), v.signature, v.timestamp)).toBe(false);
    expect(
      verifySendgridPayload(
        v.publicKey,
        v.payload,
        'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=',
        v.timestamp,
      ),
    ).toBe(false);
    expect(verifySendgridPayload(v.publicKey, v.payload, v.signature, 'timestamp')).toBe(false);
  });

  it('answers false, without throwing, for a malformed key or signature', () => {
    expect(verifySendgridPayload('not-a-key', v2020.payload, v2020.signature, v2020.timestamp)).toBe(false);
    expect(verifySendgridPayload(v2020.publicKey, v2020.payload, '!!!', v2020.timestamp)).toBe(false);
  });

  it('verifies a request inside the replay window and refuses it outside', () => {
    const request = (receivedAt: number) =>
      webhookRequest({
        body: v2020.payload,
        headers: {
          'X-Twilio-Email-Event-Webhook-Signature': v2020.signature,
          'X-Twilio-Email-Event-Webhook-Timestamp': v2020.timestamp,
        },
        receivedAt: new Date(receivedAt),
      });
    const sentAt = Number(v2020.timestamp) * 1000;
    expect(verifySendgridSignature(request(sentAt + 10_000), { publicKey: v2020.publicKey })).toBe(true);
    expect(verifySendgridSignature(request(sentAt + 5 * 60 * 1000 + 1), { publicKey: v2020.publicKey })).toBe(false);
    expect(verifySendgridSignature(request(Date.now()), { publicKey: v2020.publicKey })).toBe(false);
  });
});

describe('SendGrid signed Event Webhook: a key pair of our own', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const now = 1_750_000_000_000;
  const signed = (body: string, timestamp: string) =>
    sign('sha256', Buffer.from(timestamp + body), privateKey).toString('base64');
  const request = (body: string, timestamp: string, signature: string) =>
    webhookRequest({
      body,
      headers: { [SENDGRID_SIGNATURE_HEADER]: signature, [SENDGRID_TIMESTAMP_HEADER]: timestamp },
      receivedAt: new Date(now),
    });
  const body = '[{"email":"a@example.com","event":"delivered","sg_event_id":"ev-1","timestamp":1750000000}]\r\n';
  const ts = String(now / 1000 - 30);

  it('accepts what the private key signed (base64 DER SPKI key, as SendGrid shows it, or PEM)', () => {
    expect(verifySendgridSignature(request(body, ts, signed(body, ts)), { publicKey: spki })).toBe(true);
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifySendgridSignature(request(body, ts, signed(body, ts)), { publicKey: pem })).toBe(true);
    expect(verifySendgridSignature(request(body, ts, signed(body, ts)), { publicKey })).toBe(true);
  });

  it('refuses an altered body, a stale timestamp, another key and missing headers', () => {
    expect(
      verifySendgridSignature(request(body.replace('ev-1', 'ev-2'), ts, signed(body, ts)), { publicKey: spki }),
    ).toBe(false);
    const stale = String(now / 1000 - 301);
    expect(verifySendgridSignature(request(body, stale, signed(body, stale)), { publicKey: spki })).toBe(false);
    expect(verifySendgridSignature(request(body, ts, signed(body, ts)), { publicKey: otherKey })).toBe(false);
    expect(verifySendgridSignature(webhookRequest({ body, receivedAt: new Date(now) }), { publicKey: spki })).toBe(
      false,
    );
  });
});
