import { createHmac } from 'node:crypto';
import {
  seededRandom,
  signMeta,
  startSandboxServer,
  type ConnectorSandbox,
  type SandboxOptions,
  type SandboxReply,
  type SandboxRequest,
  type SandboxServer,
} from '../../../core/sdk';
import type { MetaSettings } from '../schemas/settings';
import { graphError, routes } from './routes';
import { MetaState, type StoredLead } from './state';

/**
 * A local Graph API on 127.0.0.1 for the Meta connector: Conversions API events with whole-batch rejection,
 * Custom Audience users add/remove/usersreplace, lead forms and leads, campaign insights (sync and async report
 * runs), the throttling error codes and the X-Business-Use-Case-Usage header on every answer, and a leadgen
 * webhook delivery helper signed the way Meta signs. It counts DISTINCT conversions (event_name + event_id,
 * Meta's 48 h de-duplication) and audience members, so tests can assert "exactly once".
 */

export const SANDBOX_TOKEN = 'EAAsandbox-system-user-token-0001';
export const SANDBOX_APP_SECRET = 'sandbox-app-secret-0001';
export const SANDBOX_VERIFY_TOKEN = 'sandbox-verify-token';
export const SANDBOX_PIXEL = '1234567890';
export const SANDBOX_AD_ACCOUNT = 'act_5550001';
export const SANDBOX_AUDIENCE = '2380000000001';
export const SANDBOX_PAGE = '1010101010';
export const SANDBOX_BUSINESS = '777000777';

export interface MetaSandboxOptions extends SandboxOptions {
  /** Lead forms of the page, and leads per form (created over the last days). Default 2 forms × 0 leads. */
  forms?: number;
  leadsPerForm?: number;
  /** Campaigns × days of insights rows, ending today. Default 2 × 40. */
  campaigns?: number;
  insightDays?: number;
  /** Polls an async insights report needs before it completes (default 1). */
  asyncPolls?: number;
  /** Rows per page of a paged edge (default 25). */
  pageSize?: number;
}

export interface Throttle {
  code: number;
  subcode?: number;
  /** estimated_time_to_regain_access, in minutes. */
  regainMinutes: number;
}

export interface MetaSandbox extends ConnectorSandbox {
  connector: 'meta';
  settings: MetaSettings;
  state: MetaState;
  server: SandboxServer;
  /** The next request (all of the next `times`) is refused with this throttling error and usage header. */
  throttleNext(throttle: Throttle | null, times?: number): void;
  /**
   * Refuses every request `match` picks (until called with null) as a whole, unapplied: `reply`, by default a 400
   * `Invalid parameter` (code 100), e.g. the second usersreplace batch of a session.
   */
  refuseWhere(match: ((request: SandboxRequest) => boolean) | null, reply?: SandboxReply): void;
  /** Moves the sandbox's clock (ms; positive: ahead), e.g. to make an event go stale on its way. */
  skewClock(ms: number): void;
  /** Distinct conversions with this event id (any event name). */
  conversions(eventId: string): number;
  /** Members of an audience (default: the sandbox audience). */
  members(audienceId?: string): number;
  /** A new lead in a form (default: the first), as if a person submitted it now. */
  newLead(fields?: Record<string, string | undefined>, formId?: string): StoredLead;
  /** The leadgen webhook delivery Meta would send for a lead: raw body and signed headers. */
  leadWebhook(lead: StoredLead): { rawBody: Buffer; headers: Record<string, string> };
  /** POSTs that delivery to options.webhookUrl (status answered). */
  deliverLead(lead: StoredLead): Promise<number>;
}

function usageHeader(callCount: number, regainMinutes: number): string {
  return JSON.stringify({
    [SANDBOX_BUSINESS]: [
      {
        type: 'ads_management',
        call_count: callCount,
        total_cputime: Math.min(100, Math.round(callCount / 2)),
        total_time: Math.min(100, Math.round(callCount / 2)),
        estimated_time_to_regain_access: regainMinutes,
      },
    ],
  });
}

function seed(state: MetaState, options: MetaSandboxOptions, nowS: number): void {
  const random = seededRandom(options.seed ?? 7);
  const forms = Array.from({ length: options.forms ?? 2 }, (_, i) => String(4400000000 + i));
  state.pageForms.set(SANDBOX_PAGE, forms);
  for (const form of forms) {
    const leads: StoredLead[] = [];
    for (let i = 0; i < (options.leadsPerForm ?? 0); i++)
      leads.push({
        id: state.id(),
        form_id: form,
        created_time: nowS - Math.floor(random() * 20 * 86_400) - 600,
        field_data: [
          { name: 'email', values: [`lead${form.slice(-1)}.${i}@example.com`] },
          { name: 'full_name', values: [`Lead ${i}`] },
          { name: 'phone_number', values: [`+4930${String(1000000 + i)}`] },
        ],
        ad_id: '6000000000001',
        campaign_id: '6000000000000',
      });
    state.forms.set(form, leads);
  }
  state.audience(SANDBOX_AUDIENCE);
  const days = options.insightDays ?? 40;
  /** Purchases as Meta reports them: the pixel's and the de-duplicated omni count, with their values. */
  const purchaseStats = (next: () => number) => {
    const count = Math.floor(next() * 6);
    const value = ((Math.round(next() * 4_000) / 100) * count).toFixed(2);
    return {
      actions: [
        { action_type: 'link_click', value: String(count * 7) },
        { action_type: 'offsite_conversion.fb_pixel_purchase', value: String(count) },
        { action_type: 'omni_purchase', value: String(count) },
      ],
      action_values: [
        { action_type: 'offsite_conversion.fb_pixel_purchase', value },
        { action_type: 'omni_purchase', value },
      ],
    };
  };
  for (let c = 0; c < (options.campaigns ?? 2); c++)
    for (let d = 0; d < days; d++) {
      const date = new Date((nowS - d * 86_400) * 1000).toISOString().slice(0, 10);
      state.insightRows.push({
        campaign_id: String(6000000000000 + c),
        campaign_name: `Campaign ${c + 1}`,
        spend: (Math.round(random() * 10_000) / 100).toFixed(2),
        impressions: String(Math.floor(random() * 5000)),
        clicks: String(Math.floor(random() * 100)),
        ...purchaseStats(random),
        account_currency: 'EUR',
        date_start: date,
        date_stop: date,
      });
    }
}

export async function startSandbox(options: MetaSandboxOptions = {}): Promise<MetaSandbox> {
  const state = new MetaState();
  let skewMs = 0;
  const nowS = () => Math.floor((Date.now() + skewMs) / 1000);
  seed(state, options, nowS());
  let throttle: { value: Throttle; times: number } | undefined;
  let refusal: { match: (request: SandboxRequest) => boolean; reply: SandboxReply } | undefined;
  let calls = 0;
  const proof = createHmac('sha256', SANDBOX_APP_SECRET).update(SANDBOX_TOKEN).digest('hex');
  const withUsage = (reply: SandboxReply, regain = 0): SandboxReply => ({
    ...reply,
    // a throttled use case reports its quota used up (100 %) with the time to regain access
    headers: {
      ...reply.headers,
      'x-business-use-case-usage': usageHeader(regain > 0 ? 100 : Math.min(99, calls), regain),
    },
  });
  const table = routes(state, { nowS, pageSize: options.pageSize ?? 25 }, options.asyncPolls ?? 1).map((r) => ({
    ...r,
    handler: async (req: Parameters<typeof r.handler>[0]) => withUsage(await r.handler(req)),
  }));
  const server = await startSandboxServer({
    ...(options.port === undefined ? {} : { port: options.port }),
    routes: table,
    before: (req) => {
      calls++;
      if (req.headers.authorization !== `Bearer ${SANDBOX_TOKEN}`)
        return withUsage(graphError(400, 190, 'Invalid OAuth access token - Cannot parse access token'));
      if (req.query.appsecret_proof !== undefined && req.query.appsecret_proof !== proof)
        return withUsage(graphError(400, 100, 'Invalid appsecret_proof provided in the API argument'));
      if (refusal?.match(req)) return withUsage(refusal.reply);
      if (throttle === undefined) return undefined;
      const { value } = throttle;
      if (--throttle.times <= 0) throttle = undefined;
      const reply = graphError(400, value.code, 'User request limit reached', {
        ...(value.subcode === undefined ? {} : { error_subcode: value.subcode }),
        is_transient: true,
      });
      return withUsage(reply, value.regainMinutes);
    },
  });
  const settings: MetaSettings = {
    accessToken: SANDBOX_TOKEN,
    appSecret: SANDBOX_APP_SECRET,
    verifyToken: SANDBOX_VERIFY_TOKEN,
    pixelId: SANDBOX_PIXEL,
    adAccountId: SANDBOX_AD_ACCOUNT,
    audienceId: SANDBOX_AUDIENCE,
    pageId: SANDBOX_PAGE,
    baseUrl: server.url,
  };
  const firstForm = () => [...state.forms.keys()][0]!;
  const leadWebhook = (lead: StoredLead) => {
    const rawBody = Buffer.from(
      JSON.stringify({
        object: 'page',
        entry: [
          {
            id: SANDBOX_PAGE,
            time: nowS(),
            changes: [
              {
                field: 'leadgen',
                value: {
                  leadgen_id: lead.id,
                  form_id: lead.form_id,
                  page_id: SANDBOX_PAGE,
                  ad_id: lead.ad_id,
                  created_time: lead.created_time,
                },
              },
            ],
          },
        ],
      }),
    );
    const secret = options.webhookSecret ?? SANDBOX_APP_SECRET;
    return {
      rawBody,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signMeta(secret, rawBody) },
    };
  };
  return {
    connector: 'meta',
    url: server.url,
    settings,
    state,
    server,
    throttleNext: (value, times = 1) => {
      throttle = value === null ? undefined : { value, times };
    },
    refuseWhere: (match, reply) => {
      refusal =
        match === null
          ? undefined
          : {
              match,
              reply: reply ?? graphError(400, 100, 'Invalid parameter', { error_user_msg: 'Refused by the sandbox' }),
            };
    },
    skewClock: (ms) => {
      skewMs = ms;
    },
    conversions: (eventId) => state.eventsWithId(eventId),
    members: (audienceId = SANDBOX_AUDIENCE) => state.audience(audienceId).members.size,
    newLead: (fields = {}, formId = firstForm()) => {
      const lead: StoredLead = {
        id: state.id(),
        form_id: formId,
        created_time: nowS(),
        field_data: Object.entries(fields).flatMap(([name, value]) =>
          value === undefined ? [] : [{ name, values: [value] }],
        ),
        ad_id: '6000000000001',
        campaign_id: '6000000000000',
      };
      state.forms.get(formId)?.push(lead);
      return lead;
    },
    leadWebhook,
    deliverLead: async (lead) => {
      if (options.webhookUrl === undefined) throw new Error('the sandbox was started without webhookUrl');
      const { rawBody, headers } = leadWebhook(lead);
      // the sandbox stands in for Meta posting to the hub; it is not connector code, so not the outbound door
      const response = await fetch(options.webhookUrl, { method: 'POST', headers, body: rawBody });
      return response.status;
    },
    close: () => server.close(),
  };
}
