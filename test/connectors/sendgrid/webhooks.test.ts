import { generateKeyPairSync, sign } from 'node:crypto';
import connector from '../../../connectors/sendgrid';
import { parseSendGridEvents } from '../../../connectors/sendgrid/webhooks';
import type { WebhookRequest } from '../../../core/sdk';
import { connection } from './helpers';

/**
 * The Event Webhook: SendGrid's own test vector (from @sendgrid/eventwebhook's tests, sendgrid/sendgrid-nodejs
 * packages/eventwebhook/src/eventwebhook.spec.js, also in test/core/webhooks/signatures), plus altered, stale and
 * unsigned deliveries, and the mapping of events onto suppression records.
 */

const vector = {
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

const webhook = connector.webhooks![0]!;

function request(body: string | Buffer, headers: Record<string, string>, receivedAt: Date): WebhookRequest {
  return {
    method: 'POST',
    url: 'https://hub.example.com/webhooks/con_sg',
    headers,
    query: {},
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    receivedAt,
  };
}

const signed = (body: string, timestamp: string, signature: string) =>
  request(
    body,
    { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp },
    new Date(Number(timestamp) * 1000 + 10_000),
  );

describe('SendGrid Event Webhook', () => {
  const conn = connection({ webhookPublicKey: vector.publicKey });

  it('accepts SendGrid’s own signed test vector and parses its drop as a bounce suppression', async () => {
    const delivery = signed(vector.payload, vector.timestamp, vector.signature);
    expect(await webhook.verify(delivery, conn)).toBe(true);
    expect(webhook.parse(delivery, conn)).toEqual([
      {
        id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
        type: 'dropped',
        stream: 'suppressions',
        occurredAt: '2020-09-14T19:41:32.000Z',
        record: {
          id: 'bounce:hello@world.com',
          email: 'hello@world.com',
          type: 'bounce',
          reason: 'Bounced Address',
          created_at: '2020-09-14T19:41:32.000Z',
        },
      },
    ]);
  });

  it('rejects an altered body, a changed timestamp, a stale delivery and an unsigned one', async () => {
    const altered = signed(
      vector.payload.replace('hello@world.com', 'other@world.com'),
      vector.timestamp,
      vector.signature,
    );
    expect(await webhook.verify(altered, conn)).toBe(false);
    const withoutCrlf = signed(vector.payload.trimEnd(), vector.timestamp, vector.signature);
    expect(await webhook.verify(withoutCrlf, conn)).toBe(false);
    const otherTimestamp = signed(vector.payload, '1600112503', vector.signature);
    otherTimestamp.receivedAt = new Date(1600112502_000);
    expect(await webhook.verify(otherTimestamp, conn)).toBe(false);
    const stale = signed(vector.payload, vector.timestamp, vector.signature);
    stale.receivedAt = new Date(Number(vector.timestamp) * 1000 + 6 * 60_000);
    expect(await webhook.verify(stale, conn)).toBe(false);
    const unsigned = request(vector.payload, {}, new Date(Number(vector.timestamp) * 1000));
    expect(await webhook.verify(unsigned, conn)).toBe(false);
    const garbage = signed(vector.payload, vector.timestamp, 'bm90IGEgc2lnbmF0dXJl');
    expect(await webhook.verify(garbage, conn)).toBe(false);
  });

  it('refuses everything when the connection has no verification key, and says why', async () => {
    const logs: { msg?: string }[] = [];
    const noKey = connection({}, { debug() {}, info() {}, warn: (_o, msg) => logs.push({ msg }), error() {} });
    expect(await webhook.verify(signed(vector.payload, vector.timestamp, vector.signature), noKey)).toBe(false);
    expect(logs[0]!.msg).toContain('webhookPublicKey');
  });

  it('accepts a fresh delivery signed with a generated key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const body = `${JSON.stringify([{ email: 'a@example.com', event: 'spamreport', sg_event_id: 'e1', timestamp: 1 }])}\r\n`;
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(ts + body), privateKey).toString('base64');
    const delivery = request(
      body,
      { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': ts },
      new Date(),
    );
    expect(await webhook.verify(delivery, connection({ webhookPublicKey: key }))).toBe(true);
    expect(await webhook.verify(delivery, conn)).toBe(false); // someone else's key
  });

  it('maps suppression events and ignores the rest', () => {
    const events = parseSendGridEvents(
      JSON.stringify([
        { email: 'U@x.com', event: 'unsubscribe', sg_event_id: 'a', timestamp: 1_700_000_000 },
        { email: 'g@x.com', event: 'group_unsubscribe', asm_group_id: 42, sg_event_id: 'b', timestamp: 1_700_000_000 },
        {
          email: 'b@x.com',
          event: 'bounce',
          type: 'bounce',
          reason: '550 5.1.1',
          sg_event_id: 'c',
          timestamp: 1_700_000_000,
        },
        { email: 'blk@x.com', event: 'bounce', type: 'blocked', sg_event_id: 'd', timestamp: 1_700_000_000 },
        { email: 's@x.com', event: 'spamreport', sg_event_id: 'e', timestamp: 1_700_000_000 },
        {
          email: 'd@x.com',
          event: 'dropped',
          reason: 'Unsubscribed Address',
          sg_event_id: 'f',
          timestamp: 1_700_000_000,
        },
        { email: 'd2@x.com', event: 'dropped', reason: 'Invalid', sg_event_id: 'g', timestamp: 1_700_000_000 },
        { email: 'o@x.com', event: 'open', sg_event_id: 'h', timestamp: 1_700_000_000 },
      ]),
    );
    expect(events.map((e) => [e.id, e.record?.id, e.record?.reason])).toEqual([
      ['a', 'unsubscribe:u@x.com', undefined],
      ['b', 'unsubscribe:g@x.com', 'unsubscribed from group 42'],
      ['c', 'bounce:b@x.com', '550 5.1.1'],
      ['e', 'spamreport:s@x.com', undefined],
      ['f', 'unsubscribe:d@x.com', 'Unsubscribed Address'],
    ]);
    expect(parseSendGridEvents('not json')).toEqual([]);
    expect(parseSendGridEvents('{"event":"unsubscribe"}')).toEqual([]);
  });
});
