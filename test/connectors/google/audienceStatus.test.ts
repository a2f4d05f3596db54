import nock from 'nock';
import connector from '../../../connectors/google';
import { startSandbox, type GoogleSandbox } from '../../../connectors/google/sandbox';
import { audienceStatus } from '../../../connectors/google/streams/audienceStatus';
import { AuthError, PermanentError, type HubError } from '../../../core/sdk';
import { ACCESS, DM, connection, googleError, readAll, settings, useNock } from './helpers';

useNock();

const LIST = `/v1/accountTypes/GOOGLE_ADS/accounts/1234567890/userLists/777000222`;

/** A UserList of the documented REST shape (accountTypes.accounts.userLists): int64 as strings. */
const userList = (matchRatePercentage?: number) => ({
  name: 'accountTypes/GOOGLE_ADS/accounts/1234567890/userLists/777000222',
  id: '777000222',
  readOnly: false,
  membershipDuration: '47304000s',
  accessReason: 'OWNED',
  sizeInfo: { displayNetworkMembersCount: '12000', searchNetworkMembersCount: '9000' },
  displayName: 'CRM customers',
  membershipStatus: 'OPEN',
  ingestedUserListInfo: {
    uploadKeyTypes: ['CONTACT_ID'],
    contactIdInfo: {
      dataSourceType: 'DATA_SOURCE_TYPE_FIRST_PARTY',
      ...(matchRatePercentage === undefined ? {} : { matchRatePercentage }),
    },
  },
});

async function failure(run: () => Promise<unknown>): Promise<HubError> {
  try {
    await run();
  } catch (error) {
    return error as HubError;
  }
  throw new Error('expected a failure');
}

describe('audienceStatus (Data Manager userLists.get)', () => {
  it('is a stream of the connector, identified by the list id', () => {
    expect(connector.streams.map((s) => s.name)).toContain('audienceStatus');
    expect(audienceStatus.identity).toEqual(['id']);
  });

  it('reads the list with the bearer token and login-account, and maps match rate and sizes', async () => {
    const seen: Headers[] = [];
    nock(DM)
      .get(LIST)
      .reply((request: Request) => {
        seen.push(request.headers);
        return [200, userList(62)];
      });
    const before = Date.now();
    const { pages, records } = await readAll(audienceStatus, connection());
    expect(pages).toHaveLength(1);
    expect(pages[0]!.checkpoint).toBeNull();
    expect(seen[0]!.get('authorization')).toBe(`Bearer ${ACCESS}`);
    expect(seen[0]!.get('login-account')).toBe('accountTypes/GOOGLE_ADS/accounts/9876543210');
    expect(records).toEqual([
      {
        id: '777000222',
        name: 'CRM customers',
        matchRatePercentage: 62,
        displayNetworkMembersCount: 12000,
        searchNetworkMembersCount: 9000,
        gmailMembersCount: null,
        youtubeMembersCount: null,
        readAt: expect.any(String),
      },
    ]);
    expect(Date.parse(records[0]!.readAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('gives matchRatePercentage null when Google reports none (no contactIdInfo rate yet)', async () => {
    nock(DM).get(LIST).reply(200, userList());
    const { records } = await readAll(audienceStatus, connection());
    expect(records[0]).toMatchObject({ id: '777000222', matchRatePercentage: null });
  });

  it('sends no login-account without a manager account', async () => {
    const { loginAccountId: _omit, ...direct } = settings;
    nock(DM, { badheaders: ['login-account'] })
      .get(LIST)
      .reply(200, userList(40));
    const { records } = await readAll(audienceStatus, connection(direct));
    expect(records[0]!.matchRatePercentage).toBe(40);
  });

  it('yields no record and sends nothing when the connection has no userListId', async () => {
    const { userListId: _omit, ...noList } = settings;
    const { records } = await readAll(audienceStatus, connection(noList));
    expect(records).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('fails typed: 404 permanent naming the list, 401 auth (reconnect), no token in the words', async () => {
    nock(DM)
      .get(LIST)
      .reply(404, googleError(404, 'NOT_FOUND', 'Requested entity was not found.'));
    const missing = await failure(() => readAll(audienceStatus, connection()));
    expect(missing).toBeInstanceOf(PermanentError);
    expect(missing.message).toContain('userLists.get');
    nock(DM)
      .get(LIST)
      .reply(401, googleError(401, 'UNAUTHENTICATED', `Bad token ${ACCESS}`));
    const refused = await failure(() => readAll(audienceStatus, connection()));
    expect(refused).toBeInstanceOf(AuthError);
    expect(refused.message).not.toContain(ACCESS);
  });
});

describe('audienceStatus against the sandbox', () => {
  let sandbox: GoogleSandbox;
  afterEach(() => sandbox.close());

  it('answers the configured match rate (62 by default) and sizes from the members held', async () => {
    sandbox = await startSandbox();
    const { records } = await readAll(audienceStatus, connection(sandbox.settings));
    expect(records).toEqual([
      expect.objectContaining({ id: '777000222', name: 'Sandbox customers', matchRatePercentage: 62 }),
    ]);
    expect(records[0]!.searchNetworkMembersCount).toBe(sandbox.memberCount());
    sandbox.setMatchRate(null);
    expect((await readAll(audienceStatus, connection(sandbox.settings))).records[0]!.matchRatePercentage).toBeNull();
    sandbox.setMatchRate(87);
    expect((await readAll(audienceStatus, connection(sandbox.settings))).records[0]!.matchRatePercentage).toBe(87);
  });

  it('takes the rate from the options, and refuses another list or account as Google does', async () => {
    sandbox = await startSandbox({ matchRatePercentage: 35 });
    expect((await readAll(audienceStatus, connection(sandbox.settings))).records[0]!.matchRatePercentage).toBe(35);
    const other = await failure(() => readAll(audienceStatus, connection({ ...sandbox.settings, userListId: '1' })));
    expect(other).toBeInstanceOf(PermanentError);
    const foreign = await failure(() =>
      readAll(audienceStatus, connection({ ...sandbox.settings, operatingAccountId: '1111111111' })),
    );
    expect(foreign).toBeInstanceOf(AuthError);
  });
});
