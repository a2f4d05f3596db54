/**
 * Limits as vendors enforce them, for sandboxes: a rolling window of requests counted when they arrive (HubSpot's
 * ten-secondly burst, its 5/s search limit: call `take` when the request arrives, before any latency of the answer)
 * and a count of simultaneous connections (Mailchimp's 10).
 */
export class RollingWindow {
  private readonly stamps: number[] = [];

  constructor(
    readonly limit: number,
    readonly intervalMs: number,
  ) {}

  /** Takes one request slot; returns 0 when allowed, else the ms until a slot frees up. */
  take(now = Date.now()): number {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.intervalMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return this.stamps[0]! + this.intervalMs - now;
    this.stamps.push(now);
    return 0;
  }

  /** Requests left in the current window. */
  remaining(now = Date.now()): number {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.intervalMs) this.stamps.shift();
    return Math.max(0, this.limit - this.stamps.length);
  }
}

export class ConcurrencyGauge {
  private inFlight = 0;
  /** Highest number of requests seen in flight at once. */
  peak = 0;

  constructor(readonly limit: number) {}

  /** Enters; false when the limit is already reached (the caller answers 429 and must not call leave). */
  enter(): boolean {
    if (this.inFlight >= this.limit) return false;
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    return true;
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }
}

/**
 * How long a sandbox takes to answer, as vendors do: a fixed part, a part per record in the request (a batch of
 * 500 takes longer than a batch of 1) and a random spread. Latency is what makes limits on simultaneous connections
 * bite: at zero latency, requests never overlap and such a limit never triggers.
 */
export interface LatencyModel {
  /** ms every request takes. */
  baseMs: number;
  /** ms added per record in the request (e.g. members of a batch). Default 0. */
  perRecordMs?: number;
  /** Up to this many ms added at random (uniform), so requests do not finish in lockstep. Default 0. */
  jitterMs?: number;
}

/** The delay of one request carrying `records` records under `model` (`random` injectable for tests). */
export function latencyFor(model: LatencyModel | number | undefined, records = 1, random = Math.random): number {
  if (model === undefined) return 0;
  if (typeof model === 'number') return Math.max(0, model);
  const jitter = (model.jitterMs ?? 0) * random();
  return Math.max(0, model.baseMs + (model.perRecordMs ?? 0) * records + jitter);
}
