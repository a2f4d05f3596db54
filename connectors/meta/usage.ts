/**
 * Meta's Business Use Case rate-limit header. `X-Business-Use-Case-Usage` is a JSON object keyed by business id,
 * each an array of use cases: `{ type, call_count, total_cputime, total_time, estimated_time_to_regain_access }`,
 * the three usages in percent of the quota and the wait in MINUTES ([doc] vendor-apis.md §5b; Marketing API
 * rate-limiting page). Written here because no library parses it; tolerant of what the header may carry (a
 * malformed header reads as "nothing said", never as an error).
 */

export const BUC_HEADER = 'x-business-use-case-usage';

export interface UseCaseUsage {
  businessId: string;
  type: string;
  callCount: number;
  totalCputime: number;
  totalTime: number;
  /** Minutes until the use case may call again; 0 when not throttled. */
  regainMinutes: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);

/** Every use case the header reports; [] when the header is absent or not the documented JSON. */
export function parseBusinessUseCaseUsage(header: string | null | undefined): UseCaseUsage[] {
  if (header === null || header === undefined || header.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(header);
  } catch {
    return [];
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
  const out: UseCaseUsage[] = [];
  for (const [businessId, cases] of Object.entries(parsed as Record<string, unknown>)) {
    for (const item of Array.isArray(cases) ? cases : [cases]) {
      if (typeof item !== 'object' || item === null) continue;
      const c = item as Record<string, unknown>;
      out.push({
        businessId,
        type: typeof c.type === 'string' ? c.type : 'unknown',
        callCount: num(c.call_count),
        totalCputime: num(c.total_cputime),
        totalTime: num(c.total_time),
        regainMinutes: num(c.estimated_time_to_regain_access),
      });
    }
  }
  return out;
}

/** The longest wait Meta states across the use cases, in ms; undefined when none is throttled. */
export function regainWaitMs(usages: UseCaseUsage[]): number | undefined {
  const minutes = Math.max(0, ...usages.map((u) => u.regainMinutes));
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** The highest of call count, CPU time and total time across the use cases, in percent (100: at the quota). */
export function peakUsagePercent(usages: UseCaseUsage[]): number {
  return Math.max(0, ...usages.flatMap((u) => [u.callCount, u.totalCputime, u.totalTime]));
}
