import { defineConnector, type CheckResult, type ConnectionContext } from '../../core/sdk';
import { addAudienceMembers } from './actions/addAudienceMembers';
import { operationStatus } from './actions/audience';
import { removeAudienceMembers } from './actions/removeAudienceMembers';
import { replaceAudience } from './actions/replaceAudience';
import { sendEvents } from './actions/sendEvents';
import { clientFor } from './client';
import { META_POLICY } from './policy';
import { MetaSettings, adAccountOf } from './schemas/settings';
import { insights } from './streams/insights';
import { leads } from './streams/leads';
import { peakUsagePercent } from './usage';
import { leadgen } from './webhooks';

/** Reads the pixel and the ad account with the token; names the audience's operation_status when one is set. */
async function check(connection: ConnectionContext<MetaSettings>): Promise<CheckResult> {
  try {
    const client = clientFor(connection);
    const { settings } = connection;
    const pixel = await client.request<{ id: string; name?: string }>('GET', settings.pixelId, {
      query: { fields: 'id,name' },
      where: 'GET /{pixel_id}',
    });
    const account = await client.request<{ id: string; name?: string; currency?: string }>(
      'GET',
      adAccountOf(settings),
      { query: { fields: 'id,name,currency' }, where: 'GET /act_{id}' },
    );
    let message = `Connected to Meta: dataset "${pixel.name ?? pixel.id}", ad account "${account.name ?? account.id}"`;
    if (settings.audienceId !== undefined) {
      const status = await operationStatus(client, settings.audienceId);
      if (status !== undefined) message += `; audience ${settings.audienceId} ${status}`;
    }
    if (settings.testEventCode !== undefined) message += `; events go to Test Events (${settings.testEventCode})`;
    if (client.lastUsage.length > 0) message += `; Business Use Case usage ${peakUsagePercent(client.lastUsage)}%`;
    return { ok: true, message };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The `meta` connector: Conversions API events, Custom Audience members, Lead Ads leads (webhook and
 * reconciliation read) and campaign spend by day. See README.md.
 */
export const connector = defineConnector({
  id: 'meta',
  displayName: 'Meta (Facebook)',
  version: '1.0.0',
  category: 'ads',
  description:
    'Sends Conversions API events (hashed, de-duplicated by event_id, one bad event never holds back a batch), adds, removes and replaces Custom Audience members, reads Lead Ads leads and spend by campaign and day.',
  settingsSchema: MetaSettings,
  policy: META_POLICY,
  check,
  streams: [leads, insights],
  actions: [sendEvents, addAudienceMembers, removeAudienceMembers, replaceAudience],
  webhooks: [leadgen],
});

export default connector;
