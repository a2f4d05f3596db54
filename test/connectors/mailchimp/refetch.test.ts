import nock from 'nock';
import { subscriberHash } from '../../../connectors/mailchimp/client';
import { members } from '../../../connectors/mailchimp/streams/members';
import { AuthError } from '../../../core/sdk';
import { API, LIST, connection, problemBody, useNock } from './helpers';

useNock();

/** A replay reads audience members again by subscriber hash: `GET /lists/{list_id}/members/{subscriber_hash}`. */

function refetch(sources: Record<string, unknown>[]) {
  const fn = members.refetch;
  if (fn === undefined) throw new Error('the members stream must offer refetch');
  return fn({ connection: connection(), records: sources.map((source) => ({ key: String(source.id), source })) });
}

describe('Mailchimp members: refetch by subscriber hash for replays', () => {
  it('reads each member by the stored id (or the hash of its e-mail); a 404 is missing; nothing to go by is unsupported', async () => {
    const ann = subscriberHash('Ann@Example.com');
    const bob = subscriberHash('bob@example.com');
    nock(API)
      .get(`/3.0/lists/${LIST}/members/${ann}`)
      .query((q) => typeof q.fields === 'string' && q.fields.includes('merge_fields'))
      .reply(200, {
        id: ann,
        email_address: 'ann@example.com',
        status: 'subscribed',
        merge_fields: { FNAME: 'Ann' },
        last_changed: '2026-03-01T10:00:00+00:00',
      })
      .get(`/3.0/lists/${LIST}/members/${bob}`)
      .query(true)
      .reply(404, problemBody(404, 'Resource Not Found', 'The requested resource could not be found.'));
    const result = await refetch([{ id: ann }, { email_address: 'bob@example.com' }, { name: 'no id' }]);
    expect(result).toEqual([
      {
        status: 'found',
        record: expect.objectContaining({
          id: ann,
          email_address: 'ann@example.com',
          merge_fields: { FNAME: 'Ann' },
          last_changed: '2026-03-01T10:00:00.000Z',
        }),
      },
      { status: 'missing', reason: `the audience has no member ${bob} any more` },
      { status: 'unsupported' },
    ]);
  });

  it('a refused key is an auth error', async () => {
    const ann = subscriberHash('ann@example.com');
    nock(API)
      .get(`/3.0/lists/${LIST}/members/${ann}`)
      .query(true)
      .reply(401, problemBody(401, 'API Key Invalid', 'Your API key may be invalid.'));
    await expect(refetch([{ id: ann }])).rejects.toBeInstanceOf(AuthError);
  });
});
