import { ConfigError } from '../../../core/sdk';
import type { GoogleClient } from '../client';
import { googleUserIdentifiers, type UserIdentifier } from '../identifiers';
import type { ConversionRecord, RetractionRecord } from '../schemas/records';
import type { Built } from './ingest';
import { shapeRecord } from './record-shape';

/** A Data Manager `Event` as this connector sends it ([spec] schemas/datamanager-discovery.ts, `Event`). */
export interface DataManagerEvent {
  transactionId: string;
  eventTimestamp: string;
  adIdentifiers?: { gclid?: string; gbraid?: string; wbraid?: string };
  conversionValue?: number;
  currency?: string;
  userData?: { userIdentifiers: UserIdentifier[] };
  consent?: { adUserData?: string; adPersonalization?: string };
  eventSource?: string;
}

/** Repeats of a transaction id are adjustments of the recorded conversion, never a second one. */
export const ALREADY_RECORDED = [
  'PROCESSING_ERROR_REASON_DUPLICATE_TRANSACTION_ID',
  'PROCESSING_ERROR_REASON_DUPLICATE_GCLID',
];

const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * Milliseconds of an ISO 8601 time; a date and time written without a zone ("2026-12-01 10:00:00", as ERPs and CSV
 * exports write them) is read as UTC, not as the hub's local time, so a conversion's time does not depend on the
 * time zone of the machine the hub runs on. NaN when it is not a time.
 */
export function timestampMs(text: string): number {
  const trimmed = text.trim();
  return ZONELESS.test(trimmed) ? Date.parse(`${trimmed.replace(' ', 'T')}Z`) : Date.parse(trimmed);
}

/**
 * Google Ads' longest click-through conversion window is 90 days: a conversion that happened longer ago than that
 * cannot fall inside the window of its click, and Google counts it as PROCESSING_ERROR_REASON_EVENT_TOO_OLD ("older
 * than max supported age") in the diagnostics, which name no row. Judged here instead, so only that record fails.
 */
export const MAX_CONVERSION_AGE_DAYS = 90;

/** The problem of a conversion too old for Google Ads to take, or undefined. */
export function tooOldToSend(record: { eventTimestamp: string }, nowMs = Date.now()): Built<never> | undefined {
  const ms = timestampMs(record.eventTimestamp);
  if (Number.isNaN(ms) || nowMs - ms <= MAX_CONVERSION_AGE_DAYS * 86_400_000) return undefined;
  return {
    problem: `eventTimestamp ${new Date(ms).toISOString()} is ${Math.floor((nowMs - ms) / 86_400_000)} days ago: Google Ads takes no conversion older than ${MAX_CONVERSION_AGE_DAYS} days (its longest click-through window), so it is not sent`,
    field: 'eventTimestamp',
  };
}

export function conversionActionOf(client: GoogleClient): string {
  const id = client.settings.conversionActionId;
  if (id === undefined)
    throw new ConfigError(
      'Sending conversions needs the Google Ads conversion action: set conversionActionId (Goals → Conversions → the action → its id in the URL "ctId")',
      { field: 'conversionActionId' },
    );
  return id;
}

/** The request fields shared by every events:ingest of this connection. */
export function eventsRequest(client: GoogleClient): Record<string, unknown> {
  return {
    destinations: [client.destination(conversionActionOf(client))],
    encoding: 'HEX',
    ...(client.settings.validateOnly === true ? { validateOnly: true } : {}),
  };
}

/**
 * A conversion (or its restatement) as a Data Manager event, or why it cannot be sent. `defaultValue` is the value
 * when the record gives none (0 for a refund); `checkAge` refuses a conversion too old for Google Ads (new
 * conversions only: a restatement names a conversion Google already holds).
 */
export function buildEvent(
  input: ConversionRecord | RetractionRecord,
  client: GoogleClient,
  options: { defaultValue?: number; checkAge?: boolean } = {},
): Built<DataManagerEvent> {
  const shaped = shapeRecord<ConversionRecord | RetractionRecord>(input, ['transactionId', 'eventTimestamp']);
  if ('problem' in shaped) return shaped;
  const record = shaped.record;
  const value = record.conversionValue ?? options.defaultValue;
  const old = options.checkAge === true ? tooOldToSend(record) : undefined;
  if (old !== undefined) return old;
  const ms = timestampMs(record.eventTimestamp);
  if (Number.isNaN(ms))
    return { problem: 'eventTimestamp is not a date: write ISO 8601 with a zone', field: 'eventTimestamp' };
  const clicks = (['gclid', 'gbraid', 'wbraid'] as const).filter((k) => record[k] !== undefined);
  if (clicks.length > 1)
    return {
      problem: `send one click id per conversion (got ${clicks.join(', ')}); keep gclid when you have it`,
      field: clicks[1]!,
    };
  if (record.consent?.adUserData === 'CONSENT_DENIED')
    return {
      problem: 'the person denied ad user data consent (consent.adUserData): not sent to Google',
      field: 'consent.adUserData',
    };
  const { identifiers, problems } = googleUserIdentifiers(record, client.settings.defaultRegion);
  if (problems.length > 0)
    return { problem: `${problems[0]!.field} ${problems[0]!.reason}`, field: problems[0]!.field };
  if (clicks.length === 0 && identifiers.length === 0)
    return {
      problem: 'a conversion needs a click id (gclid, gbraid or wbraid) or a user identifier (email, phone)',
      field: 'gclid',
    };
  const click = clicks[0];
  const event: DataManagerEvent = {
    transactionId: record.transactionId,
    eventTimestamp: new Date(ms).toISOString(),
    ...(click === undefined ? {} : { adIdentifiers: { [click]: record[click]! } }),
    ...(value === undefined ? {} : { conversionValue: value }),
    ...(record.currency === undefined ? {} : { currency: record.currency.toUpperCase() }),
    ...(identifiers.length === 0 ? {} : { userData: { userIdentifiers: identifiers } }),
    ...(record.consent === undefined ? {} : { consent: record.consent }),
    ...('eventSource' in record && record.eventSource !== undefined ? { eventSource: record.eventSource } : {}),
  };
  return { item: event, targetId: record.transactionId };
}
