import type { SandboxReply, SandboxRequest } from '../../../core/sdk';
import type { GoogleStore, StoredRequest } from './store';

/**
 * The Data Manager half of the sandbox: `events:ingest`, `audienceMembers:ingest|remove`, `requestStatus:retrieve`,
 * with the documented limits (2,000 events, 10,000 members, 10 identifiers, 10 destinations per request), the
 * fast-fail validation (one invalid row fails the request with 400 INVALID_ARGUMENT and a google.rpc.BadRequest
 * naming it; nothing of the request is stored), asynchronous processing errors reported only as counts per reason
 * by requestStatus, and conversions matched by transaction id (a repeat is an adjustment, never a second one).
 * Sandbox rules for processing errors: a gclid starting with `bad` is PROCESSING_ERROR_REASON_INVALID_GCLID, an event
 * older than 90 days is PROCESSING_ERROR_REASON_EVENT_TOO_OLD; ad user data denied is ..._DENIED_CONSENT.
 */

type Row = Record<string, unknown>;
const HEX64 = /^[0-9a-f]{64}$/;
const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'RUB', 'BRL']);
const TOO_OLD_MS = 90 * 86_400_000;

export const googleError = (code: number, status: string, message: string, details: Row[] = []): SandboxReply => ({
  status: code,
  body: { error: { code, message, status, details } },
});

const badRequest = (violations: { field: string; description: string }[]): SandboxReply =>
  googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [
    { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations },
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'INVALID_ARGUMENT',
      domain: 'datamanager.googleapis.com',
    },
  ]);

function identifierViolations(userData: unknown, at: string, violations: { field: string; description: string }[]) {
  const ids = (userData as { userIdentifiers?: Row[] } | undefined)?.userIdentifiers;
  if (!Array.isArray(ids) || ids.length === 0) {
    violations.push({ field: `${at}.user_data.user_identifiers`, description: 'At least one identifier is required.' });
    return;
  }
  if (ids.length > 10)
    violations.push({ field: `${at}.user_data.user_identifiers`, description: 'At most 10 identifiers are allowed.' });
  ids.forEach((id, j) => {
    for (const key of ['emailAddress', 'phoneNumber'] as const)
      if (key in id && !(typeof id[key] === 'string' && HEX64.test(id[key])))
        violations.push({
          field: `${at}.user_data.user_identifiers[${j}].${key === 'emailAddress' ? 'email_address' : 'phone_number'}`,
          description: 'The value is not a hex-encoded SHA-256 hash.',
        });
  });
}

function destinationsProblem(body: Row): SandboxReply | undefined {
  const destinations = body.destinations;
  if (!Array.isArray(destinations) || destinations.length === 0)
    return badRequest([{ field: 'destinations', description: 'At least one destination is required.' }]);
  if (destinations.length > 10)
    return badRequest([{ field: 'destinations', description: 'At most 10 destinations per request.' }]);
  return undefined;
}

const productOf = (body: Row) => String((body.destinations as Row[])[0]?.productDestinationId ?? '');

function remember(store: GoogleStore, request: Omit<StoredRequest, 'status'>, processing: number): SandboxReply {
  const id = store.newRequestId();
  const failedRows = [...request.errorCounts.values()].reduce((a, b) => a + b, 0);
  const status = failedRows === 0 ? 'SUCCESS' : failedRows >= request.recordCount ? 'FAILED' : 'PARTIAL_SUCCESS';
  store.requests.set(id, { ...request, status, processingLeft: processing });
  return { status: 200, body: { requestId: id } };
}

export function ingestEvents(store: GoogleStore, req: SandboxRequest, processing: number): SandboxReply {
  const body = (req.body ?? {}) as Row;
  const destinationProblem = destinationsProblem(body);
  if (destinationProblem) return destinationProblem;
  const events = body.events;
  if (!Array.isArray(events) || events.length === 0)
    return badRequest([{ field: 'events', description: 'At least one event is required.' }]);
  if (events.length > 2000)
    return badRequest([{ field: 'events', description: 'At most 2000 events can be sent in a single request.' }]);
  const violations: { field: string; description: string }[] = [];
  (events as Row[]).forEach((event, i) => {
    const at = `events[${i}]`;
    if (typeof event.eventTimestamp !== 'string' || Number.isNaN(Date.parse(event.eventTimestamp)))
      violations.push({ field: `${at}.event_timestamp`, description: 'event_timestamp is required.' });
    if (event.currency !== undefined && !CURRENCIES.has(String(event.currency)))
      violations.push({ field: `${at}.currency`, description: `Invalid currency code ${String(event.currency)}.` });
    if (typeof event.conversionValue === 'number' && event.conversionValue < 0)
      violations.push({ field: `${at}.conversion_value`, description: 'Must not be negative.' });
    if (event.userData !== undefined) {
      if (body.encoding !== 'HEX' && body.encoding !== 'BASE64')
        violations.push({ field: 'encoding', description: 'encoding is required for UserData uploads.' });
      identifierViolations(event.userData, at, violations);
    }
    if (event.adIdentifiers === undefined && event.userData === undefined)
      violations.push({ field: at, description: 'An event needs ad identifiers or user data.' });
  });
  if (violations.length > 0) return badRequest(violations);
  if (body.validateOnly === true) return { status: 200, body: {} };
  const errorCounts = new Map<string, number>();
  const count = (reason: string) => errorCounts.set(reason, (errorCounts.get(reason) ?? 0) + 1);
  const action = productOf(body);
  for (const event of events as Row[]) {
    const gclid = (event.adIdentifiers as Row | undefined)?.gclid;
    const consent = (event.consent ?? body.consent) as Row | undefined;
    if (typeof gclid === 'string' && gclid.startsWith('bad')) count('PROCESSING_ERROR_REASON_INVALID_GCLID');
    else if (Date.now() - Date.parse(String(event.eventTimestamp)) > TOO_OLD_MS)
      count('PROCESSING_ERROR_REASON_EVENT_TOO_OLD');
    else if (consent?.adUserData === 'CONSENT_DENIED') count('PROCESSING_ERROR_REASON_DENIED_CONSENT');
    else
      store.ingestEvent(action, {
        transactionId: String(event.transactionId ?? ''),
        eventTimestamp: String(event.eventTimestamp),
        ...(typeof event.conversionValue === 'number' ? { conversionValue: event.conversionValue } : {}),
        ...(typeof event.currency === 'string' ? { currency: event.currency } : {}),
      });
  }
  return remember(
    store,
    { destinationCount: 1, recordCount: events.length, kind: 'events', errorCounts, processingLeft: 0 },
    processing,
  );
}

export function audienceMembers(
  store: GoogleStore,
  req: SandboxRequest,
  adding: boolean,
  processing: number,
): SandboxReply {
  const body = (req.body ?? {}) as Row;
  const destinationProblem = destinationsProblem(body);
  if (destinationProblem) return destinationProblem;
  const members = body.audienceMembers;
  if (!Array.isArray(members) || members.length === 0)
    return badRequest([{ field: 'audience_members', description: 'At least one audience member is required.' }]);
  if (members.length > 10_000)
    return badRequest([
      { field: 'audience_members', description: 'At most 10000 audience members can be sent in a single request.' },
    ]);
  if (adding && (body.termsOfService as Row | undefined)?.customerMatchTermsOfServiceStatus !== 'ACCEPTED')
    return badRequest([
      { field: 'terms_of_service', description: 'The Customer Match terms of service must be accepted.' },
    ]);
  const violations: { field: string; description: string }[] = [];
  if (body.encoding !== 'HEX' && body.encoding !== 'BASE64')
    violations.push({ field: 'encoding', description: 'encoding is required for UserData uploads.' });
  (members as Row[]).forEach((m, i) => identifierViolations(m.userData, `audience_members[${i}]`, violations));
  if (violations.length > 0) return badRequest(violations);
  if (body.validateOnly === true) return { status: 200, body: {} };
  const list = store.list(productOf(body));
  const gone: string[] = [];
  for (const member of members as Row[]) {
    const ids = ((member.userData as Row).userIdentifiers as Row[]).map((id) =>
      JSON.stringify(id.emailAddress ?? id.phoneNumber ?? id.address),
    );
    if (adding) {
      if (![...ids].some((id) => list.has(id))) list.set(ids[0]!, ids);
    } else gone.push(...ids);
  }
  if (!adding && gone.length > 0) {
    const remove = new Set(gone);
    for (const [key, known] of list) if (known.some((id) => remove.has(id))) list.delete(key);
  }
  return remember(
    store,
    {
      destinationCount: 1,
      recordCount: members.length,
      kind: adding ? 'audienceMembersIngest' : 'audienceMembersRemove',
      errorCounts: new Map(),
      processingLeft: 0,
    },
    processing,
  );
}

export function requestStatus(store: GoogleStore, req: SandboxRequest): SandboxReply {
  const id = req.query.requestId ?? '';
  const found = store.requests.get(id);
  if (found === undefined) return googleError(404, 'NOT_FOUND', `Request ${id} was not found.`);
  const processing = found.processingLeft > 0;
  if (processing) found.processingLeft -= 1;
  const counts = [...found.errorCounts].map(([reason, n]) => ({ reason, recordCount: String(n) }));
  const statusKey =
    found.kind === 'events'
      ? { eventsIngestionStatus: { recordCount: String(found.recordCount) } }
      : found.kind === 'audienceMembersIngest'
        ? { audienceMembersIngestionStatus: { userDataIngestionStatus: { recordCount: String(found.recordCount) } } }
        : { audienceMembersRemovalStatus: { userDataRemovalStatus: { recordCount: String(found.recordCount) } } };
  return {
    status: 200,
    body: {
      requestStatusPerDestination: [
        {
          requestStatus: processing ? 'PROCESSING' : found.status,
          ...(processing || counts.length === 0 ? {} : { errorInfo: { errorCounts: counts } }),
          ...statusKey,
        },
      ],
    },
  };
}
