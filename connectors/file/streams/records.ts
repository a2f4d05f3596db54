import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  ConfigError,
  defineStream,
  type ConnectorLogger,
  type Json,
  type Page,
  type Refetched,
  type RejectedRecord,
} from '../../../core/sdk';
import { fileError, targetFile, type TargetFile } from '../client';
import { LINE_FIELD, csvDialect, describeDialect, readCsvHeader, readCsvRows, type CsvDialect } from '../formats/csv';
import { readNdjsonRows } from '../formats/ndjson';
import type { Encoding } from '../formats/text';
import type { FileRow, RejectedRow } from '../formats/values';
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
  /** CSV: how the file is read (detected or set), kept so a resumed read parses alike. */
  encoding?: Encoding;
  bom?: number;
  delimiter?: string;
  /** CSV: the dialect in words, for the run summary (`UTF-8 with BOM, delimiter semicolon`). */
  readAs?: string;
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
  dialect: CsvDialect | undefined,
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
  // the connection now reads the file differently (a fixed delimiter or encoding): rows read before were
  // mis-read, so read it all again (rows already written cost nothing; dead-lettered ones are read right)
  else if (
    dialect !== undefined &&
    previous.delimiter !== undefined &&
    (previous.delimiter !== dialect.delimiter || previous.encoding !== dialect.encoding.encoding)
  )
    reason = `${target.name} is now read as ${describeDialect(dialect)}`;
  if (reason !== undefined || previous === undefined) {
    log.info({ file: target.name, reason }, 'reading the file from the start');
    return fromStart;
  }
  return { offset: previous.offset, line: previous.line, records: previous.records };
}

/** How a CSV file is read: the settings' delimiter and encoding, else detected (the same for the same file head). */
function dialectOf(target: TargetFile): Promise<CsvDialect> {
  return csvDialect(target.absolute, target.options, ',', target.name);
}

interface Source {
  rows: AsyncIterable<FileRow> | FileRow[];
  dialect?: CsvDialect;
}

async function rowsFrom(target: TargetFile, start: Position, dialect: CsvDialect | undefined): Promise<Source> {
  const { absolute, name, options } = target;
  if (target.format === 'ndjson' || dialect === undefined)
    return { rows: readNdjsonRows(absolute, start.offset, start.line, name) };
  if (!options.header)
    return { rows: readCsvRows(absolute, start.offset, start.line, options.columns ?? [], dialect, name), dialect };
  const header = await readCsvHeader(absolute, dialect, name);
  if (header === undefined) return { rows: [], dialect };
  // a first read starts after the header line
  const after = start.offset >= header.end ? start : { ...start, offset: header.end, line: header.line };
  return { rows: readCsvRows(absolute, after.offset, after.line, header.columns, dialect, name), dialect };
}

/** A rejected row as the runner dead-letters it: the reason, and its line and raw text as the source. */
function rejectedRecord(row: RejectedRow): RejectedRecord {
  return { reason: row.rejected.reason, source: { [LINE_FIELD]: row.rejected.line, raw: row.rejected.raw } };
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

    const dialect = target.format === 'csv' ? await dialectOf(target) : undefined;
    const start = await startPosition(target, stat.size, checkpoint, connection.log, dialect);
    const dialectFields = dialect && {
      encoding: dialect.encoding.encoding,
      bom: dialect.encoding.bom,
      delimiter: dialect.delimiter,
      readAs: `${target.name}: ${describeDialect(dialect)}`,
    };
    if (dialectFields !== undefined && start.offset === 0)
      connection.log.info({ file: target.name }, `reading ${dialectFields.readAs}`);
    const heads = new Map<number, string>();
    const checkpointAt = async (at: Position): Promise<FileCheckpoint> => {
      const headBytes = Math.min(HEAD_BYTES, at.offset);
      let head = heads.get(headBytes);
      if (head === undefined) heads.set(headBytes, (head = await hashHead(target.absolute, headBytes)));
      return { file: target.name, ...at, size: stat.size, mtimeMs: stat.mtimeMs, head, headBytes, ...dialectFields };
    };

    const { pageSize, modifiedField } = target.options;
    let position = start;
    let page: FileRecord[] = [];
    let rejected: RejectedRecord[] = [];
    let yielded = false;
    const pageOf = async (): Promise<Page<FileRecord>> => {
      const out: Page<FileRecord> = { records: page, checkpoint: await checkpointAt(position) };
      if (rejected.length > 0) out.rejected = rejected;
      page = [];
      rejected = [];
      return out;
    };
    const { rows } = await rowsFrom(target, start, dialect);
    try {
      for await (const row of rows) {
        position = { offset: row.end, line: row.line, records: position.records + 1 };
        if ('rejected' in row) rejected.push(rejectedRecord(row));
        else if (modifiedSince(row.record, modifiedField, since)) page.push(row.record);
        if (page.length + rejected.length >= pageSize) {
          yield await pageOf();
          yielded = true;
          connection.signal?.throwIfAborted();
        }
      }
    } catch (error) {
      // the rows before a broken file part are good: hand them over (and their checkpoint) before failing
      if (page.length > 0 || rejected.length > 0) yield await pageOf();
      throw error;
    }
    const last = await checkpointAt(position);
    if (page.length > 0 || rejected.length > 0 || (!yielded && !isDeepStrictEqual(last, checkpoint)))
      yield await pageOf();
  },

  /** Reads rows again by the line they start on (`_line` of the stored copy): a fixed file or setting is picked up. */
  async refetch({ connection, records }): Promise<Refetched<FileRecord>[]> {
    const target = targetFile(connection.settings, 'path');
    const lines = records.map(({ source }) => {
      const line = source[LINE_FIELD];
      return typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : undefined;
    });
    const wanted = new Set(lines.filter((l): l is number => l !== undefined));
    const found = new Map<number, FileRow>();
    if (wanted.size > 0) {
      try {
        await fs.promises.access(target.absolute, fs.constants.R_OK);
      } catch (error) {
        throw fileError(error, target, 'reading');
      }
      const dialect = target.format === 'csv' ? await dialectOf(target) : undefined;
      const last = Math.max(...wanted);
      const { rows } = await rowsFrom(target, { offset: 0, line: 0, records: 0 }, dialect);
      for await (const row of rows) {
        const line = 'rejected' in row ? row.rejected.line : lineOf(row.record, row.line);
        if (wanted.has(line)) found.set(line, row);
        if (line >= last) break;
      }
    }
    return lines.map((line): Refetched<FileRecord> => {
      if (line === undefined) return { status: 'unsupported' };
      const row = found.get(line);
      if (row === undefined)
        return { status: 'missing', reason: `${target.name} has no row starting on line ${line} any more` };
      if ('rejected' in row)
        return { status: 'rejected', reason: row.rejected.reason, source: rejectedRecord(row).source };
      return { status: 'found', record: row.record };
    });
  },
});

/** The line a record starts on: its LINE_FIELD (CSV) or, for NDJSON, the line it is on. */
function lineOf(record: Record<string, unknown>, line: number): number {
  const value = record[LINE_FIELD];
  return typeof value === 'number' ? value : line;
}
