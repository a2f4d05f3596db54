import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';

/**
 * The destination of the integration tests: a small HTTP server on 127.0.0.1, shared by every worker process
 * through the `sink` plugin fixture (test/fixtures/plugins/sink). POST /upsert { records } upserts each record by
 * `id` and answers one outcome per record; the server counts every call and every create, update and redundant
 * write (a record sent again with the content it already has: an at-least-once re-delivery), and keeps the final
 * state of each record.
 */

export interface SinkCounts {
  /** POST /upsert requests. */
  calls: number;
  /** Records received, in all calls. */
  received: number;
  created: number;
  /** Writes that changed an existing record. */
  updated: number;
  /** Writes of a record with exactly the content it already had. */
  redundant: number;
}

export interface SinkServer {
  url: string;
  records: Map<string, Record<string, unknown>>;
  counts: SinkCounts;
  /** Writes received per record id. */
  writesById: Map<string, number>;
  /** Delay before each /upsert answer (after the upsert was applied), to spread a run over time. */
  latencyMs: number;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startSinkServer(options: { latencyMs?: number } = {}): Promise<SinkServer> {
  const records = new Map<string, Record<string, unknown>>();
  const writesById = new Map<string, number>();
  const counts: SinkCounts = { calls: 0, received: 0, created: 0, updated: 0, redundant: 0 };
  /** Answers held back by the latency (released at close). */
  const waiting = new Set<() => void>();

  const upsert = (record: unknown) => {
    if (typeof record !== 'object' || record === null || typeof (record as { id?: unknown }).id !== 'string') {
      return { status: 'failed', failure: 'permanent', reason: 'the record has no string id', field: 'id' };
    }
    const value = record as Record<string, unknown>;
    const id = value.id as string;
    const existing = records.get(id);
    writesById.set(id, (writesById.get(id) ?? 0) + 1);
    if (existing === undefined) counts.created += 1;
    else if (isDeepStrictEqual(existing, value)) counts.redundant += 1;
    else counts.updated += 1;
    records.set(id, value);
    return { status: 'ok', targetId: id, operation: existing === undefined ? 'created' : 'updated' };
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.method !== 'POST') return answer(405, { error: 'POST only' });
      if (req.url === '/ping') return answer(200, { ok: true });
      if (req.url !== '/upsert') return answer(404, { error: 'not found' });
      const input = (JSON.parse(body) as { records?: unknown }).records;
      if (!Array.isArray(input)) return answer(400, { error: 'records must be an array' });
      counts.calls += 1;
      counts.received += input.length;
      const outcomes = input.map(upsert);
      if (sink.latencyMs > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, sink.latencyMs);
          function done() {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          }
          waiting.add(done);
        });
      }
      answer(200, { outcomes });
    })().catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const sink: SinkServer = {
    url: `http://127.0.0.1:${port}/`,
    records,
    counts,
    writesById,
    latencyMs: options.latencyMs ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const release of [...waiting]) release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sink;
}
