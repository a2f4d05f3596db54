import type { ConformanceOptions, ConformanceSetup } from '../../core/sdk/testing';
import { startSandbox, type GoogleSandbox } from './sandbox';
import type { GoogleSettings } from './schemas/settings';
import { DEFAULT_LOOK_BACK_DAYS } from './streams/campaignMetrics';

/**
 * The conformance setup of the Google connector against its sandbox: what `hub plugins check google` runs, and what
 * test/connectors/google/conformance.test.ts runs (the same options a partner exports from a plugin).
 */

const DAY_MS = 86_400_000;
const recent = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
const granted = { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' } as const;

export function conformanceOptions(sandbox: () => GoogleSandbox): ConformanceOptions<GoogleSettings> {
  return {
    settings: () => ({ ...sandbox().settings, pageSize: 10 }),
    maxPages: 3,
    badSettings: () => ({ ...sandbox().settings, accessToken: 'ya29.not-a-valid-access-token-000' }),
    lookBackMs: DEFAULT_LOOK_BACK_DAYS * DAY_MS,
    fullReadStreams: {
      audienceStatus: 'one record read with one userLists.get request: the whole state of the list, nothing to resume',
    },
    sampleRecords: {
      sendConversions: [
        {
          transactionId: 'kit-order-1',
          eventTimestamp: recent(30),
          gclid: 'Cj0KCQkit1',
          conversionValue: 120,
          currency: 'EUR',
          consent: granted,
        },
        {
          transactionId: 'kit-order-2',
          eventTimestamp: recent(20),
          email: ' Kit.Two+shop@GMail.com ',
          conversionValue: 80,
          currency: 'EUR',
        },
      ],
      retractConversions: [
        { transactionId: 'kit-order-1', eventTimestamp: recent(30), gclid: 'Cj0KCQkit1', currency: 'EUR' },
      ],
      addAudienceMembers: [
        { email: 'kit.one@example.com', consent: granted },
        { phone: '+49 30 1234567', consent: granted },
      ],
      removeAudienceMembers: [{ email: 'kit.one@example.com' }],
    },
    batchRecord: {
      sendConversions: (i) => ({
        transactionId: `batch-order-${i}`,
        eventTimestamp: recent(60),
        gclid: `Cj0KCQbatch${i}`,
        conversionValue: i,
        currency: 'USD',
      }),
      retractConversions: (i) => ({
        transactionId: `batch-order-${i}`,
        eventTimestamp: recent(60),
        gclid: `Cj0KCQbatch${i}`,
        currency: 'USD',
      }),
      addAudienceMembers: (i) => ({ email: `member${i}@example.com`, consent: granted }),
      removeAudienceMembers: (i) => ({ email: `member${i}@example.com` }),
    },
    rejectedRecord: {
      // Google-side (fast-fail 400 naming the row): the currency is not an ISO 4217 code Google knows
      sendConversions: {
        record: { transactionId: 'kit-bad-currency', eventTimestamp: recent(10), gclid: 'Cj0KCQbad', currency: 'XYZ' },
        reason: 'currency',
      },
      retractConversions: {
        record: { transactionId: 'kit-no-id', eventTimestamp: recent(10), currency: 'EUR' },
        reason: 'click id',
      },
      // connector-side (never sent): not an e-mail address
      addAudienceMembers: { record: { email: 'not-an-address', consent: granted }, reason: 'not an e-mail address' },
      removeAudienceMembers: { record: { phone: '12' }, reason: 'phone' },
    },
    countAtTarget: (action, record) =>
      action === 'addAudienceMembers'
        ? sandbox().memberCount((record as { email: string }).email)
        : sandbox().conversionCount((record as { transactionId: string }).transactionId),
    rateLimit: async () => {
      sandbox().rateLimitNext(2);
      return { waitMs: 2_000 };
    },
    restore: () => sandbox().rateLimitNext(null),
  };
}

/** The `conformance` setup `hub plugins check google` looks for: a fresh sandbox, the options, and a close. */
export const conformance: ConformanceSetup<GoogleSettings> = async () => {
  const sandbox = await startSandbox({ seedDays: 30, seedLeads: 25, seed: 11 });
  return { options: conformanceOptions(() => sandbox), close: () => sandbox.close() };
};
