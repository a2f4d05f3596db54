import { createHash } from 'node:crypto';

/**
 * In-process request throttles, per HubSpot account (base URL + token), for calls no runner drives (a connection
 * check, direct use of the client): the CRM search limit of 5 requests per second and the burst budget of a tier
 * below the default's (free/starter 100, public OAuth apps 110 per 10 s). When the runner hands the connection's
 * shared budget over (`connection.budget`), the tier burst and the search lane are held there instead, on every
 * worker alike (policy.ts, client.ts).
 *
 * A slot is held from the moment a request is sent until its response arrives, and then counts for `intervalMs`
 * from the response time. HubSpot stamps a request somewhere between those two moments, so counting from the
 * response keeps us inside its window however long the request took.
 */
export class RollingThrottle {
  /** Response times of recent requests; Infinity while a request is in flight. */
  private stamps: number[] = [];

  constructor(
    readonly limit: number,
    readonly intervalMs: number,
  ) {}

  /** Waits for a free slot; returns the function that marks the request answered. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      const now = Date.now();
      this.stamps = this.stamps.filter((t) => t > now - this.intervalMs);
      if (this.stamps.length < this.limit) {
        this.stamps.push(Number.POSITIVE_INFINITY);
        let released = false;
        return () => {
          if (released) return;
          released = true;
          const index = this.stamps.indexOf(Number.POSITIVE_INFINITY);
          if (index >= 0) this.stamps[index] = Date.now();
        };
      }
      const finite = this.stamps.filter(Number.isFinite);
      const wait = finite.length === 0 ? 20 : Math.max(1, Math.min(...finite) + this.intervalMs - now + 1);
      await sleep(wait, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface AccountThrottles {
  burst: RollingThrottle;
  search: RollingThrottle;
}

const registry = new Map<string, AccountThrottles>();

/** The throttles of one account, shared by every client of this process that talks to it with the same limits. */
export function throttlesFor(baseUrl: string, token: string, burstPer10s: number, searchPerSecond: number) {
  // keyed by a hash: the token itself is kept nowhere but in the connection settings
  const tokenHash = createHash('sha256').update(token).digest('hex').slice(0, 24);
  const key = `${baseUrl}\u0000${tokenHash}\u0000${burstPer10s}\u0000${searchPerSecond}`;
  let found = registry.get(key);
  if (found === undefined) {
    found = { burst: new RollingThrottle(burstPer10s, 10_000), search: new RollingThrottle(searchPerSecond, 1_000) };
    registry.set(key, found);
  }
  return found;
}
