import { defineAction } from '../../../core/sdk';
import { clientFor } from '../client';
import { MAX_EVENTS_PER_REQUEST } from '../policy';
import { ConversionRecord } from '../schemas/records';
import type { GoogleSettings } from '../schemas/settings';
import { ALREADY_RECORDED, buildEvent, eventsRequest } from './events';
import { ingest } from './ingest';

/**
 * Offline click conversions (and enhanced conversions for leads) through Data Manager `events:ingest`, up to 2,000
 * per request. `transactionId` is the order reference: Google keeps one conversion per transaction id and
 * conversion action, so a batch sent again after a crash restates the same conversion instead of adding one.
 */
export const sendConversions = defineAction<GoogleSettings, ConversionRecord>({
  name: 'sendConversions',
  title: 'Send conversions',
  description:
    'Offline conversions to a Google Ads conversion action (Data Manager events:ingest): click id or hashed e-mail/phone, value, currency, transaction id, consent.',
  recordSchema: ConversionRecord,
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
      build: (record) => buildEvent(record, client, { checkAge: true }),
      request: eventsRequest(client),
      alreadyDone: ALREADY_RECORDED,
    });
  },
});
