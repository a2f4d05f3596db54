/** What the ingress tells once events are recorded (WebhookIngressDeps.onAccepted). */
export type OnAccepted = (connectionId: string, eventIds: string[]) => void | Promise<void>;

interface Waiting {
  ids: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for `onAccepted`: one call at a time per connection. Deliveries accepted while a call for their
 * connection runs wait and are told together in the next call (their ids concatenated, in arrival order); each
 * caller's promise settles when the call that carried its ids returns. Every call starts after the events it
 * carries were recorded, so what it reads (the webhook trigger reads the connection's pending events) includes
 * them. Without this, a burst of N deliveries made N trigger passes, each reading the pending events and writing
 * them processed: two extra statements and a commit per delivery on the hub's connection, which doubled the
 * ingress's CPU per request (bench/webhooks.ts with BENCH_TRIGGER=flow).
 */
export class AcceptedLanes {
  private readonly lanes = new Map<string, Waiting[]>();

  constructor(private readonly onAccepted: OnAccepted) {}

  tell(connectionId: string, ids: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiting = this.lanes.get(connectionId);
      if (waiting) waiting.push({ ids, resolve, reject });
      else {
        this.lanes.set(connectionId, []);
        // the first delivery is told at once; later ones queue behind its call
        void this.drain(connectionId, [{ ids, resolve, reject }]);
      }
    });
  }

  private async drain(connectionId: string, first: Waiting[]): Promise<void> {
    let group = first;
    try {
      while (group.length > 0) {
        try {
          await this.onAccepted(connectionId, group.length === 1 ? group[0].ids : group.flatMap((w) => w.ids));
          for (const waiting of group) waiting.resolve();
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
        const queued = this.lanes.get(connectionId) ?? [];
        group = queued.splice(0);
      }
    } finally {
      this.lanes.delete(connectionId);
    }
  }
}
