import { Worker } from 'node:worker_threads';
import type { Store } from '../store/open';
import {
  planEventRows,
  settleEventRows,
  type RecordBatch,
  type RecordManyResult,
  type WebhookEventsRepo,
} from '../store/repos/webhook-events';
import { SQLITE_BUSY_TIMEOUT_MS } from '../store/sqlite-driver';

/** Values per row in a message to the writer thread: id, connection, webhook, event id, payload, received at. */
const FIELDS = 6;

/**
 * The writer thread, plain JavaScript (evaluated, so it runs the same under tsx, ts-jest and the compiled build).
 * Its own connection to the store's file; every group is one `BEGIN IMMEDIATE … COMMIT` with a prepared INSERT per
 * row, and ROLLBACK on any failure, so a group is recorded whole or not at all. `synchronous` stays at SQLite's
 * default (FULL): the commit returns only once the WAL is fsynced, as on the hub's main connection.
 */
const WRITER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
let db;
let insert;
let mark;
function open() {
  const opened = new DatabaseSync(workerData.file, { enableForeignKeyConstraints: true });
  try {
    opened.exec('PRAGMA busy_timeout = ' + workerData.busyTimeoutMs);
    insert = opened.prepare(
      'insert into webhook_events (id, connection_id, webhook, event_id, payload_json, received_at, processed_at) ' +
        'values (?, ?, ?, ?, ?, ?, null) on conflict (connection_id, event_id) do nothing',
    );
    mark = opened.prepare('update webhook_events set processed_at = ? where id = ? and processed_at is null');
  } catch (error) {
    opened.close();
    throw error;
  }
  db = opened;
}
parentPort.on('message', (message) => {
  if (message.close) {
    if (db) db.close();
    parentPort.close();
    return;
  }
  try {
    if (!db) open();
    const rows = message.rows;
    const processed = message.processed;
    const inserted = new Uint8Array(rows.length / ${FIELDS});
    const marked = new Uint8Array(processed.length);
    db.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0, k = 0; i < inserted.length; i++, k += ${FIELDS}) {
        const { changes } = insert.run(rows[k], rows[k + 1], rows[k + 2], rows[k + 3], rows[k + 4], rows[k + 5]);
        inserted[i] = Number(changes) > 0 ? 1 : 0;
      }
      for (let i = 0; i < processed.length; i++) marked[i] = Number(mark.run(message.now, processed[i]).changes) > 0 ? 1 : 0;
      db.exec('COMMIT');
    } catch (error) {
      try { db.exec('ROLLBACK'); } catch { /* SQLite already rolled back */ }
      throw error;
    }
    parentPort.postMessage({ seq: message.seq, inserted, marked });
  } catch (error) {
    parentPort.postMessage({ seq: message.seq, error: error && error.message ? error.message : String(error) });
  }
});
`;

interface Reply {
  seq: number;
  inserted?: Uint8Array;
  /** Per id of `processed`: 1 when it was still pending. */
  marked?: Uint8Array;
  error?: string;
}

interface InFlight {
  resolve(inserted: Uint8Array): void;
  reject(error: Error): void;
  /** The marks that rode along in this transaction. */
  marks: Mark[];
}

/** A `markProcessed` call waiting for the transaction that carries it. */
interface Mark {
  ids: readonly string[];
  resolve(marked: number): void;
  reject(error: Error): void;
}

interface WriterThread {
  worker: Worker;
  /** Groups sent to this thread and not answered yet, by sequence number. */
  inFlight: Map<number, InFlight>;
}

export interface SqliteEventWriterOptions {
  /** How long a group waits for another connection's write lock before failing (then answered 5xx); default 5 s. */
  busyTimeoutMs?: number;
}

/**
 * Records webhook events on SQLite from a worker thread. node:sqlite is synchronous: a commit on the hub's own
 * connection blocks the event loop for the whole fsync (≈ 2.6 ms on the development machine, a third of the
 * ingress's time at 700 requests/s in the CPU profile), and no request is read or answered meanwhile. Here the
 * thread that answers requests only prepares the rows; the insert and the fsync run on the writer's own connection
 * to the same file (WAL: the hub's connection reads what it committed as soon as it is committed). A caller's
 * promise resolves only after COMMIT returned, so "durable before 2xx" holds as before; a failed group rejects.
 *
 * The hub's connection and the writer take SQLite's write lock in turn: a write on either waits (busy_timeout) while
 * the other holds it, as two hub processes on one file do. The writer thread starts on first use and does not keep
 * the process alive while idle.
 */
export class SqliteEventWriter implements Pick<WebhookEventsRepo, 'recordBatches' | 'markProcessed'> {
  #thread: WriterThread | undefined;
  #seq = 0;
  #closed = false;
  /** Marks not sent yet: they ride in the next group's transaction, or go alone once the writer is idle. */
  #marks: Mark[] = [];
  #flushScheduled = false;

  constructor(
    /** The store's SQLite file (not ':memory:', which another connection cannot see). */
    private readonly file: string,
    private readonly options: SqliteEventWriterOptions = {},
  ) {
    if (file === ':memory:') throw new Error('SqliteEventWriter needs a SQLite file; an in-memory store is not shared');
  }

  async recordBatches(batches: readonly RecordBatch[]): Promise<RecordManyResult[]> {
    const plan = planEventRows(batches);
    if (plan.rows.length === 0) return settleEventRows(plan, new Uint8Array(0));
    const values: (string | number)[] = new Array<string | number>(plan.rows.length * FIELDS);
    let k = 0;
    for (const row of plan.rows) {
      values[k++] = row.id;
      values[k++] = row.connectionId;
      values[k++] = row.webhook;
      values[k++] = row.eventId;
      values[k++] = row.payloadJson;
      values[k++] = row.receivedAt;
    }
    const inserted = await this.#send(values);
    return settleEventRows(plan, inserted);
  }

  /**
   * Sends the waiting marks alone, a turn later (a group of events sent meanwhile takes them along instead), when
   * the writer has nothing in flight; while it has, the reply schedules this again.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => {
      this.#flushScheduled = false;
      const thread = this.#thread;
      if (this.#marks.length > 0 && (!thread || thread.inFlight.size === 0)) this.#send([]).catch(() => undefined);
    });
  }

  /**
   * Marks events (by row id) processed on the writer's connection, in the same transaction as the next group of
   * events (no commit of its own on the thread that answers requests, and none of its own at all while
   * deliveries keep coming); resolves once that transaction is committed, with how many were still pending. A
   * failed transaction rejects it: the events stay pending, and a later pass marks them.
   */
  markProcessed(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return Promise.resolve(0);
    if (this.#closed) return Promise.reject(new Error('the webhook event writer is closed'));
    return new Promise<number>((resolve, reject) => {
      this.#marks.push({ ids, resolve, reject });
      const thread = this.#thread;
      if (!thread || thread.inFlight.size === 0) this.#scheduleFlush();
    });
  }

  /** Stops the writer thread once the groups in flight are answered. */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new Error('the webhook event writer is closed');
    for (const mark of this.#marks.splice(0)) mark.reject(error);
    const thread = this.#thread;
    if (!thread) return;
    const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
    thread.worker.ref();
    thread.worker.postMessage({ close: true });
    await exited;
  }

  #send(rows: (string | number)[]): Promise<Uint8Array> {
    if (this.#closed) {
      const error = new Error('the webhook event writer is closed');
      for (const mark of this.#marks.splice(0)) mark.reject(error);
      return Promise.reject(error);
    }
    const { worker, inFlight } = this.#thread ?? this.#start();
    const seq = ++this.#seq;
    const marks = this.#marks;
    this.#marks = [];
    const processed = marks.length === 1 ? marks[0].ids : marks.flatMap((m) => m.ids);
    return new Promise<Uint8Array>((resolve, reject) => {
      if (inFlight.size === 0) worker.ref();
      inFlight.set(seq, { resolve, reject, marks });
      worker.postMessage({ seq, rows, processed, now: Date.now() });
    });
  }

  #start(): WriterThread {
    const worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: { file: this.file, busyTimeoutMs: this.options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS },
    });
    // each thread answers only its own groups: a thread that stopped cannot refuse those of its successor
    const thread: WriterThread = { worker, inFlight: new Map() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = thread.inFlight.get(reply.seq);
      if (!waiting) return;
      thread.inFlight.delete(reply.seq);
      if (thread.inFlight.size === 0) {
        worker.unref();
        if (this.#marks.length > 0) this.#scheduleFlush();
      }
      if (reply.inserted) {
        waiting.resolve(reply.inserted);
        let at = 0;
        for (const mark of waiting.marks) {
          let marked = 0;
          for (let i = 0; i < mark.ids.length; i++) marked += reply.marked?.[at + i] ?? 0;
          at += mark.ids.length;
          mark.resolve(marked);
        }
      } else {
        const error = new Error(`webhook events not recorded: ${reply.error ?? 'unknown error'}`);
        waiting.reject(error);
        for (const mark of waiting.marks) mark.reject(error);
      }
    });
    const stopped = (reason: string) => {
      if (this.#thread === thread) this.#thread = undefined;
      // a group the thread did not answer counts as not recorded for its callers (5xx, the vendor retries; a
      // redelivery of what was in fact committed is then answered as a duplicate): refuse them all
      for (const waiting of thread.inFlight.values()) {
        const error = new Error(`webhook event writer ${reason}`);
        waiting.reject(error);
        for (const mark of waiting.marks) mark.reject(error);
      }
      thread.inFlight.clear();
    };
    worker.on('error', (error) => stopped(`failed: ${error.message}`));
    worker.on('exit', (code) => stopped(`stopped (exit code ${code})`));
    this.#thread = thread;
    return thread;
  }
}

/**
 * Where the ingress records events: on a SQLite file, a writer thread (SqliteEventWriter); otherwise (PostgreSQL,
 * whose driver never blocks the event loop, or an in-memory SQLite store in tests) the repository itself.
 */
export function webhookEventRecorder(
  store: Pick<Store, 'engine' | 'location'>,
  repo: Pick<WebhookEventsRepo, 'recordBatches' | 'markProcessed'>,
): Pick<WebhookEventsRepo, 'recordBatches' | 'markProcessed'> {
  return store.engine === 'sqlite' && store.location !== ':memory:' ? new SqliteEventWriter(store.location) : repo;
}
