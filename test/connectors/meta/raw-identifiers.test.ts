import { createHash } from 'node:crypto';
import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/meta/actions/addAudienceMembers';
import { sendEvents } from '../../../connectors/meta/actions/sendEvents';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import type { AudienceMemberInput, EventInput } from '../../../connectors/meta/schemas/records';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { GRAPH, connection, nowS, useNock } from './helpers';

/**
 * RAW customer information sent through sendEvents and the audience actions (a mapping that does not hash with
 * `$metaHash`): the request carries the hashes of the values normalised by the standard library's rules
 * (test/core/mapping/stdlib/meta-cases.test.ts), one set of rules for mappings and the connector. Expected hashes
 * are computed here from the normalised string Meta documents. Each case below was hashed or sent differently by the
 * connector's own normaliser before it used those rules.
 */

useNock();
afterEach(() => clearMetaBackoff());

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const EVENTS = `/${GRAPH_VERSION}/1234567890/events`;
type Body = { data: { event_id: string; user_data: Record<string, string[]> }[] };

const event = (id: string, user_data: EventInput['user_data']): EventInput => ({
  event_name: 'Lead',
  event_time: nowS() - 600,
  event_id: id,
  action_source: 'system_generated',
  user_data,
});

/** Sends the events in one batch; what Meta received, by event id, and each record's outcome. */
async function send(records: EventInput[]) {
  let body: Body | undefined;
  nock(GRAPH)
    .post(EVENTS, (b: Body) => {
      body = b;
      return true;
    })
    .reply(200, { events_received: records.length });
  const outcomes = await sendEvents.write({ connection: connection(), records });
  const sent = new Map((body?.data ?? []).map((e) => [e.event_id, e.user_data]));
  return { sent, outcomes };
}

describe('sendEvents with raw user data: the standard library’s rules', () => {
  it('phones: an extension is dropped, a trunk (0) too, a national number takes the country of user_data', async () => {
    const { sent, outcomes } = await send([
      event('ext', { ph: '+1 650 555 1212 ext. 12' }),
      event('x', { ph: '+1 (650) 555-1212 x123' }),
      event('trunk', { ph: '+44 (0)7911 123456' }),
      event('national-us', { ph: '(650) 555-1212', country: 'US' }),
      event('national-ru', { ph: '8 (916) 123-45-67', country: ['RU'] }),
      event('national-uk', { ph: '07911 123456', country: 'UK' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(sent.get('ext')!.ph).toEqual([sha('16505551212')]);
    expect(sent.get('x')!.ph).toEqual([sha('16505551212')]);
    expect(sent.get('trunk')!.ph).toEqual([sha('447911123456')]);
    expect(sent.get('national-us')).toEqual({ ph: [sha('16505551212')], country: [sha('us')] });
    expect(sent.get('national-ru')).toEqual({ ph: [sha('79161234567')], country: [sha('ru')] });
    // "UK" is the United Kingdom (ISO: GB) for the phone and for the country itself
    expect(sent.get('national-uk')).toEqual({ ph: [sha('447911123456')], country: [sha('gb')] });
  });

  it('a national number without a country is not sent as if it had a country code: the event fails naming ph', async () => {
    const { sent, outcomes } = await send([
      event('no-country', { ph: '(650) 555-1212', em: 'ann@example.com' }),
      event('ok', { ph: '+1 650 555 1212' }),
    ]);
    expect(outcomes[0]).toEqual({
      status: 'failed',
      failure: 'permanent',
      field: 'user_data.ph',
      reason: expect.stringContaining('country code'),
    });
    expect([...sent.keys()]).toEqual(['ok']);
  });

  it('dates of birth: common forms become YYYYMMDD; impossible, ambiguous or future dates fail the event', async () => {
    const { sent, outcomes } = await send([
      event('dmy', { em: 'a@example.com', db: '16.02.1997' }),
      event('slash', { em: 'b@example.com', db: '16/02/1997' }),
      event('iso-time', { em: 'c@example.com', db: '1997-02-16T00:00:00.000Z' }),
      event('no-such-day', { em: 'd@example.com', db: '1997-02-30' }),
      event('not-born', { em: 'e@example.com', db: '2099-01-01' }),
      event('too-old', { em: 'f@example.com', db: '1850-01-01' }),
      event('ambiguous', { em: 'g@example.com', db: '02/03/1997' }),
    ]);
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual([
      'ok',
      'ok',
      'ok',
      'user_data.db',
      'user_data.db',
      'user_data.db',
      'user_data.db',
    ]);
    expect(outcomes[3]).toMatchObject({ reason: expect.stringContaining('YYYYMMDD') });
    for (const id of ['dmy', 'slash', 'iso-time']) expect(sent.get(id)!.db).toEqual([sha('19970216')]);
    expect([...sent.keys()]).toEqual(['dmy', 'slash', 'iso-time']);
  });

  it('US states written out become their code; a region of another country stays as written', async () => {
    const { sent } = await send([
      event('ca', { em: 'a@example.com', st: 'California' }),
      event('ny', { em: 'b@example.com', st: 'new york', country: 'US' }),
      event('dc', { em: 'c@example.com', st: 'District of Columbia' }),
      event('ge', { em: 'd@example.com', st: 'Georgia', country: 'GE' }),
    ]);
    expect(sent.get('ca')!.st).toEqual([sha('ca')]);
    expect(sent.get('ny')!.st).toEqual([sha('ny')]);
    expect(sent.get('dc')!.st).toEqual([sha('dc')]);
    expect(sent.get('ge')!.st).toEqual([sha('georgia')]);
  });

  it('an MD5 digest is not hashed again (it would match nobody): the event fails; a SHA-256 passes unchanged', async () => {
    const digest = sha('ann@example.com');
    const { sent, outcomes } = await send([
      event('md5', { em: md5('ann@example.com') }),
      event('md5-name', { em: 'b@example.com', fn: md5('ann').toUpperCase() }),
      event('sha', { em: digest.toUpperCase(), ph: ` ${sha('16505551212')} ` }),
      // a 32-hex external id is an id (a UUID without dashes): hashed as one
      event('id', { external_id: md5('crm-42').toUpperCase() }),
    ]);
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual([
      'user_data.em',
      'user_data.fn',
      'ok',
      'ok',
    ]);
    expect(outcomes[0]).toMatchObject({ reason: expect.stringContaining('MD5') });
    expect(sent.get('sha')).toEqual({ em: [digest], ph: [sha('16505551212')] });
    expect(sent.get('id')).toEqual({ external_id: [sha(md5('crm-42'))] });
  });
});

type Payload = { payload: { schema: string[]; data: string[][] } };

describe('audience members with raw identifiers: the same rules', () => {
  it('phones take the record country, states their code; an MD5 or a number without country fails alone', async () => {
    let body: Payload | undefined;
    nock(GRAPH)
      .post(`/${GRAPH_VERSION}/2380000000001/users`, (b: Payload) => {
        body = b;
        return true;
      })
      .reply(200, { num_received: 2, num_invalid_entries: 0, invalid_entry_samples: {} });
    const records: AudienceMemberInput[] = [
      { phone: '(650) 555-1212 ext. 7', state: 'California', country: 'US' },
      { phone: '+44 (0)7911 123456', firstName: 'Ann' },
      { phone: '(650) 555-1212' },
      { email: md5('ann@example.com') },
    ];
    const outcomes = await addAudienceMembers.write({ connection: connection(), records });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual(['ok', 'ok', 'phone', 'email']);
    expect(body!.payload).toEqual({
      schema: ['PHONE', 'FN', 'ST', 'COUNTRY'],
      data: [
        [sha('16505551212'), '', sha('ca'), sha('us')],
        [sha('447911123456'), sha('ann'), '', ''],
      ],
    });
  });
});
