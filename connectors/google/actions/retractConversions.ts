import { defineAction } from '../../../core/sdk';
import { clientFor } from '../client';
import { MAX_EVENTS_PER_REQUEST } from '../policy';
import { RetractionRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';
import { buildEvent, eventsRequest } from './events';
import { ingest } from './ingest';

/**
 * Refunds as the Data Manager API models adjustments ([doc] developers.google.com/data-manager/api/devguides/events/
 * google-ads/conversion-adjustments): there is no adjustment type and no RETRACTION. An `events:ingest` whose
 * `transactionId` matches a recorded conversion of the same conversion action is an adjustment; `conversionValue`
 * and `currency` overwrite the recorded ones ("restate"), other fields are kept from the original, and the event
 * still needs the required fields and an identifier. So a refund is a restatement of the value to what is left
 * (0 for a full refund). The conversion's count stays; Google documents no way to set it to zero from this API.
 * An unmatched transactionId creates a new conversion, so send the original's identifiers and timestamp.
 */
export const retractConversions = defineAction<GoogleSettings, RetractionRecord>({
  name: 'retractConversions',
  title: 'Restate refunded conversions',
  description:
    'Refunds: restates the value of a recorded conversion (same transactionId) to what is left after the refund, 0 by default (Data Manager has no RETRACTION type).',
  recordSchema: RetractionRecord,
  mode: 'append',
  maxBatchSize: MAX_EVENTS_PER_REQUEST,
  identity: ['transactionId'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    return ingest({
      client,
      log: connection.log,
      method: 'events:ingest',
      listKey: 'events',
      records,
      build: (record) => buildEvent(record, client, { defaultValue: 0 }),
      request: eventsRequest(client),
    });
  },
});
