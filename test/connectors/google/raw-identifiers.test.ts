import { createHash } from 'node:crypto';
import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/google/actions/addAudienceMembers';
import { sendConversions } from '../../../connectors/google/actions/sendConversions';
import type { ConversionRecord } from '../../../connectors/google/schemas/records';
import { DM, connection, discoveryProblems, settings, useNock } from './helpers';

/**
 * RAW user identifiers sent through the Data Manager actions (a mapping that does not hash with `$googleHash`): the
 * request carries the hashes of the values formatted by the standard library's rules
 * (test/core/mapping/stdlib/google-cases.test.ts), one set of rules for mappings and the connector. Expected hashes
 * are computed here from the formatted string Google documents. Each case below was refused or hashed differently
 * by the connector's own normaliser before it used those rules.
 */

useNock();

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');
const at = new Date(Date.now() - 3_600_000).toISOString();
const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

type Body = Record<string, unknown>;
type Identifiers = { userData?: { userIdentifiers: Record<string, unknown>[] } };

/** Answers one ingest call with success, keeping the request body. */
function ingest(path: string): { body?: Body } {
  const seen: { body?: Body } = {};
  nock(DM)
    .post(`/v1/${path}`)
    .reply(async (request: Request) => {
      seen.body = (await request.json()) as Body;
      return [200, { requestId: 'req-raw' }];
    });
  return seen;
}

const conversion = (transactionId: string, extra: Partial<ConversionRecord>): ConversionRecord => ({
  transactionId,
  eventTimestamp: at,
  ...extra,
});

describe('sendConversions with raw identifiers: the standard library’s rules', () => {
  it('"00" is the international prefix whatever the region; the person’s region places a national number', async () => {
    const seen = ingest('events:ingest');
    const outcomes = await sendConversions.write({
      connection: connection({ ...settings, defaultRegion: 'US' }),
      records: [
        conversion('uk-from-us', { phone: '0044 7911 123456' }),
        conversion('ru', { phone: '00 7 916 123-45-67' }),
        // the person's regionCode, not the connection's default region, tells whose national number this is
        conversion('gb-national', { phone: '07911 123456', regionCode: 'GB' }),
        conversion('us-national', { phone: '(800) 555-0100 x12' }),
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(discoveryProblems('events:ingest', seen.body!)).toEqual([]);
    const events = seen.body!.events as (Identifiers & { transactionId: string })[];
    expect(events.map((e) => [e.transactionId, e.userData?.userIdentifiers])).toEqual([
      ['uk-from-us', [{ phoneNumber: sha('+447911123456') }]],
      ['ru', [{ phoneNumber: sha('+79161234567') }]],
      ['gb-national', [{ phoneNumber: sha('+447911123456') }]],
      ['us-national', [{ phoneNumber: sha('+18005550100') }]],
    ]);
  });

  it('names lose titles and suffixes; an MD5 name or e-mail fails the row, named as a digest', async () => {
    const seen = ingest('events:ingest');
    const address = { regionCode: 'us', postalCode: '94045' };
    const outcomes = await sendConversions.write({
      connection: connection(),
      records: [
        conversion('titled', { givenName: 'Mrs. Mary', familyName: 'Smith Jr.', ...address }),
        conversion('dr', { givenName: 'DR JOHN', familyName: 'King III', ...address, regionCode: 'UK' }),
        conversion('md5-name', { givenName: md5('mary'), familyName: 'Smith', ...address }),
        conversion('md5-email', { email: md5('mary@example.com') }),
      ],
    });
    expect(outcomes.map((o) => (o.status === 'failed' ? o.field : o.status))).toEqual(['ok', 'ok', 'address', 'email']);
    for (const failed of outcomes.slice(2)) expect(failed).toMatchObject({ reason: expect.stringContaining('MD5') });
    const events = seen.body!.events as (Identifiers & { transactionId: string })[];
    expect(events.map((e) => [e.transactionId, e.userData?.userIdentifiers])).toEqual([
      [
        'titled',
        [{ address: { givenName: sha('mary'), familyName: sha('smith'), regionCode: 'US', postalCode: '94045' } }],
      ],
      ['dr', [{ address: { givenName: sha('john'), familyName: sha('king'), regionCode: 'GB', postalCode: '94045' } }]],
    ]);
  });
});

describe('Customer Match members with raw identifiers: the same rules', () => {
  it('adds the member with the "00" phone and the untitled name hashed as Google formats them', async () => {
    const seen = ingest('audienceMembers:ingest');
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        {
          phone: '00 44 7911 123456',
          givenName: 'Dr. Ann',
          familyName: 'Lee Sr.',
          regionCode: 'GB',
          postalCode: 'SW1A 1AA',
          consent: granted,
        },
      ],
    });
    expect(outcomes).toEqual([{ status: 'ok', targetId: `phone:${sha('+447911123456')}` }]);
    expect(discoveryProblems('audienceMembers:ingest', seen.body!)).toEqual([]);
    expect((seen.body!.audienceMembers as Identifiers[])[0]!.userData!.userIdentifiers).toEqual([
      { phoneNumber: sha('+447911123456') },
      { address: { givenName: sha('ann'), familyName: sha('lee'), regionCode: 'GB', postalCode: 'SW1A 1AA' } },
    ]);
  });
});
