import { isDeepStrictEqual } from 'node:util';
import { formatAjvErrors } from '../../registry/validate';
import type { Json } from '../contracts';
import type { ConnectionContext, ConnectorDefinition, StreamDefinition } from '../define';
import {
  clip,
  compile,
  connectionFor,
  fail,
  pass,
  skip,
  text,
  type ConformanceOptions,
  type ConformanceRule,
} from './options';

/** Rules on each stream: reads end, resume from a midway checkpoint, and yield valid records. */

type Row = Record<string, unknown>;

interface Read {
  pages: Array<{ records: Row[]; checkpoint: unknown }>;
  ended: boolean;
  error?: string;
}

async function readPages<S>(
  stream: StreamDefinition<S, object>,
  connection: ConnectionContext<S>,
  checkpoint: Json | null,
  limit: number,
): Promise<Read> {
  const read: Read = { pages: [], ended: false };
  try {
    for await (const page of stream.read({ connection, checkpoint })) {
      if (typeof page !== 'object' || page === null || !Array.isArray(page.records)) {
        read.error = `page ${read.pages.length + 1} is not { records: [], checkpoint }`;
        return read;
      }
      read.pages.push({ records: page.records as Row[], checkpoint: page.checkpoint });
      if (read.pages.length >= limit) return read;
    }
    read.ended = true;
  } catch (error) {
    read.error = `read threw after ${read.pages.length} page(s): ${text(error)}`;
  }
  return read;
}

function checkpointProblem(checkpoint: unknown): string | undefined {
  if (checkpoint === undefined) return 'checkpoint is undefined (use null for "no checkpoint")';
  try {
    const copy: unknown = JSON.parse(JSON.stringify(checkpoint));
    if (isDeepStrictEqual(copy, checkpoint)) return undefined;
  } catch (error) {
    return `checkpoint is not JSON-serialisable: ${text(error)}`;
  }
  return 'checkpoint does not survive a JSON round trip (undefined, Date, Map, class instance…)';
}

function empty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function pagesEndRule<S>(stream: StreamDefinition<S, object>, options: ConformanceOptions<S>): ConformanceRule {
  const limit = options.pageLimit ?? 200;
  return {
    id: 'stream.pages-end',
    subject: stream.name,
    title: 'a read from the start ends',
    run: async () => {
      const read = await readPages(stream, await connectionFor(options.settings), null, limit);
      if (read.error !== undefined) return fail(`a read that ends within ${limit} pages`, read.error);
      return read.ended ? pass : fail(`a read that ends within ${limit} pages`, `still yielding after ${limit} pages`);
    },
  };
}

function recordsValidRule<S>(stream: StreamDefinition<S, object>, options: ConformanceOptions<S>): ConformanceRule {
  const maxPages = options.maxPages ?? 5;
  return {
    id: 'stream.records-valid',
    subject: stream.name,
    title: 'records match the record schema and carry identity and modification-time fields',
    run: async () => {
      const validate = compile(stream.recordSchema);
      const read = await readPages(stream, await connectionFor(options.settings), null, maxPages);
      const problems: string[] = [];
      if (read.error !== undefined && read.pages.length === 0) problems.push(read.error);
      read.pages.forEach((page, p) =>
        page.records.forEach((record, i) => {
          const at = `page ${p + 1} record ${i}`;
          if (!validate(record)) problems.push(`${at}: ${formatAjvErrors(validate.errors).join('; ')}`);
          for (const field of stream.identity)
            if (empty(record[field])) problems.push(`${at}: identity field "${field}" is empty`);
          if (stream.modifiedField !== undefined && empty(record[stream.modifiedField]))
            problems.push(`${at}: modified field "${stream.modifiedField}" is empty`);
        }),
      );
      return problems.length === 0
        ? pass
        : fail('valid records with identity and modification time', clip(problems.slice(0, 10).join('; '), 1000));
    },
  };
}

function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function resumableRule<S>(stream: StreamDefinition<S, object>, options: ConformanceOptions<S>): ConformanceRule {
  const limit = options.pageLimit ?? 200;
  const key = (record: Row) => JSON.stringify(stream.identity.map((field) => record[field]));
  return {
    id: 'stream.resumable',
    subject: stream.name,
    title: 'a read resumed from a midway checkpoint yields exactly the rest',
    run: async () => {
      const connection = await connectionFor(options.settings);
      const full = await readPages(stream, connection, null, limit);
      if (full.error !== undefined || !full.ended) return skip('the first read does not end (see stream.pages-end)');
      for (const [i, page] of full.pages.entries()) {
        const problem = checkpointProblem(page.checkpoint);
        if (problem !== undefined) return fail('JSON checkpoints', `page ${i + 1}: ${problem}`);
      }
      if (full.pages.length < 2)
        return skip(`the read gave ${full.pages.length} page(s); seed more records or lower the page size`);
      const cut = Math.floor(full.pages.length / 2);
      const before = full.pages.slice(0, cut).flatMap((p) => p.records);
      const rest = full.pages.slice(cut).flatMap((p) => p.records);
      const checkpoint = JSON.parse(JSON.stringify(full.pages[cut - 1]!.checkpoint)) as Json;
      const resumed = await readPages(stream, connection, checkpoint, limit);
      if (resumed.error !== undefined) return fail('the resumed read ends', resumed.error);
      if (!resumed.ended) return fail('the resumed read ends', `still yielding after ${limit} pages`);

      // repeats are allowed only inside the look-back: records modified at (or just before) the checkpoint
      const field = stream.modifiedField;
      const times = field === undefined ? [] : before.map((r) => timeOf(r[field])).filter((t) => t !== undefined);
      const boundary = times.length > 0 ? Math.max(...times) - (options.lookBackMs ?? 0) : Infinity;
      const overlap = options.lookBackRecords ?? 0;
      const overlapKeys = new Set(overlap > 0 ? before.slice(-overlap).map(key) : []);
      const beforeKeys = new Set(before.map(key));
      const restKeys = new Set(rest.map(key));
      const seen = new Set<string>();
      const repeated: string[] = [];
      for (const record of resumed.pages.flatMap((p) => p.records)) {
        const k = key(record);
        const again = seen.has(k) || (beforeKeys.has(k) && !restKeys.has(k));
        seen.add(k);
        const t = field === undefined ? undefined : timeOf(record[field]);
        if (again && !(t !== undefined && t >= boundary) && !overlapKeys.has(k)) repeated.push(k);
      }
      const lost = [...restKeys].filter((k) => !seen.has(k));
      if (lost.length === 0 && repeated.length === 0) return pass;
      const expected = `the ${restKeys.size} record(s) after page ${cut} of ${full.pages.length}, nothing else`;
      const parts = [];
      if (lost.length > 0) parts.push(`${lost.length} lost (${clip(lost.slice(0, 5).join(', '), 200)})`);
      if (repeated.length > 0)
        parts.push(`${repeated.length} repeated beyond the look-back (${clip(repeated.slice(0, 5).join(', '), 200)})`);
      return fail(expected, parts.join('; '));
    },
  };
}

/**
 * After a complete read and no changes at the vendor, the next read from the final checkpoint returns at most the
 * look-back window: records modified within `lookBackMs` of the newest one read, or among the last
 * `lookBackRecords`. A checkpoint at "the newest modification seen" or "the read's start minus the look-back" passes;
 * one that stays behind (or none: null) makes every rerun read everything, which this rule fails.
 */
function rerunReadsLittleRule<S>(stream: StreamDefinition<S, object>, options: ConformanceOptions<S>): ConformanceRule {
  const limit = options.pageLimit ?? 200;
  const key = (record: Row) => JSON.stringify(stream.identity.map((field) => record[field]));
  return {
    id: 'stream.rerun-reads-little',
    subject: stream.name,
    title: 'after a complete read and no changes, the next read returns at most the look-back window',
    run: async () => {
      const exempt = options.fullReadStreams?.[stream.name];
      if (exempt !== undefined) return skip(`a full read each time: ${exempt}`);
      const connection = await connectionFor(options.settings);
      const full = await readPages(stream, connection, null, limit);
      if (full.error !== undefined || !full.ended) return skip('the first read does not end (see stream.pages-end)');
      const all = full.pages.flatMap((p) => p.records);
      if (all.length === 0) return skip('the sandbox holds no records for this stream; seed some');
      const last = full.pages.at(-1)!.checkpoint;
      if (last === null || last === undefined)
        return fail(
          'a final checkpoint after a complete read',
          'the read ended with checkpoint null, so every run reads everything again (or list the stream in fullReadStreams with the reason)',
        );
      const again = await readPages(stream, connection, JSON.parse(JSON.stringify(last)) as Json, limit);
      if (again.error !== undefined) return fail('the second read ends', again.error);
      const field = stream.modifiedField;
      const times = field === undefined ? [] : all.map((r) => timeOf(r[field])).filter((t) => t !== undefined);
      const boundary = times.length > 0 ? Math.max(...times) - (options.lookBackMs ?? 0) : Infinity;
      const overlap = options.lookBackRecords ?? 0;
      const tail = new Set(overlap > 0 ? all.slice(-overlap).map(key) : []);
      const beyond = again.pages
        .flatMap((p) => p.records)
        .filter((record) => {
          const t = field === undefined ? undefined : timeOf(record[field]);
          return !(t !== undefined && t >= boundary) && !tail.has(key(record));
        });
      if (beyond.length === 0) return pass;
      return fail(
        'only records inside the look-back window',
        `${beyond.length} of ${all.length} record(s) read again from the final checkpoint (${clip(beyond.slice(0, 5).map(key).join(', '), 200)})`,
      );
    },
  };
}

export function streamRules<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule[] {
  return definition.streams.flatMap((stream) => [
    pagesEndRule(stream, options),
    resumableRule(stream, options),
    rerunReadsLittleRule(stream, options),
    recordsValidRule(stream, options),
  ]);
}
