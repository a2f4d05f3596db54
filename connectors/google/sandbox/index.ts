import {
  RollingWindow,
  messyContacts,
  seededRandom,
  startSandboxServer,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
  type SandboxServer,
} from '../../../core/sdk';
import { hashGoogleEmail } from '../identifiers';
import type { GoogleSettings } from '../schemas/settings';
import { ADS_API_SUNSET } from '../version';
import { searchStream, type AdsAuth } from './ads';
import { audienceMembers, googleError, ingestEvents, requestStatus } from './datamanager';
import { GoogleStore } from './store';
import { getUserList } from './userlists';

/**
 * A local Google on 127.0.0.1 for the `google` connector: the OAuth2 token endpoint (refresh tokens rotate and are
 * good once, like Google's), the Data Manager API (ingest, remove, requestStatus; limits, fast-fail 400s naming the
 * rows, processing errors as counts, 429 RESOURCE_EXHAUSTED past 300 ingestion requests a minute; userLists.get of
 * the Customer Match list with a configurable match rate) and the Google Ads API
 * searchStream (campaign metrics by day, lead form submissions). Counts distinct conversions and audience members.
 */

export const SANDBOX_CLIENT_ID = 'sandbox-client.apps.googleusercontent.com';
export const SANDBOX_CLIENT_SECRET = 'sandbox-client-secret-0001';
export const SANDBOX_DEVELOPER_TOKEN = 'sandbox-developer-token-0001';
export const SANDBOX_CUSTOMER_ID = '1234567890';
export const SANDBOX_MANAGER_ID = '9876543210';
export const SANDBOX_CONVERSION_ACTION_ID = '555000111';
export const SANDBOX_USER_LIST_ID = '777000222';
const DAY_MS = 86_400_000;

export interface GoogleSandboxOptions extends SandboxOptions {
  /** Days of campaign metrics to seed, ending today (3 campaigns a day). Default 0. */
  seedDays?: number;
  /** Lead form submissions to seed (two per second of submission time, so ties exist). Default 0. */
  seedLeads?: number;
  /** Retrieves of each request's status answered PROCESSING before the final status. Default 0. */
  processingPolls?: number;
  /** The Customer Match list's `matchRatePercentage` (userLists.get); null: Google reports none yet. Default 62. */
  matchRatePercentage?: number | null;
}

export interface GoogleSandbox extends ConnectorSandbox {
  connector: 'google';
  settings: GoogleSettings;
  store: GoogleStore;
  server: SandboxServer;
  /** The refresh token the token endpoint accepts now, and the access tokens it issued (valid ones). */
  tokens: { refresh: string; access: Set<string>; refreshes: number; invalidGrants: number };
  /** Makes every access token issued so far invalid (as at expiry): the next call answers 401. */
  expireAccessTokens(): void;
  /** The next Data Manager request is answered 429 RESOURCE_EXHAUSTED with this RetryInfo delay; null undoes it. */
  rateLimitNext(seconds: number | null): void;
  /** Distinct conversions recorded for the conversion action (`transactionId` given: 0 or 1). */
  conversionCount(transactionId?: string): number;
  /** Restatements (value changes) recorded for a transaction id. */
  restatements(transactionId: string): number;
  /** Distinct members of the Customer Match list (by hashed e-mail when given). */
  memberCount(email?: string): number;
  /** Sets the list's match rate that userLists.get answers (null: none reported). */
  setMatchRate(percent: number | null): void;
}

function seed(store: GoogleStore, options: GoogleSandboxOptions): void {
  const random = seededRandom(options.seed ?? 7);
  const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  const campaigns = [
    ['1001', 'Brand search'],
    ['1002', 'Shopping — Spring'],
    ['1003', 'Lead gen DE'],
  ] as const;
  for (let d = (options.seedDays ?? 0) - 1; d >= 0; d--) {
    const date = new Date(today - d * DAY_MS).toISOString().slice(0, 10);
    for (const [campaignId, campaignName] of campaigns) {
      const clicks = Math.floor(random() * 80);
      store.campaignDays.push({
        campaignId,
        campaignName,
        date,
        costMicros: clicks === 0 ? 0 : Math.floor(random() * 90_000_000),
        clicks,
        impressions: clicks * 20 + Math.floor(random() * 100),
        conversions: Math.floor(random() * 6) + (random() < 0.3 ? 0.5 : 0),
        conversionsValue: Math.round(random() * 50_000) / 100,
      });
    }
  }
  const people = messyContacts(options.seedLeads ?? 0, options.seed ?? 7);
  const start = Date.parse('2026-11-01T09:00:00Z');
  people.forEach((p, i) => {
    const at = new Date(start + Math.floor(i / 2) * 60_000).toISOString().slice(0, 19).replace('T', ' ');
    store.leads.push({
      id: String(40_000 + i),
      campaignId: '1003',
      adGroupId: '2003',
      assetId: '3003',
      gclid: `Cj0KCQsandbox${i}`,
      submissionDateTime: `${at}+00:00`,
      fields: [
        { fieldType: 'EMAIL', fieldValue: p.email },
        ...(p.fullName ? [{ fieldType: 'FULL_NAME', fieldValue: p.fullName }] : []),
        ...(p.firstName ? [{ fieldType: 'FIRST_NAME', fieldValue: p.firstName }] : []),
        ...(p.lastName ? [{ fieldType: 'LAST_NAME', fieldValue: p.lastName }] : []),
        ...(p.phone ? [{ fieldType: 'PHONE_NUMBER', fieldValue: p.phone }] : []),
      ],
      custom: [{ questionText: 'Which plan interests you?', fieldValue: i % 2 === 0 ? 'Pro' : 'Basic' }],
    });
  });
}

const unauthenticated = () =>
  googleError(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token.',
    [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_EXPIRED', domain: 'googleapis.com' }],
  );

export async function startSandbox(options: GoogleSandboxOptions = {}): Promise<GoogleSandbox> {
  const store = new GoogleStore();
  seed(store, options);
  const tokens = {
    refresh: 'sandbox-refresh-0',
    access: new Set(['sandbox-access-0']),
    refreshes: 0,
    invalidGrants: 0,
  };
  const ads: AdsAuth = {
    developerToken: SANDBOX_DEVELOPER_TOKEN,
    customerId: SANDBOX_CUSTOMER_ID,
    managerId: SANDBOX_MANAGER_ID,
    supportedVersions: Object.entries(ADS_API_SUNSET)
      .filter(([, sunset]) => Date.parse(sunset) > Date.now())
      .map(([version]) => version),
  };
  const window = new RollingWindow(300, 60_000);
  const processing = options.processingPolls ?? 0;
  let forced429: number | undefined;
  let issued = 0;
  let matchRate = options.matchRatePercentage === undefined ? 62 : options.matchRatePercentage;

  const token = (req: SandboxRequest): SandboxReply => {
    const form = (req.body ?? {}) as Record<string, string>;
    const ok =
      form.grant_type === 'refresh_token' &&
      form.client_id === SANDBOX_CLIENT_ID &&
      form.client_secret === SANDBOX_CLIENT_SECRET &&
      form.refresh_token === tokens.refresh;
    if (!ok) {
      tokens.invalidGrants += 1;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    }
    issued += 1;
    tokens.refreshes += 1;
    tokens.refresh = `sandbox-refresh-${issued}`;
    const access = `sandbox-access-${issued}`;
    tokens.access.add(access);
    return {
      status: 200,
      body: {
        access_token: access,
        refresh_token: tokens.refresh,
        expires_in: 3599,
        scope: 'https://www.googleapis.com/auth/datamanager https://www.googleapis.com/auth/adwords',
        token_type: 'Bearer',
      },
    };
  };

  const server = await startSandboxServer({
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: [
      { method: 'POST', path: '/token', handler: token },
      { method: 'POST', path: '/v1/events:ingest', handler: (r) => ingestEvents(store, r, processing) },
      {
        method: 'POST',
        path: '/v1/audienceMembers:ingest',
        handler: (r) => audienceMembers(store, r, true, processing),
      },
      {
        method: 'POST',
        path: '/v1/audienceMembers:remove',
        handler: (r) => audienceMembers(store, r, false, processing),
      },
      { method: 'GET', path: '/v1/requestStatus:retrieve', handler: (r) => requestStatus(store, r) },
      {
        method: 'GET',
        path: '/v1/accountTypes/:accountType/accounts/:account/userLists/:userList',
        handler: (r) =>
          getUserList(
            store,
            { customerId: SANDBOX_CUSTOMER_ID, managerId: SANDBOX_MANAGER_ID, userListId: SANDBOX_USER_LIST_ID },
            () => matchRate,
            r,
          ),
      },
      {
        method: 'POST',
        path: '/:version/customers/:customerId/googleAds:searchStream',
        handler: (r) => searchStream(store, ads, r),
      },
    ],
    before: (req, route) => {
      if (route.path === '/token') return undefined;
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !tokens.access.has(bearer)) return unauthenticated();
      // the 300/min quota and the forced 429 are the ingestion service's; userLists.get is another service
      if (!route.path.startsWith('/v1/') || route.path.includes('/userLists/')) return undefined;
      const exhausted = (seconds: number) =>
        googleError(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            domain: 'googleapis.com',
            metadata: { service: 'datamanager.googleapis.com', quota_limit_value: '300' },
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` },
        ]);
      if (forced429 !== undefined) {
        const seconds = forced429;
        forced429 = undefined;
        return exhausted(seconds);
      }
      if (options.enforceLimits !== false) {
        const wait = window.take();
        if (wait > 0) return exhausted(Math.ceil(wait / 1000));
      }
      return undefined;
    },
  });
  const url = server.url;
  const list = () => store.list(SANDBOX_USER_LIST_ID);
  return {
    connector: 'google',
    url,
    settings: {
      clientId: SANDBOX_CLIENT_ID,
      clientSecret: SANDBOX_CLIENT_SECRET,
      refreshToken: tokens.refresh,
      accessToken: 'sandbox-access-0',
      expiresAt: Date.now() + 365 * DAY_MS,
      tokenUrl: `${url}/token`,
      operatingAccountId: SANDBOX_CUSTOMER_ID,
      loginAccountId: SANDBOX_MANAGER_ID,
      developerToken: SANDBOX_DEVELOPER_TOKEN,
      conversionActionId: SANDBOX_CONVERSION_ACTION_ID,
      userListId: SANDBOX_USER_LIST_ID,
      customerMatchTermsAccepted: true,
      dataManagerUrl: url,
      adsApiUrl: url,
      startDate: new Date(Date.now() - ((options.seedDays ?? 1) - 1) * DAY_MS).toISOString().slice(0, 10),
      diagnosticsPolls: 3,
    },
    store,
    server,
    tokens,
    expireAccessTokens: () => tokens.access.clear(),
    rateLimitNext: (seconds) => {
      forced429 = seconds ?? undefined;
    },
    conversionCount: (transactionId) =>
      transactionId === undefined
        ? [...store.conversions.keys()].filter((k) => k.startsWith(`${SANDBOX_CONVERSION_ACTION_ID}:`)).length
        : store.conversions.has(`${SANDBOX_CONVERSION_ACTION_ID}:${transactionId}`)
          ? 1
          : 0,
    restatements: (transactionId) =>
      store.conversions.get(`${SANDBOX_CONVERSION_ACTION_ID}:${transactionId}`)?.restatements ?? 0,
    memberCount: (email) => {
      if (email === undefined) return list().size;
      const hashed = JSON.stringify(hashGoogleEmail(email));
      return [...list().values()].filter((ids) => ids.includes(hashed)).length;
    },
    setMatchRate: (percent) => {
      matchRate = percent;
    },
    close: () => server.close(),
  };
}
