import { defineConnector, isHubError, type CheckResult, type ConnectionContext } from '../../core/sdk';
import { addAudienceMembers } from './actions/addAudienceMembers';
import { removeAudienceMembers } from './actions/removeAudienceMembers';
import { retractConversions } from './actions/retractConversions';
import { sendConversions } from './actions/sendConversions';
import { clientFor } from './client';
import { GOOGLE_POLICY } from './policy';
import { DEFAULT_TOKEN_URL, GoogleSettings } from './schemas/settings';
import { audienceStatus } from './streams/audienceStatus';
import { campaignMetrics } from './streams/campaignMetrics';
import { leadFormSubmissions } from './streams/leadFormSubmissions';
import { ADS_API_VERSION } from './version';

/**
 * Proves the credentials against both APIs the settings enable: the Data Manager API (it has no read of its own,
 * so an unknown request id is asked for: 401/403 mean refused, 404 means the token was accepted) and, with a
 * developer token, the Google Ads API (the operating account's name and currency through GAQL).
 */
async function check(connection: ConnectionContext<GoogleSettings>): Promise<CheckResult> {
  const client = clientFor(connection);
  try {
    const probe = await client.send(
      'GET',
      `${client.dataManagerBase}/v1/requestStatus:retrieve?requestId=connector-hub-check`,
      undefined,
      {},
      'requestStatus:retrieve',
      'dataManagerUrl',
    );
    if (probe.status === 401 || probe.status === 403 || probe.status === 429 || probe.status >= 500)
      client.fail('Data Manager check', probe);
    let message = `Data Manager API accepted the credentials for Google Ads account ${connection.settings.operatingAccountId}`;
    if (connection.settings.developerToken !== undefined) {
      const [row] = await client.searchStream<{ customer?: { descriptiveName?: string; currencyCode?: string } }>(
        'SELECT customer.id, customer.descriptive_name, customer.currency_code FROM customer LIMIT 1',
      );
      message += `; Google Ads API ${ADS_API_VERSION}: "${row?.customer?.descriptiveName ?? '?'}" (${row?.customer?.currencyCode ?? '?'})`;
    } else message += '; no developerToken, so the read streams are off';
    return { ok: true, message };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    return { ok: false, message: isHubError(error) ? text : client.redact(text) };
  }
}

/**
 * The `google` connector: one connection, one OAuth2 client, two Google APIs — the Data Manager API for what the hub
 * sends (conversions, refunds as restatements, Customer Match members) and the Google Ads API (REST, reads only) for
 * spend and leads. See README.md for why one connector and where each call goes.
 */
export const connector = defineConnector({
  id: 'google',
  displayName: 'Google Ads (Data Manager)',
  version: '1.0.0',
  category: 'ads',
  description:
    'Sends offline conversions, refund restatements and Customer Match members through the Data Manager API; reads spend by campaign and day and lead form submissions from the Google Ads API.',
  settingsSchema: GoogleSettings,
  policy: GOOGLE_POLICY,
  oauth2: {
    tokenUrl: DEFAULT_TOKEN_URL,
    tokenUrlOf: (settings) => settings.tokenUrl,
    fields: {
      clientId: 'clientId',
      clientSecret: 'clientSecret',
      refreshToken: 'refreshToken',
      accessToken: 'accessToken',
      expiresAt: 'expiresAt',
    },
  },
  check,
  streams: [campaignMetrics, leadFormSubmissions, audienceStatus],
  actions: [sendConversions, retractConversions, addAudienceMembers, removeAudienceMembers],
});

export default connector;
