import type { SandboxReply, SandboxRequest } from '../../../core/sdk';

/**
 * What the hub gets instead of Odoo's answer when a call's answer is lost, the same on JSON-2 and JSON-RPC: both are
 * plain HTTP POSTs, and a proxy in front of Odoo (or the socket itself) fails them alike — JSON-RPC faults are HTTP
 * 200 with an error envelope only when Odoo itself answers, never when the answer is lost on the way.
 * - 502: a proxy lost (or could not open) its connection to Odoo; 504: a proxy gave up waiting for Odoo;
 * - 503: a proxy refused the call (rate limit, no upstream available);
 * - 'dropped': the connection closed before any answer (a worker killed, a server restarting, a network drop).
 */
export type LostAnswer = 502 | 504 | 'dropped';
export type FailedLookup = 502 | 503 | 504 | 'dropped';

export interface LoseOrderCreate {
  /** `sale.order` `search_read` calls failing after the lost create (default 1; 0: none). */
  lookups?: number;
  /** What the create gets instead of Odoo's answer (default 502). */
  answer?: LostAnswer;
  /** What each failing look-up gets (default 503). */
  lookupsAnswer?: FailedLookup;
  /**
   * Whether Odoo received and applied the create (default true: the order exists, only its answer was lost). false:
   * the proxy never reached Odoo (nothing was created), which the hub cannot tell from a lost answer either.
   */
  applied?: boolean;
}

const REASONS: Record<number, string> = { 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Time-out' };

/** The reply for a lost answer or a failed look-up. */
export function failedReply(kind: LostAnswer | FailedLookup): SandboxReply {
  // status 0: only what the sandbox's request log records for a connection closed unanswered
  if (kind === 'dropped') return { status: 0, drop: true };
  return { status: kind, body: REASONS[kind] };
}

/** `model/method` of a model-method call on either transport; undefined for anything else. */
export function modelMethodOf(req: SandboxRequest): string | undefined {
  if (req.params.model !== undefined && req.params.method !== undefined)
    return `${req.params.model}/${req.params.method}`;
  const params = (req.body as { params?: { service?: unknown; method?: unknown; args?: unknown } } | undefined)?.params;
  if (params?.service !== 'object' || params.method !== 'execute_kw' || !Array.isArray(params.args)) return undefined;
  const [, , , model, method] = params.args as unknown[];
  return typeof model === 'string' && typeof method === 'string' ? `${model}/${method}` : undefined;
}

/** Whether Odoo applied the call: a 200 on JSON-2, a 200 without an error envelope on JSON-RPC. */
export function applied(reply: SandboxReply): boolean {
  if (reply.status !== 200) return false;
  const body = reply.body as { jsonrpc?: unknown; error?: unknown } | null | undefined;
  return !(typeof body === 'object' && body !== null && body.jsonrpc !== undefined && body.error !== undefined);
}
