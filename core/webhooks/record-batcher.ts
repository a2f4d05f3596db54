import type { WebhookEvent } from '../sdk/define';
import type {
  RecordBatch,
  RecordManyOptions,
  RecordManyResult,
  WebhookEventsRepo,
} from '../store/repos/webhook-events';

interface Waiting {
  batch: RecordBatch;
  resolve(result: RecordManyResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit for webhook events: deliveries that arrive while a write is in flight are recorded together by
 * the next write, in one statement and one commit, and each caller's promise resolves only once its own events
 * are committed. Durability before the 2xx is unchanged; the commit (an fsync on SQLite) is paid once per group
 * instead of once per request. A failed write fails every delivery of its group (nothing is answered 2xx).
 */
export class RecordBatcher implements Pick<WebhookEventsRepo, 'recordMany'> {
  private queue: Waiting[] = [];
  private running = false;
  /** Groups written so far and the deliveries they carried (their ratio is the mean group size). */
  readonly stats = { groups: 0, deliveries: 0 };

  constructor(
    private readonly repo: Pick<WebhookEventsRepo, 'recordBatches'>,
    /** Events written at most per group; default 1000. */
    private readonly maxEvents = 1000,
  ) {}

  recordMany(
    connectionId: string,
    events: readonly WebhookEvent[],
    options: RecordManyOptions = {},
  ): Promise<RecordManyResult> {
    return new Promise<RecordManyResult>((resolve, reject) => {
      this.queue.push({ batch: { connectionId, events, ...options }, resolve, reject });
      if (!this.running) {
        this.running = true;
        // let the deliveries already parsed in this turn of the event loop join the first group
        setImmediate(() => void this.drain());
      }
    });
  }

  private takeGroup(): Waiting[] {
    let size = 0;
    let count = 0;
    while (
      count < this.queue.length &&
      (count === 0 || size + this.queue[count].batch.events.length <= this.maxEvents)
    ) {
      size += this.queue[count].batch.events.length;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        this.stats.groups++;
        this.stats.deliveries += group.length;
        try {
          const results = await this.repo.recordBatches(group.map((w) => w.batch));
          group.forEach((waiting, i) => waiting.resolve(results[i]));
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
