import { ConfigError } from '../../../core/sdk';
import type { GoogleClient } from '../client';
import { googleUserIdentifiers, type UserIdentifier } from '../identifiers';
import type { AudienceMemberRecord } from '../schemas/records';
import type { Built } from './ingest';
import { shapeRecord } from './record-shape';

/** A Data Manager `AudienceMember` as this connector sends it ([spec] schemas/datamanager-discovery.ts). */
export interface DataManagerAudienceMember {
  userData: { userIdentifiers: UserIdentifier[] };
  consent?: { adUserData?: string; adPersonalization?: string };
}

export function userListOf(client: GoogleClient): string {
  const id = client.settings.userListId;
  if (id === undefined)
    throw new ConfigError(
      'Customer Match needs the user list: set userListId (Tools → Audience manager → the list → its id)',
      { field: 'userListId' },
    );
  return id;
}

/** The identifier a member is known by in the outcome: its first hashed e-mail, else phone (never a raw value). */
function targetIdOf(identifiers: UserIdentifier[]): string {
  const first = identifiers[0]!;
  if ('emailAddress' in first) return `email:${first.emailAddress}`;
  if ('phoneNumber' in first) return `phone:${first.phoneNumber}`;
  return `address:${first.address.givenName.slice(0, 16)}:${first.address.postalCode}`;
}

/**
 * A person as an audience member, or why not. Adding refuses a person whose consent says CONSENT_DENIED for ad
 * user data or ad personalization (Customer Match needs both for EEA users, [doc] vendor-apis.md §4b): the member
 * is never sent. Removing sends whoever it is given, consent or not.
 */
export function buildMember(
  input: AudienceMemberRecord,
  client: GoogleClient,
  adding: boolean,
): Built<DataManagerAudienceMember> {
  const shaped = shapeRecord<AudienceMemberRecord>(input);
  if ('problem' in shaped) return shaped;
  const record = shaped.record;
  if (adding)
    for (const key of ['adUserData', 'adPersonalization'] as const)
      if (record.consent?.[key] === 'CONSENT_DENIED')
        return {
          problem: `the person denied ${key === 'adUserData' ? 'ad user data' : 'ad personalization'} consent (consent.${key}): not added to the list`,
          field: `consent.${key}`,
        };
  const { identifiers, problems } = googleUserIdentifiers(record, client.settings.defaultRegion);
  if (problems.length > 0)
    return { problem: `${problems[0]!.field} ${problems[0]!.reason}`, field: problems[0]!.field };
  if (identifiers.length === 0)
    return { problem: 'an audience member needs an e-mail, a phone or a full address', field: 'email' };
  return {
    item: {
      userData: { userIdentifiers: identifiers },
      ...(adding && record.consent !== undefined ? { consent: record.consent } : {}),
    },
    targetId: targetIdOf(identifiers),
  };
}

export function audienceRequest(client: GoogleClient, adding: boolean): Record<string, unknown> {
  if (adding && client.settings.customerMatchTermsAccepted !== true)
    throw new ConfigError(
      'Adding Customer Match members needs the Customer Match terms accepted (support.google.com/adspolicy/answer/6299717): accept them, then set customerMatchTermsAccepted to true',
      { field: 'customerMatchTermsAccepted' },
    );
  return {
    destinations: [client.destination(userListOf(client))],
    encoding: 'HEX',
    ...(adding ? { termsOfService: { customerMatchTermsOfServiceStatus: 'ACCEPTED' } } : {}),
    ...(client.settings.validateOnly === true ? { validateOnly: true } : {}),
  };
}
