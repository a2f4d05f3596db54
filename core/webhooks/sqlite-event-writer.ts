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
function open() {
  const opened = new DatabaseSync(workerData.file, { enableForeignKeyConstraints: true });
  try {
    opened.exec('PRAGMA busy_timeout = ' + workerData.busyTimeoutMs);
    insert = opened.prepare(
      'insert into webhook_events (id, connection_id, webhook, event_id, payload_json, received_at, processed_at) ' +
        'values (?, ?, ?, ?, ?, ?, null) on conflict (connection_id, event_id) do nothing',
    );
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
    const inserted = new Uint8Array(rows.length / ${FIELDS});
    db.exec('BEGIN IMMEDIATE');
    try {
      for (let i = 0, k = 0; i < inserted.length; i++, k += ${FIELDS}) {
        const { changes } = insert.run(rows[k], rows[k + 1], rows[k + 2], rows[k + 3], rows[k + 4], rows[k + 5]);
        inserted[i] = Number(changes) > 0 ? 1 : 0;
      }
      db.exec('COMMIT');
    } catch (error) {
      try { db.exec('ROLLBACK'); } catch { /* SQLite already rolled back */ }
      throw error;
    }
    parentPort.postMessage({ seq: message.seq, inserted });
  } catch (error) {
    parentPort.postMessage({ seq: message.seq, error: error && error.message ? error.message : String(error) });
  }
});
`;

interface Reply {
  seq: number;
  inserted?: Uint8Array;
  error?: string;
}

interface InFlight {
  resolve(inserted: Uint8Array): void;
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
export class SqliteEventWriter implements Pick<WebhookEventsRepo, 'recordBatches'> {
  #thread: WriterThread | undefined;
  #seq = 0;
  #closed = false;

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

  /** Stops the writer thread once the groups in flight are answered. */
  async close(): Promise<void> {
    this.#closed = true;
    const thread = this.#thread;
    if (!thread) return;
    const exited = new Promise<void>((resolve) => thread.worker.once('exit', () => resolve()));
    thread.worker.ref();
    thread.worker.postMessage({ close: true });
    await exited;
  }

  #send(rows: (string | number)[]): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error('the webhook event writer is closed'));
    const { worker, inFlight } = this.#thread ?? this.#start();
    const seq = ++this.#seq;
    return new Promise<Uint8Array>((resolve, reject) => {
      if (inFlight.size === 0) worker.ref();
      inFlight.set(seq, { resolve, reject });
      worker.postMessage({ seq, rows });
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
      if (thread.inFlight.size === 0) worker.unref();
      if (reply.inserted) waiting.resolve(reply.inserted);
      else waiting.reject(new Error(`webhook events not recorded: ${reply.error ?? 'unknown error'}`));
    });
    const stopped = (reason: string) => {
      if (this.#thread === thread) this.#thread = undefined;
      // a group the thread did not answer counts as not recorded for its callers (5xx, the vendor retries; a
      // redelivery of what was in fact committed is then answered as a duplicate): refuse them all
      for (const waiting of thread.inFlight.values()) waiting.reject(new Error(`webhook event writer ${reason}`));
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
  repo: Pick<WebhookEventsRepo, 'recordBatches'>,
): Pick<WebhookEventsRepo, 'recordBatches'> {
  return store.engine === 'sqlite' && store.location !== ':memory:' ? new SqliteEventWriter(store.location) : repo;
}
