import { Type, type Static } from '@sinclair/typebox';
import { defineStream } from '../../../core/sdk';
import { clientFor } from '../client';
import type { GoogleSettings } from '../schemas/settings';
import { DATA_MANAGER_VERSION } from '../version';

/** Data Manager `UserList` (accountTypes.accounts.userLists.get), the parts this stream reads. int64 come as strings. */
interface UserList {
  name?: string;
  id?: string;
  displayName?: string;
  sizeInfo?: {
    displayNetworkMembersCount?: string;
    searchNetworkMembersCount?: string;
    gmailMembersCount?: string;
    youtubeMembersCount?: string;
  };
  ingestedUserListInfo?: { contactIdInfo?: { matchRatePercentage?: number } };
}

const Count = (description: string) => Type.Union([Type.Integer(), Type.Null()], { description });

export const AudienceStatusRecord = Type.Object(
  {
    id: Type.String({ description: 'The Customer Match list id (userListId)' }),
    name: Type.Union([Type.String(), Type.Null()], { description: "The list's display name" }),
    matchRatePercentage: Type.Union([Type.Number(), Type.Null()], {
      description:
        "Google's overall match rate of the list's uploaded contact information, 0–100; null while Google reports none",
    }),
    displayNetworkMembersCount: Count('Estimated members on the Google Display Network'),
    searchNetworkMembersCount: Count('Estimated members on google.com (Search campaigns)'),
    gmailMembersCount: Count('Estimated members on Gmail'),
    youtubeMembersCount: Count('Estimated members on YouTube'),
    readAt: Type.String({ description: 'When the list was read (ISO 8601)' }),
  },
  { additionalProperties: false },
);
export type AudienceStatusRecord = Static<typeof AudienceStatusRecord>;

const countOf = (value: string | undefined) =>
  value === undefined || !/^\d+$/.test(value) ? null : Number.parseInt(value, 10);

export function toAudienceStatus(list: UserList, userListId: string, readAt: string): AudienceStatusRecord {
  const rate = list.ingestedUserListInfo?.contactIdInfo?.matchRatePercentage;
  const size = list.sizeInfo ?? {};
  return {
    id: list.id ?? userListId,
    name: list.displayName ?? null,
    matchRatePercentage: typeof rate === 'number' && Number.isFinite(rate) ? rate : null,
    displayNetworkMembersCount: countOf(size.displayNetworkMembersCount),
    searchNetworkMembersCount: countOf(size.searchNetworkMembersCount),
    gmailMembersCount: countOf(size.gmailMembersCount),
    youtubeMembersCount: countOf(size.youtubeMembersCount),
    readAt,
  };
}

/**
 * The connection's Customer Match list as Google sees it: one record with the list's match rate
 * (`ingestedUserListInfo.contactIdInfo.matchRatePercentage`, Customer Match lists whose uploads hold contact
 * information) and its estimated sizes per network (`sizeInfo`), read with the Data Manager API's
 * `GET /v1/accountTypes/GOOGLE_ADS/accounts/{operatingAccountId}/userLists/{userListId}` (`login-account` header for
 * a manager account). No `userListId`, no record. The read is one request, so there is no checkpoint: every run
 * reads the list again (conformance.ts lists it in `fullReadStreams`). This is not an ingestion request, so it does
 * not take a slot of the ingestion lane.
 */
export const audienceStatus = defineStream<GoogleSettings, AudienceStatusRecord>({
  name: 'audienceStatus',
  title: 'Customer Match list status',
  description:
    "Match rate and estimated sizes of the connection's Customer Match list (userListId), from the Data Manager API.",
  recordSchema: AudienceStatusRecord,
  identity: ['id'],
  async *read({ connection }) {
    const { userListId, operatingAccountId, loginAccountId } = connection.settings;
    if (userListId === undefined || userListId === '') return;
    const client = clientFor(connection);
    const where = 'userLists.get';
    const raw = await client.send(
      'GET',
      `${client.dataManagerBase}/${DATA_MANAGER_VERSION}/accountTypes/GOOGLE_ADS/accounts/${encodeURIComponent(operatingAccountId)}/userLists/${encodeURIComponent(userListId)}`,
      undefined,
      loginAccountId === undefined ? {} : { 'login-account': `accountTypes/GOOGLE_ADS/accounts/${loginAccountId}` },
      where,
      'dataManagerUrl',
    );
    if (!raw.ok) client.fail(where, raw);
    const list = (raw.body ?? {}) as UserList;
    yield { records: [toAudienceStatus(list, userListId, new Date().toISOString())], checkpoint: null };
  },
});
