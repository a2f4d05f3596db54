import nock from 'nock';
import { archiveMember } from '../../../connectors/mailchimp/actions/archiveMember';
import { deleteMemberPermanently } from '../../../connectors/mailchimp/actions/deleteMemberPermanently';
import { tagMembers } from '../../../connectors/mailchimp/actions/tagMembers';
import { subscriberHash } from '../../../connectors/mailchimp/client';
import { AuthError } from '../../../core/sdk';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import { API, API_KEY, LIST, connection, problemBody, replyWith, useNock, type Captured } from './helpers';

useNock();

const hash = subscriberHash('Urist.McVankab@freddiesjokes.com');
const memberPath = `/3.0/lists/${LIST}/members/${hash}`;

describe('tagMembers (nock)', () => {
  it('posts {tags:[{name,status}]} to the member tags endpoint (body valid per the spec)', async () => {
    const captured: Captured[] = [];
    nock(API)
      .post(`${memberPath}/tags`)
      .reply(replyWith((r) => (captured.push(r), [204])));
    const outcomes = await tagMembers.write({
      connection: connection(),
      records: [
        {
          email_address: ' Urist.McVankab@freddiesjokes.com',
          tags: [
            { name: 'customer', status: 'active' },
            { name: 'lead', status: 'inactive' },
          ],
        },
      ],
    });
    expect(outcomes).toEqual([{ status: 'ok', targetId: hash, operation: 'updated' }]);
    expect(captured[0]!.body).toEqual({
      tags: [
        { name: 'customer', status: 'active' },
        { name: 'lead', status: 'inactive' },
      ],
    });
    assertValidRequestBody(
      'mailchimp/members-api.yml',
      'post',
      '/lists/{list_id}/members/{subscriber_hash}/tags',
      captured[0]!.body,
    );
  });

  it('a member that is not in the audience is a permanent failure saying what to do', async () => {
    nock(API)
      .post(`${memberPath}/tags`)
      .reply(404, problemBody(404, 'Resource Not Found', 'The requested resource could not be found.'));
    const [outcome] = await tagMembers.write({
      connection: connection(),
      records: [{ email_address: 'Urist.McVankab@freddiesjokes.com', tags: [{ name: 'x', status: 'active' }] }],
    });
    expect(outcome).toMatchObject({ status: 'failed', failure: 'permanent', field: 'email_address' });
    expect(outcome!.status === 'failed' && outcome!.reason).toMatch(/upsertMembers/);
  });

  it('after a 429 the remaining records fail as retryable with the wait; a 400 fails one record only', async () => {
    const a = subscriberHash('a@example.com');
    const b = subscriberHash('b@example.com');
    nock(API)
      .post(`/3.0/lists/${LIST}/members/${a}/tags`)
      .reply(400, problemBody(400, 'Invalid Resource', 'Tag name too long'));
    nock(API)
      .post(`/3.0/lists/${LIST}/members/${b}/tags`)
      .reply(429, problemBody(429, 'Too Many Requests', 'slow down'));
    const outcomes = await tagMembers.write({
      connection: connection(),
      records: ['a', 'b', 'c'].map((x) => ({
        email_address: `${x}@example.com`,
        tags: [{ name: 't', status: 'active' as const }],
      })),
    });
    expect(outcomes[0]).toMatchObject({ status: 'failed', failure: 'permanent' });
    expect(outcomes[0]!.status === 'failed' && outcomes[0]!.reason).toContain('Tag name too long');
    expect(outcomes[1]).toMatchObject({
      status: 'failed',
      failure: 'retryable',
      retryAfterMs: expect.any(Number) as number,
    });
    expect(outcomes[2]).toMatchObject({ status: 'failed', failure: 'retryable' });
    expect(nock.pendingMocks()).toHaveLength(0);
  });

  it('bad credentials stop the batch with an AuthError that does not contain the key', async () => {
    nock(API)
      .post(`${memberPath}/tags`)
      .reply(401, problemBody(401, 'API Key Invalid', 'Your API key may be invalid'));
    const error = (await tagMembers
      .write({
        connection: connection(),
        records: [{ email_address: 'Urist.McVankab@freddiesjokes.com', tags: [{ name: 'x', status: 'active' }] }],
      })
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).not.toContain(API_KEY);
  });
});

describe('archiveMember (nock)', () => {
  it('DELETEs the member (archive) → ok deleted; a missing member is skipped', async () => {
    nock(API).delete(memberPath).reply(204);
    nock(API)
      .delete(`/3.0/lists/${LIST}/members/${subscriberHash('gone@example.com')}`)
      .reply(404, problemBody(404, 'Resource Not Found', 'no'));
    const outcomes = await archiveMember.write({
      connection: connection(),
      records: [{ email_address: 'urist.mcvankab@freddiesjokes.com' }, { email_address: 'gone@example.com' }],
    });
    expect(outcomes).toEqual([
      { status: 'ok', targetId: hash, operation: 'deleted' },
      { status: 'skipped', reason: 'not a member of the audience', targetId: subscriberHash('gone@example.com') },
    ]);
  });
});

describe('deleteMemberPermanently (nock)', () => {
  it('POSTs actions/delete-permanent → ok deleted; 5xx is retryable', async () => {
    nock(API).post(`${memberPath}/actions/delete-permanent`).reply(204);
    nock(API)
      .post(`/3.0/lists/${LIST}/members/${subscriberHash('x@example.com')}/actions/delete-permanent`)
      .reply(503, problemBody(503, 'Service Unavailable', 'later'));
    const outcomes = await deleteMemberPermanently.write({
      connection: connection(),
      records: [{ email_address: 'Urist.McVankab@freddiesjokes.com' }, { email_address: 'x@example.com' }],
    });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: hash, operation: 'deleted' });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'retryable' });
  });
});
