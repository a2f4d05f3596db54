import { sha256Hex } from './identifiers';
import { clearMetaBackoff } from './client';
import type { ConformanceOptions, ConformanceSetup } from '../../core/sdk/testing';
import { startSandbox, type MetaSandbox } from './sandbox';
import type { MetaSettings } from './schemas/settings';
import { LOOK_BACK_DAYS } from './streams/insights';

/**
 * The conformance setup of the Meta connector against its sandbox: what `hub plugins check meta` runs, and what
 * test/connectors/meta/conformance.test.ts runs (the same options a partner exports from a plugin).
 */

const event = (id: string, name = 'Purchase') => ({
  event_name: name,
  event_time: Math.floor(Date.now() / 1000) - 60,
  event_id: id,
  action_source: 'system_generated' as const,
  user_data: { em: `${id}@example.com`, country: 'de' },
  custom_data: { value: 49.5, currency: 'EUR' },
});

const member = (i: number) => ({ email: `member${i}@example.com`, firstName: `Member ${i}`, country: 'DE' });

export function conformanceOptions(sandbox: () => MetaSandbox): ConformanceOptions<MetaSettings> {
  const memberCount = (record: object) => {
    const email = (record as { email?: string }).email;
    return email !== undefined &&
      sandbox()
        .state.audience(sandbox().settings.audienceId!)
        .members.has(`EMAIL:${sha256Hex(email.trim().toLowerCase())}`)
      ? 1
      : 0;
  };
  return {
    settings: () => sandbox().settings,
    maxPages: 3,
    badSettings: () => ({ ...sandbox().settings, accessToken: 'EAAwrong-token-0123456789' }),
    // the larger of the two streams' windows: insights re-reads the last LOOK_BACK_DAYS days (Meta restates them),
    // counted from the newest day's midnight; leads re-read only the last hour (pinned in streams.test.ts)
    lookBackMs: (LOOK_BACK_DAYS + 1) * 86_400_000,
    sampleRecords: {
      sendEvents: [event('S-KIT-1'), event('L-KIT-2', 'Lead')],
      addAudienceMembers: [member(1), { phone: '+49 30 1234567', externalId: 'crm-2' }],
      removeAudienceMembers: [member(1)],
      replaceAudience: [member(1), member(2)],
    },
    batchRecord: {
      sendEvents: (i) => event(`S-BATCH-${i}`),
      addAudienceMembers: member,
      removeAudienceMembers: member,
      replaceAudience: member,
    },
    rejectedRecord: {
      sendEvents: {
        record: { ...event('S-STALE'), event_time: Math.floor(Date.now() / 1000) - 8 * 86_400 },
        reason: 'older than 7 days',
      },
      addAudienceMembers: { record: { email: 'not an address' }, reason: 'is not an e-mail address' },
      removeAudienceMembers: { record: { email: 'not an address' }, reason: 'is not an e-mail address' },
    },
    countAtTarget: (action, record) =>
      action === 'sendEvents' ? sandbox().conversions((record as { event_id: string }).event_id) : memberCount(record),
    rateLimit: async () => {
      sandbox().throttleNext({ code: 17, subcode: 2446079, regainMinutes: 2 });
      return { waitMs: 120_000 };
    },
    restore: () => {
      sandbox().throttleNext(null);
      clearMetaBackoff();
    },
    signedWebhook: () => {
      const lead = sandbox().newLead({ email: 'webhook.lead@example.com' });
      const { rawBody, headers } = sandbox().leadWebhook(lead);
      return { method: 'POST', url: '/webhooks/meta', headers, query: {}, rawBody, receivedAt: new Date() };
    },
  };
}

/** The `conformance` setup `hub plugins check meta` looks for: a fresh sandbox, the options, and a close. */
export const conformance: ConformanceSetup<MetaSettings> = async () => {
  const sandbox = await startSandbox({ leadsPerForm: 30, pageSize: 10, seed: 11 });
  return { options: conformanceOptions(() => sandbox), close: () => sandbox.close() };
};
