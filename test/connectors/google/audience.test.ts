// Customer Match through the Data Manager API: audienceMembers:ingest and :remove, request shapes from the
// discovery document, consent and the fast-fail row errors.
import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/google/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/google/actions/removeAudienceMembers';
import { hashGoogleEmail, hashGooglePhone } from '../../../connectors/google/identifiers';
import { ConfigError, type HubError } from '../../../core/sdk';
import { DM, connection, discoveryProblems, googleError, settings, useNock } from './helpers';

useNock();

const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

interface Seen {
  headers: Headers;
  body: Record<string, unknown>;
}

/** Answers `events:ingest` / audience calls, keeping what was sent. */
function ingestReply(
  path: string,
  seen: Seen[],
  answer: (body: Record<string, unknown>, n: number) => [number, unknown],
) {
  return nock(DM)
    .post(`/v1/${path}`)
    .times(5)
    .reply(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      seen.push({ headers: request.headers, body });
      return answer(body, seen.length);
    });
}

const statusReply = (requestStatus: string, errorCounts?: { reason: string; recordCount: string }[]) =>
  nock(DM)
    .get('/v1/requestStatus:retrieve')
    .query(true)
    .reply(200, {
      requestStatusPerDestination: [
        { requestStatus, ...(errorCounts === undefined ? {} : { errorInfo: { errorCounts } }) },
      ],
    });

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  try {
    await run();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected a failure');
}

describe('Customer Match (audienceMembers:ingest / :remove)', () => {
  it('adds members with consent and the Customer Match terms; a denied consent is never sent', async () => {
    const seen: Seen[] = [];
    ingestReply('audienceMembers:ingest', seen, () => [200, { requestId: 'req-a' }]);
    statusReply('SUCCESS');
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        { email: ' Ann@Example.com ', phone: '+49 30 1234567', consent: granted },
        { email: 'no@example.com', consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_DENIED' } },
      ],
    });
    expect(outcomes[0]).toEqual({ status: 'ok', targetId: `email:${hashGoogleEmail('ann@example.com')}` });
    expect(outcomes[1]).toMatchObject({ status: 'failed', failure: 'permanent', field: 'consent.adPersonalization' });
    expect(discoveryProblems('audienceMembers:ingest', seen[0]!.body)).toEqual([]);
    expect(seen[0]!.body).toMatchObject({
      encoding: 'HEX',
      termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' },
      destinations: [{ productDestinationId: '777000222' }],
      audienceMembers: [
        {
          userData: {
            userIdentifiers: [
              { emailAddress: hashGoogleEmail('ann@example.com') },
              { phoneNumber: hashGooglePhone('+49301234567') },
            ],
          },
          consent: granted,
        },
      ],
    });
  });

  it('a fast-fail 400 naming audience_members[i] fails only that member', async () => {
    const seen: Seen[] = [];
    ingestReply('audienceMembers:ingest', seen, (_, n) =>
      n === 1
        ? [
            400,
            googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
              {
                '@type': 'type.googleapis.com/google.rpc.BadRequest',
                fieldViolations: [
                  {
                    field: 'audience_members[0].user_data.user_identifiers[0].email_address',
                    description: 'The value is not a hex-encoded SHA-256 hash.',
                  },
                ],
              },
            ]),
          ]
        : [200, { requestId: 'req-b' }],
    );
    statusReply('SUCCESS');
    const outcomes = await addAudienceMembers.write({
      connection: connection(),
      records: [
        { email: 'a@example.com', consent: granted },
        { email: 'b@example.com', consent: granted },
      ],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'ok']);
    expect((seen[1]!.body.audienceMembers as unknown[]).length).toBe(1);
  });

  it('refuses to add without customerMatchTermsAccepted, naming the setting', async () => {
    const error = await failure(() =>
      addAudienceMembers.write({
        connection: connection({ ...settings, customerMatchTermsAccepted: false }),
        records: [{ email: 'a@example.com' }],
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.toInfo().field).toBe('customerMatchTermsAccepted');
  });

  it('removes members: the Remove request shape, no consent and no terms needed', async () => {
    const seen: Seen[] = [];
    ingestReply('audienceMembers:remove', seen, () => [200, { requestId: 'req-rm' }]);
    statusReply('SUCCESS');
    const outcomes = await removeAudienceMembers.write({
      connection: connection({ ...settings, customerMatchTermsAccepted: false }),
      records: [{ email: 'a@example.com', consent: { adUserData: 'CONSENT_DENIED' } }],
    });
    expect(outcomes.map((o) => o.status)).toEqual(['ok']);
    expect(discoveryProblems('audienceMembers:remove', seen[0]!.body)).toEqual([]);
    expect(seen[0]!.body.audienceMembers).toEqual([
      { userData: { userIdentifiers: [{ emailAddress: hashGoogleEmail('a@example.com') }] } },
    ]);
  });
});
