import { isHubError, type WriteOutcome } from '../../../core/sdk';
import type { HubSpotErrorBody } from '../errors';
import type { WritableProperties } from '../schemas/records';

/** Pieces shared by the batch actions: property values as HubSpot takes them, and 207 errors mapped to inputs. */

export interface UpsertResult {
  id: string;
  new?: boolean;
  properties?: Record<string, string | null>;
  objectWriteTraceId?: string;
}

export interface BatchResponse<T = UpsertResult> {
  status?: string;
  results?: T[];
  errors?: (HubSpotErrorBody & { errors?: { message?: string; context?: Record<string, string[]> }[] })[];
  numErrors?: number;
}

/** HubSpot takes every property value as text; an empty string clears a property, so null becomes ''. */
export function toHubSpotProperties(properties: WritableProperties): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(properties)) {
    out[key] = value === null ? '' : typeof value === 'string' ? value : String(value);
  }
  return out;
}

/** Every id an error names: its context (`ids`, `id`, `objectWriteTraceId`…) and that of its detail errors. */
function contextValues(error: NonNullable<BatchResponse['errors']>[number]): string[] {
  const values: string[] = [];
  const add = (context: Record<string, string[]> | undefined) => {
    for (const list of Object.values(context ?? {})) if (Array.isArray(list)) values.push(...list.map(String));
  };
  add(error.context);
  for (const detail of error.errors ?? []) add(detail.context);
  return values;
}

/** Reason of each failed input, keyed by `normalize(id)` of the ids the errors name. */
export function errorsByKey(response: BatchResponse<unknown>, normalize: (id: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const error of response.errors ?? []) {
    const main = error.message ?? '';
    // detail messages often repeat the main one
    const detail = (error.errors ?? []).map((e) => e.message ?? '').filter((m) => m !== '' && !main.includes(m));
    const reason = [main, ...detail].filter(Boolean).join('; ') || error.category || 'rejected by HubSpot';
    for (const id of contextValues(error)) if (!out.has(normalize(id))) out.set(normalize(id), reason);
  }
  return out;
}

export const permanent = (reason: string): WriteOutcome => ({ status: 'failed', failure: 'permanent', reason });

/**
 * A whole-batch rejection (a 4xx other than auth and rate limits) fails every record of the batch with HubSpot's
 * reason; anything else (auth, rate limit, 5xx, network) is thrown for the runner to act on.
 */
export function batchRejection(error: unknown): string {
  if (isHubError(error) && error.kind === 'permanent') return error.message;
  throw error;
}
