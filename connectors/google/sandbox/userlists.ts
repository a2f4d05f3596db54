import type { SandboxReply, SandboxRequest } from '../../../core/sdk';
import { googleError } from './datamanager';
import type { GoogleStore } from './store';

/**
 * The Data Manager `userLists.get` of the sandbox (`GET /v1/accountTypes/{type}/accounts/{account}/userLists/{id}`):
 * the one Customer Match list of the sandbox as a `UserList` resource, with `ingestedUserListInfo.contactIdInfo
 * .matchRatePercentage` (configurable; null leaves it out, as Google does before it has matched an upload) and
 * `sizeInfo` estimated from the members held (int64 as strings, as REST sends them). Another account answers 403
 * PERMISSION_DENIED, another list 404 NOT_FOUND, a `login-account` that is not the manager 403.
 */

export interface UserListAuth {
  customerId: string;
  managerId: string;
  userListId: string;
}

export function getUserList(
  store: GoogleStore,
  auth: UserListAuth,
  matchRate: () => number | null,
  req: SandboxRequest,
): SandboxReply {
  const { accountType, account, userList } = req.params;
  const login = req.headers['login-account'];
  if (
    accountType !== 'GOOGLE_ADS' ||
    account !== auth.customerId ||
    (login !== undefined && login !== `accountTypes/GOOGLE_ADS/accounts/${auth.managerId}`)
  )
    return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
  if (userList !== auth.userListId)
    return googleError(404, 'NOT_FOUND', `Requested entity was not found: userLists/${userList ?? ''}`);
  const members = String(store.list(auth.userListId).size);
  const rate = matchRate();
  return {
    status: 200,
    body: {
      name: `accountTypes/GOOGLE_ADS/accounts/${auth.customerId}/userLists/${auth.userListId}`,
      id: auth.userListId,
      readOnly: false,
      membershipDuration: '47304000s',
      accessReason: 'OWNED',
      sizeInfo: { displayNetworkMembersCount: members, searchNetworkMembersCount: members },
      displayName: 'Sandbox customers',
      membershipStatus: 'OPEN',
      accountAccessStatus: 'ENABLED',
      ingestedUserListInfo: {
        uploadKeyTypes: ['CONTACT_ID'],
        contactIdInfo: {
          dataSourceType: 'DATA_SOURCE_TYPE_FIRST_PARTY',
          ...(rate === null ? {} : { matchRatePercentage: rate }),
        },
      },
    },
  };
}
