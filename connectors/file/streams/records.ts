import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, defineStream, type ConnectorLogger, type Json, type Page } from '../../../core/sdk';
import { fileError, targetFile, type TargetFile } from '../client';
import { readCsvHeader, readCsvRows } from '../formats/csv';
import { readNdjsonRows } from '../formats/ndjson';
import type { RowRef } from '../formats/values';
import { FileRecord } from '../schemas/record';
import type { FileSettings } from '../schemas/settings';

/**
 * Stream `records`: the rows of the `path` file, in pages of `pageSize`, streamed (never the whole file in memory).
 * Each page's checkpoint is the byte offset after its last row, so the next read resumes right after the last
 * recorded record, and picks up rows appended since. A file that was replaced (its first bytes changed) or
 * truncated (shorter than the offset) is read again from the start.
 */

/** The checkpoint the runner stores for this stream; a type alias so it is a Json value. */
export type FileCheckpoint = {
  file: string;
  /** Byte offset after the last row read. */
  offset: number;
  /** Line number of the last row read. */
  line: number;
  /** Rows read from the start of the file. */
  records: number;
  size: number;
  mtimeMs: number;
  /** sha256 of the first `headBytes` bytes: tells an appended file from a replaced one. */
  head: string;
  headBytes: number;
};

const HEAD_BYTES = 4096;

async function hashHead(file: string, bytes: number): Promise<string> {
  const buffer = Buffer.alloc(bytes);
  const handle = await fs.promises.open(file, 'r');
  try {
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return createHash('sha256').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

function asCheckpoint(value: Json | null): FileCheckpoint | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const numbers = ['offset', 'line', 'records', 'size', 'mtimeMs', 'headBytes'] as const;
  if (typeof value.file !== 'string' || typeof value.head !== 'string') return undefined;
  if (!numbers.every((k) => typeof value[k] === 'number' && Number.isFinite(value[k]) && (value[k] as number) >= 0))
    return undefined;
  return value as FileCheckpoint;
}

interface Position {
  offset: number;
  line: number;
  records: number;
}

/** Where this read starts: after the checkpoint when it still describes this file, else at the beginning. */
async function startPosition(
  target: TargetFile,
  size: number,
  checkpoint: Json | null,
  log: ConnectorLogger,
): Promise<Position> {
  const fromStart: Position = { offset: 0, line: 0, records: 0 };
  if (checkpoint === null) return fromStart;
  const previous = asCheckpoint(checkpoint);
  let reason: string | undefined;
  if (previous === undefined) reason = 'the checkpoint is not a file checkpoint';
  else if (previous.file !== target.name) reason = `the checkpoint is for ${previous.file}`;
  else if (size < previous.offset) reason = `${target.name} is shorter than the checkpoint (truncated)`;
  else if ((await hashHead(target.absolute, previous.headBytes)) !== previous.head)
    reason = `${target.name} was replaced`;
  if (reason !== undefined || previous === undefined) {
    log.info({ file: target.name, reason }, 'reading the file from the start');
    return fromStart;
  }
  return { offset: previous.offset, line: previous.line, records: previous.records };
}

async function rowsFrom(target: TargetFile, start: Position): Promise<AsyncIterable<RowRef> | RowRef[]> {
  const { absolute, name, options } = target;
  if (target.format === 'ndjson') return readNdjsonRows(absolute, start.offset, start.line, name);
  if (!options.header)
    return readCsvRows(absolute, start.offset, start.line, options.columns ?? [], options.delimiter, name);
  const header = await readCsvHeader(absolute, options.delimiter, name);
  if (header === undefined) return [];
  // a first read starts after the header line
  const after = start.offset >= header.end ? start : { ...start, offset: header.end, line: header.line };
  return readCsvRows(absolute, after.offset, after.line, header.columns, options.delimiter, name);
}

/** Keeps a record unless its modified time is known and older than `since`. */
function modifiedSince(record: Record<string, unknown>, field: string | undefined, since: string | undefined): boolean {
  if (field === undefined || since === undefined) return true;
  const value = record[field];
  if (typeof value !== 'string' || value === '') return true;
  const at = Date.parse(value);
  const from = Date.parse(since);
  return Number.isNaN(at) || Number.isNaN(from) || at >= from;
}

export const records = defineStream<FileSettings, FileRecord>({
  name: 'records',
  title: 'Records',
  description:
    'Rows of the CSV or NDJSON file named by the path setting, in pages of pageSize, resumable by byte offset',
  recordSchema: FileRecord,
  identity: ['id'],
  async *read({ connection, checkpoint, since }): AsyncGenerator<Page<FileRecord>> {
    const target = targetFile(connection.settings, 'path');
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(target.absolute);
    } catch (error) {
      throw fileError(error, target, 'reading');
    }
    if (!stat.isFile()) throw new ConfigError(`path "${target.name}" is not a file`, { field: 'path' });

    const start = await startPosition(target, stat.size, checkpoint, connection.log);
    const heads = new Map<number, string>();
    const checkpointAt = async (at: Position): Promise<FileCheckpoint> => {
      const headBytes = Math.min(HEAD_BYTES, at.offset);
      let head = heads.get(headBytes);
      if (head === undefined) heads.set(headBytes, (head = await hashHead(target.absolute, headBytes)));
      return { file: target.name, ...at, size: stat.size, mtimeMs: stat.mtimeMs, head, headBytes };
    };

    const { pageSize, modifiedField } = target.options;
    let position = start;
    let page: FileRecord[] = [];
    let yielded = false;
    try {
      for await (const row of await rowsFrom(target, start)) {
        position = { offset: row.end, line: row.line, records: position.records + 1 };
        if (modifiedSince(row.record, modifiedField, since)) page.push(row.record);
        if (page.length >= pageSize) {
          yield { records: page, checkpoint: await checkpointAt(position) };
          yielded = true;
          page = [];
          connection.signal?.throwIfAborted();
        }
      }
    } catch (error) {
      // the rows before a broken one are good: hand them over (and their checkpoint) before failing
      if (page.length > 0) yield { records: page, checkpoint: await checkpointAt(position) };
      throw error;
    }
    const last = await checkpointAt(position);
    if (page.length > 0 || (!yielded && !isDeepStrictEqual(last, checkpoint)))
      yield { records: page, checkpoint: last };
  },
});
