/**
 * Limits as vendors enforce them, for sandboxes: a rolling window of requests (HubSpot's ten-secondly
 * burst, its 5/s search limit) and a count of simultaneous connections (Mailchimp's 10).
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
