import { subscriberHash } from '../../../connectors/mailchimp/client';
import { audienceEvents, firedAtIso } from '../../../connectors/mailchimp/webhooks';
import type { WebhookRequest } from '../../../core/sdk';
import { connection, settings } from './helpers';

const TOKEN = settings.webhookToken!;

function request(
  body: string,
  query: Record<string, string | undefined> = { token: TOKEN },
  method = 'POST',
): WebhookRequest {
  return {
    method,
    url: `/webhooks/conn-mc?token=${query.token ?? ''}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    query,
    rawBody: Buffer.from(body),
    receivedAt: new Date('2026-04-01T00:00:00Z'),
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

const subscribe = form({
  type: 'subscribe',
  fired_at: '2009-03-26 21:35:57',
  'data[id]': '8a25ff1d98',
  'data[list_id]': 'a6b5da1054',
  'data[email]': 'api@mailchimp.com',
  'data[email_type]': 'html',
  'data[merges][EMAIL]': 'api@mailchimp.com',
  'data[merges][FNAME]': 'Mailchimp',
  'data[merges][LNAME]': 'API',
  'data[merges][INTERESTS]': 'Group1,Group2',
  'data[ip_opt]': '10.20.10.30',
  'data[ip_signup]': '10.20.10.30',
});

describe('audience webhook verification', () => {
  const ctx = connection();
  it('accepts the right token', async () => {
    expect(await audienceEvents.verify(request(subscribe), ctx)).toBe(true);
  });
  it('rejects a wrong, altered, missing or empty token', async () => {
    expect(await audienceEvents.verify(request(subscribe, { token: 'nope' }), ctx)).toBe(false);
    expect(await audienceEvents.verify(request(subscribe, { token: `${TOKEN}x` }), ctx)).toBe(false);
    expect(await audienceEvents.verify(request(subscribe, { token: TOKEN.slice(0, -1) }), ctx)).toBe(false);
    expect(await audienceEvents.verify(request(subscribe, {}), ctx)).toBe(false);
    expect(await audienceEvents.verify(request(subscribe, { token: '' }), ctx)).toBe(false);
  });
  it('rejects everything when the connection has no webhookToken', async () => {
    const none = connection({ ...settings, webhookToken: undefined });
    expect(await audienceEvents.verify(request(subscribe, { token: '' }), none)).toBe(false);
    expect(await audienceEvents.verify(request(subscribe, { token: 'undefined' }), none)).toBe(false);
  });
  it('answers the GET validation with 200 when the token is right, 401 otherwise', () => {
    expect(audienceEvents.handshake!(request('', { token: TOKEN }, 'GET'), ctx)).toMatchObject({ status: 200 });
    expect(audienceEvents.handshake!(request('', { token: 'bad' }, 'GET'), ctx)).toMatchObject({ status: 401 });
  });
  it('an empty validation POST parses to no events', () => {
    expect(audienceEvents.parse(request(''), ctx)).toEqual([]);
  });
});

describe('audience webhook parsing', () => {
  const ctx = connection();
  it('subscribe → a subscribed member record', () => {
    const [event] = audienceEvents.parse(request(subscribe), ctx);
    expect(event).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      type: 'subscribe',
      stream: 'members',
      occurredAt: '2009-03-26T21:35:57.000Z',
      record: {
        id: subscriberHash('api@mailchimp.com'),
        email_address: 'api@mailchimp.com',
        status: 'subscribed',
        merge_fields: { FNAME: 'Mailchimp', LNAME: 'API' },
        last_changed: '2009-03-26T21:35:57.000Z',
      },
    });
  });

  it('the event id is stable across redeliveries and merge-field order, and differs between events', () => {
    const reordered = form({
      'data[merges][LNAME]': 'API',
      type: 'subscribe',
      'data[email]': 'api@mailchimp.com',
      fired_at: '2009-03-26 21:35:57',
      'data[id]': '8a25ff1d98',
      'data[merges][FNAME]': 'Mailchimp',
    });
    const a = audienceEvents.parse(request(subscribe), ctx)[0]!.id;
    expect(audienceEvents.parse(request(subscribe), ctx)[0]!.id).toBe(a);
    expect(audienceEvents.parse(request(reordered), ctx)[0]!.id).toBe(a);
    const later = subscribe.replace('21%3A35%3A57', '21%3A35%3A58');
    expect(audienceEvents.parse(request(later), ctx)[0]!.id).not.toBe(a);
  });

  it('unsubscribe → unsubscribed with the reason; action=delete marks the record deleted', () => {
    const body = form({
      type: 'unsubscribe',
      fired_at: '2009-03-26 21:40:57',
      'data[action]': 'unsub',
      'data[reason]': 'manual',
      'data[id]': '8a25ff1d98',
      'data[email]': 'api+unsub@mailchimp.com',
      'data[merges][FNAME]': 'Mailchimp',
    });
    const [event] = audienceEvents.parse(request(body), ctx);
    expect(event!.record).toMatchObject({
      status: 'unsubscribed',
      unsubscribe_reason: 'manual',
      email_address: 'api+unsub@mailchimp.com',
    });
    expect(event!.deleted).toBeUndefined();
    const [deleted] = audienceEvents.parse(request(body.replace('unsub&', 'delete&')), ctx);
    expect(deleted!.deleted).toBe(true);
  });

  it('profile → merge fields only (no status: the event does not carry it)', () => {
    const body = form({
      type: 'profile',
      fired_at: '2009-03-26 21:31:21',
      'data[id]': '8a25ff1d98',
      'data[email]': 'api@mailchimp.com',
      'data[merges][FNAME]': 'Changed',
      'data[merges][CITY]': 'Питер',
    });
    const [event] = audienceEvents.parse(request(body), ctx);
    expect(event!.type).toBe('profile');
    expect(event!.record).toEqual({
      id: subscriberHash('api@mailchimp.com'),
      email_address: 'api@mailchimp.com',
      merge_fields: { FNAME: 'Changed', CITY: 'Питер' },
      last_changed: '2009-03-26T21:31:21.000Z',
    });
  });

  it('upemail → the new address, and the old member id deleted', () => {
    const body = form({
      type: 'upemail',
      fired_at: '2009-03-26 22:15:09',
      'data[list_id]': 'a6b5da1054',
      'data[new_id]': '51da8c3259',
      'data[new_email]': 'api+new@mailchimp.com',
      'data[old_email]': 'api+old@mailchimp.com',
    });
    const events = audienceEvents.parse(request(body), ctx);
    expect(events).toHaveLength(2);
    expect(events[0]!.record).toMatchObject({
      id: subscriberHash('api+new@mailchimp.com'),
      email_address: 'api+new@mailchimp.com',
    });
    expect(events[1]).toMatchObject({
      deleted: true,
      record: { id: subscriberHash('api+old@mailchimp.com'), email_address: 'api+old@mailchimp.com' },
    });
    expect(events[0]!.id).not.toBe(events[1]!.id);
  });

  it('cleaned → status cleaned', () => {
    const body = form({
      type: 'cleaned',
      fired_at: '2009-03-26 22:01:00',
      'data[list_id]': 'a6b5da1054',
      'data[campaign_id]': '4fjk2ma9xd',
      'data[reason]': 'hard',
      'data[email]': 'api+cleaned@mailchimp.com',
    });
    const [event] = audienceEvents.parse(request(body), ctx);
    expect(event!.record).toMatchObject({ status: 'cleaned', email_address: 'api+cleaned@mailchimp.com' });
  });

  it('campaign events and payloads without an address yield no member events', () => {
    expect(
      audienceEvents.parse(request(form({ type: 'campaign', fired_at: '2009-03-26 22:01:00', 'data[id]': 'c1' })), ctx),
    ).toEqual([]);
    expect(audienceEvents.parse(request(form({ type: 'subscribe', fired_at: '2009-03-26 22:01:00' })), ctx)).toEqual(
      [],
    );
  });

  it('reads fired_at as UTC', () => {
    expect(firedAtIso('2026-01-02 03:04:05')).toBe('2026-01-02T03:04:05.000Z');
    expect(firedAtIso('garbage')).toBeUndefined();
  });
});
