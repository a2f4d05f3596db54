import type { SandboxReply, SandboxRequest } from '../../../core/sdk';
import { googleError } from './datamanager';
import type { GoogleStore } from './store';

/**
 * The Google Ads API half of the sandbox: `POST /{version}/customers/{id}/googleAds:searchStream` answering the three
 * GAQL queries the connector sends (campaign metrics by day between two dates, lead form submissions since a time,
 * the customer), as a JSON array of batches of at most 10,000 rows (`{ results, fieldMask, requestId }`), int64
 * values as strings like the REST API writes them. Versions outside `supportedVersions` answer 404, a wrong
 * developer token 401 with a GoogleAdsFailure, a login-customer-id other than the manager's 403.
 */

export interface AdsAuth {
  developerToken: string;
  customerId: string;
  managerId: string;
  supportedVersions: string[];
}

const BATCH = 10_000;

const adsFailure = (status: number, code: string, errorCode: Record<string, string>, message: string) =>
  googleError(status, code, message, [
    {
      '@type': 'type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure',
      errors: [{ errorCode, message }],
      requestId: 'sandbox-ads-request',
    },
  ]);

function campaignRows(store: GoogleStore, query: string): Record<string, unknown>[] {
  const range = /segments\.date BETWEEN '(\d{4}-\d{2}-\d{2})' AND '(\d{4}-\d{2}-\d{2})'/.exec(query);
  return store.campaignDays
    .filter((d) => range === null || (d.date >= range[1]! && d.date <= range[2]!))
    .sort((a, b) => (a.date === b.date ? a.campaignId.localeCompare(b.campaignId) : a.date.localeCompare(b.date)))
    .map((d) => ({
      campaign: { resourceName: `customers/1/campaigns/${d.campaignId}`, id: d.campaignId, name: d.campaignName },
      segments: { date: d.date },
      metrics: {
        ...(d.costMicros === 0 ? {} : { costMicros: String(d.costMicros) }),
        clicks: String(d.clicks),
        impressions: String(d.impressions),
        conversions: d.conversions,
        conversionsValue: d.conversionsValue,
      },
    }));
}

function leadRows(store: GoogleStore, query: string, customerId: string): Record<string, unknown>[] {
  const since = /submission_date_time >= '([^']+)'/.exec(query)?.[1];
  return store.leads
    .filter((l) => since === undefined || l.submissionDateTime.slice(0, 19) >= since)
    .sort((a, b) => a.submissionDateTime.localeCompare(b.submissionDateTime))
    .map((l) => ({
      leadFormSubmissionData: {
        resourceName: `customers/${customerId}/leadFormSubmissionData/${l.id}`,
        id: l.id,
        asset: `customers/${customerId}/assets/${l.assetId}`,
        campaign: `customers/${customerId}/campaigns/${l.campaignId}`,
        adGroup: `customers/${customerId}/adGroups/${l.adGroupId}`,
        gclid: l.gclid,
        submissionDateTime: l.submissionDateTime,
        leadFormSubmissionFields: l.fields,
        customLeadFormSubmissionFields: l.custom,
      },
    }));
}

export function searchStream(store: GoogleStore, auth: AdsAuth, req: SandboxRequest): SandboxReply {
  if (!auth.supportedVersions.includes(req.params.version ?? ''))
    return {
      status: 404,
      body: '<!DOCTYPE html><title>Error 404 (Not Found)</title>',
      headers: { 'content-type': 'text/html' },
    };
  if (req.headers['developer-token'] !== auth.developerToken)
    return adsFailure(
      401,
      'UNAUTHENTICATED',
      { authenticationError: 'DEVELOPER_TOKEN_INVALID' },
      'The developer token is not valid.',
    );
  const login = req.headers['login-customer-id'];
  if (login !== undefined && login !== auth.managerId && login !== auth.customerId)
    return adsFailure(
      403,
      'PERMISSION_DENIED',
      { authorizationError: 'USER_PERMISSION_DENIED' },
      "User doesn't have permission to access customer.",
    );
  if (req.params.customerId !== auth.customerId)
    return adsFailure(403, 'PERMISSION_DENIED', { authorizationError: 'CUSTOMER_NOT_ENABLED' }, 'No such customer.');
  const query = String((req.body as { query?: unknown } | undefined)?.query ?? '');
  let rows: Record<string, unknown>[];
  let fieldMask: string;
  if (/FROM campaign\b/.test(query)) {
    rows = campaignRows(store, query);
    fieldMask = 'campaign.id,campaign.name,segments.date,metrics.costMicros,metrics.clicks';
  } else if (/FROM lead_form_submission_data\b/.test(query)) {
    rows = leadRows(store, query, auth.customerId);
    fieldMask = 'leadFormSubmissionData.id,leadFormSubmissionData.submissionDateTime';
  } else if (/FROM customer\b/.test(query)) {
    rows = [
      {
        customer: {
          resourceName: `customers/${auth.customerId}`,
          id: auth.customerId,
          descriptiveName: 'Sandbox Shop',
          currencyCode: 'EUR',
        },
      },
    ];
    fieldMask = 'customer.id,customer.descriptiveName,customer.currencyCode';
  } else
    return adsFailure(
      400,
      'INVALID_ARGUMENT',
      { queryError: 'PROHIBITED_RESOURCE_TYPE_IN_SELECT_CLAUSE' },
      'The sandbox answers campaign, lead_form_submission_data and customer queries.',
    );
  const batches = [];
  for (let i = 0; i < rows.length || i === 0; i += BATCH)
    batches.push({ results: rows.slice(i, i + BATCH), fieldMask, requestId: `sandbox-ads-${i}` });
  return { status: 200, body: batches };
}
