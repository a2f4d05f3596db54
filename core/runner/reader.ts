import type { Json, Page } from '../sdk/contracts';
import { toErrorInfo } from '../sdk/errors';
import type { SourceSide } from './context';
import type { RunnerCore } from './core';
import { abortReason, throwIfAborted } from './deps';
import { RunStopError } from './errors';
import type { SourceRecord } from './hashing';
import { backoffDelay, maxElapsedOf } from './retry';
import { pauseFor, stopError, withBudget } from './writer';

/**
 * Reads a stream page by page, ahead of the page being processed (one page, or up to `readAheadRecords`); every page
 * request holds a slot of the source connection's budget. A read that
 * fails is started again from the last recorded checkpoint (a stream iterator cannot be resumed after it threw):
 * a 429 pauses the connection without using an attempt, a retryable error backs off, up to the flow's attempts.
 */

export interface ReadOptions {
  signal?: AbortSignal;
  maxAttempts: number;
  /** Where a (re)started read begins: the last recorded checkpoint (mirror mode: always null). */
  checkpoint: () => Json | null;
  /** Called for each page in order; its errors end the read and propagate as they are. */
  onPage: (page: Page<SourceRecord>) => Promise<'continue' | 'stop'>;
  since?: string;
  /** The checkpoint lies in the future (read-start.ts): read nothing, the read is complete. */
  readNothing?: boolean;
  /**
   * How many records read but not yet handed to `onPage` the reader may hold while `onPage` works (default 1: one
   * page ahead). The runner passes its merge threshold (core/runner/coalesce.ts), so the read goes on while a
   * merged unit is mapped, written and recorded, instead of stalling once per unit for the target's latency.
   */
  readAheadRecords?: number;
}

export type ReadEnd = 'complete' | 'stopped';

type Fetched = IteratorResult<Page<object>>;

/**
 * Pages requested ahead of the consumer, one request at a time (a stream's iterator is never asked twice at once),
 * for as long as fewer than `limit` records are waiting; handed out in read order. A failed request is handed out
 * in its place, after the pages read before it (the read then restarts from the last recorded checkpoint, as
 * before); nothing is requested after it or after the end. A stream must not change a page it has yielded.
 */
class ReadAhead {
  private readonly queue: Promise<Fetched>[] = [];
  private waiting = 0;
  private inFlight = false;
  private ended = false;

  constructor(
    private readonly fetch: () => Promise<Fetched>,
    private readonly limit: number,
  ) {
    this.pump();
  }

  /** The next page in read order (or the end, or the read's failure). */
  async next(): Promise<Fetched> {
    const request = this.queue.shift();
    if (request === undefined) throw new Error('read-ahead: nothing requested (a bug in the reader)');
    const fetched = await request;
    if (!fetched.done) this.waiting -= sizeOf(fetched.value);
    this.pump();
    return fetched;
  }

  /** No more requests (the read stopped or failed): one already in flight is left to settle. */
  stop(): void {
    this.ended = true;
  }

  private pump(): void {
    if (this.inFlight || this.ended || this.waiting >= this.limit) return;
    this.inFlight = true;
    const request = this.fetch();
    // observed where it is handed out; a read that stops first never awaits it
    request.catch(() => undefined);
    this.queue.push(request);
    // registered before any consumer awaits this request, so the count is up to date when it is handed out
    request.then(
      (fetched) => {
        this.inFlight = false;
        if (fetched.done) this.ended = true;
        else this.waiting += sizeOf(fetched.value);
        this.pump();
      },
      () => {
        this.inFlight = false;
        this.ended = true;
      },
    );
  }
}

function sizeOf(value: unknown): number {
  const page = value as Partial<Page<object>> | undefined;
  const records = Array.isArray(page?.records) ? page.records.length : 0;
  const rejected = Array.isArray(page?.rejected) ? page.rejected.length : 0;
  // an empty page still counts as one, so a stream of empty pages cannot be read without bound
  return Math.max(1, records + rejected);
}

class PageError extends Error {
  constructor(readonly error: unknown) {
    super('page handler failed');
  }
}

function checkPage(value: unknown, stream: string): Page<SourceRecord> {
  const page = value as Page<SourceRecord> | undefined;
  if (typeof page !== 'object' || page === null || !Array.isArray(page.records)) {
    throw new RunStopError({
      kind: 'permanent',
      message: `stream "${stream}" yielded something that is not a page ({ records: [], checkpoint })`,
    });
  }
  const checked: Page<SourceRecord> = {
    records: page.records,
    checkpoint: page.checkpoint === undefined ? null : page.checkpoint,
  };
  // rows the stream could not read as records: dead-lettered with the page (core/runner/page-processor.ts)
  if (Array.isArray(page.rejected) && page.rejected.length > 0) checked.rejected = page.rejected;
  return checked;
}

/** Reads until the stream is exhausted ('complete') or `onPage` asks to stop ('stopped'). */
export async function readPages(core: RunnerCore, side: SourceSide, options: ReadOptions): Promise<ReadEnd> {
  const { signal } = options;
  if (options.readNothing) return 'complete';
  let failures = 0;
  let waited = 0;
  let renewed = false;
  const retry = side.retry ?? core.retry;
  for (;;) {
    throwIfAborted(signal);
    let readError: unknown;
    let iterator: AsyncIterator<Page<object>> | undefined;
    try {
      const pages = side.stream.read({
        connection: side.context,
        checkpoint: options.checkpoint(),
        ...(options.since === undefined ? {} : { since: options.since }),
      });
      const it = pages[Symbol.asyncIterator]();
      iterator = it;
      const ahead = new ReadAhead(
        () =>
          withBudget(
            core,
            side,
            signal,
            async () => {
              await side.tokens?.beforeRequest();
              return it.next();
            },
            'read',
          ),
        options.readAheadRecords ?? 1,
      );
      try {
        for (;;) {
          throwIfAborted(signal);
          const next = await ahead.next();
          if (next.done) return 'complete';
          const page = checkPage(next.value, side.stream.name);
          let verdict: 'continue' | 'stop';
          try {
            verdict = await options.onPage(page);
          } catch (error) {
            throw new PageError(error);
          }
          if (verdict === 'stop') return 'stopped';
        }
      } finally {
        ahead.stop();
      }
    } catch (error) {
      if (error instanceof PageError) throw error.error;
      if (error instanceof RunStopError) throw error;
      readError = error;
    } finally {
      await iterator?.return?.()?.catch(() => undefined);
    }
    if (signal?.aborted) throw abortReason(signal);
    const info = toErrorInfo(readError);
    if (info.kind === 'rate_limited') {
      await pauseFor(core, side, info, `reading ${side.stream.name}`);
      continue;
    }
    // a refused token is refreshed once and the read resumed from the last recorded checkpoint
    if (info.kind === 'auth' && !renewed && (await side.tokens?.renewAfterRefusal())) {
      renewed = true;
      continue;
    }
    if (info.kind === 'auth' || info.kind === 'config') throw stopError(info, side);
    if (info.kind === 'permanent') {
      throw new RunStopError({ ...info, message: `reading stream "${side.stream.name}" failed: ${info.message}` });
    }
    failures += 1;
    const waitMs = backoffDelay(failures, retry, core.random, info.retryAfterMs ?? 0);
    // retried over the connection's retry window (and up to the flow's attempts when it sets them)
    if (failures >= options.maxAttempts || waited + waitMs > maxElapsedOf(retry)) {
      throw new RunStopError({
        ...info,
        message: `reading stream "${side.stream.name}" failed ${failures} times: ${info.message}`,
      });
    }
    waited += waitMs;
    core.logger.warn(
      { connection: side.connectionName, stream: side.stream.name, attempt: failures, waitMs, reason: info.message },
      'reading the stream failed; reading again from the last recorded checkpoint after a backoff',
    );
    await core.sleep(waitMs, signal);
  }
}
